"""The pipeline steps, each reading the ledger, deciding, and writing its
results back in one transaction with history: ingest, dedupe, classify
(with its taxonomy), assign (with the units directory and deadlines),
tracking (dispatch, collect, track, close out).
"""
