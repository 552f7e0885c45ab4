"""The ground floor: errors that stop work (with their exit codes), problems in
the user's data returned as data, where bundled files are, atomic file writes.
Every other room may use it; it uses none of them.
"""
