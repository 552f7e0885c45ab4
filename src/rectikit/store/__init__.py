"""The workspace folder (config, rule tables, templates) and its ledger: one
SQLite file, its migrations, and the vocabulary of values its fields take.
"""
