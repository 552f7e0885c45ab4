"""Whatever comes back: a returned workbook says on its identity sheet what
it was sent as (task sheet, investigation form, call sheet), and is taken
back by the step that sent it. One collect takes one kind, whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rectikit.base.errors import UsageError
from rectikit.steps.callbacks import collect_callbacks
from rectikit.steps.investigation import collect_investigation
from rectikit.steps.tracking import collect
from rectikit.store import books

TAKERS = {"dispatch": collect, "investigation": collect_investigation, "callback": collect_callbacks}


def take_back(ws, files: Sequence[Path], *, today=None):
    """Collect returned workbooks of one kind; a file that is none of ours is
    taken as a task sheet, whose checks then say what is wrong with it."""
    kinds = {books.kind_of(Path(f)) or "dispatch" for f in files}
    kinds = {k if k in TAKERS else "dispatch" for k in kinds}
    if len(kinds) > 1:
        raise UsageError("一次 collect 只导入同一种表（交办表、调查表、回访记录表），请分开导入："
                         + "、".join(books.KINDS[k] for k in sorted(kinds)) + "。")
    return TAKERS[kinds.pop()](ws, files, today=today)
