"""Text tools: normalising Chinese feedback for comparison, dates as people type
them, near-duplicate search (MinHash + exact check), the learned category
model, and masking personal data for public outputs.
"""
