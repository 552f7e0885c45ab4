"""Errors that stop work, each with the exit code the CLI returns.

Problems in the user's data are *not* exceptions: they are collected as
:class:`rectikit.base.problems.Issue` records.  An exception here means the command
cannot go on; the CLI turns it into one Chinese message and an exit code.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class RectikitError(Exception):
    """Base class: work cannot go on. ``str(err)`` is the Chinese message;
    ``code`` is a stable name scripts can test (``--json`` prints it), ``hint``
    what to do next."""

    exit_code = EXIT_FAILED
    code = "failed"

    def __init__(self, message: str, *, report=None, hint: str = ""):
        super().__init__(message)
        self.report = report
        self.hint = hint


class UsageError(RectikitError):
    """The command was called wrongly (bad option value, unknown field)."""

    exit_code = EXIT_USAGE
    code = "usage"


class NotReadyError(RectikitError):
    """The step asked for needs an earlier one first (nothing imported, nothing assigned …)."""

    code = "not-ready"


class WorkspaceError(RectikitError):
    """No workspace found, or a workspace folder or its config is not usable."""

    code = "workspace"


class LedgerBusyError(RectikitError):
    """Another rectikit process holds the write lock for too long."""

    code = "busy"


class InputFileError(RectikitError):
    """A file cannot be read as a spreadsheet at all (corrupt, unsafe, empty)."""

    code = "unreadable-file"


class NotFoundError(RectikitError):
    """An item, group or file the command names is not in the ledger: a problem with the data asked
    for, not with how the command was called."""

    code = "not-found"


class InvalidDataError(RectikitError):
    """The data has errors that block the operation; ``report`` lists them."""

    code = "invalid-data"
