"""What the office signs, sends or publishes, written from the ledger and
:mod:`rectikit.figures`: the annexes, the analysis report, the public notice,
the ledger export. :mod:`.builder` holds the form of an official document,
:mod:`.wording` how numbers and dates are said.
"""
