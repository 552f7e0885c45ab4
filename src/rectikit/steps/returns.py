"""Whatever comes back: a returned workbook says on its identity sheet what
it was sent as (task sheet, investigation form, call sheet), and is taken
back by the step that sent it.

Each file is taken on its own, all or nothing: a nightly run over a folder
of returns takes every good file and reports each bad one with its reason,
so one unit's broken sheet never holds back the others. Files are taken in
the order their books were sent, so an older round never comes after a
newer one.
"""

from __future__ import annotations

from collections.abc import Sequence

from rectikit.base.errors import InputFileError, InvalidDataError
from rectikit.steps.callbacks import collect_callbacks
from rectikit.steps.collect import CollectResult, collect
from rectikit.steps.investigation import collect_investigation
from rectikit.steps.surveys import collect_survey
from rectikit.store import returnedbooks

TAKERS = {
    "dispatch": collect,
    "investigation": collect_investigation,
    "callback": collect_callbacks,
    "survey": collect_survey,
}


def take_back(ws, files: Sequence, *, today=None) -> CollectResult:
    """Collect returned workbooks of any kind, each file all or nothing, in the order they were sent; a file
    that is none of ours is taken as a task sheet, whose checks then say what is wrong with it. When no file
    could be taken, the error of the first is raised (as for one file); else the failures are in the result."""
    read = [returnedbooks.read_returned(f) for f in files]  # each file is opened here, once
    with ws.ledger() as led:
        order = sorted(read, key=lambda ret: (returnedbooks.sent_order(led, ret), ret.name))
    res = CollectResult(files=[ret.name for ret in read])
    first_error = None
    for ret in order:
        try:
            got = TAKERS.get(ret.kind or "", collect)(ws, [ret], today=today)
        except (InvalidDataError, InputFileError) as e:
            first_error = first_error or e
            res.failed[ret.name] = str(e)
            if e.report is not None:
                res.report.extend(e.report)
            continue
        res.taken.append(ret.name)
        res.rows += got.rows
        res.changed += got.changed
        res.reopened += got.reopened
        res.report.extend(got.report)
    if first_error is not None and not res.taken:
        raise first_error
    return res
