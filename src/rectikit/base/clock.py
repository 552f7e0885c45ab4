"""The office's "today": the day a command acts on and records.

Why not ``date.today()`` everywhere: an office makes last month's report in
this month, and tests drive one workspace through months. Every command takes
``--today``; scripts and tests may set ``RECTIKIT_TODAY`` (or run under
Debian's ``faketime``). The machine's clock still stamps when a change was
written (history ``at``, events ``recorded_at``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from contextvars import ContextVar

_fixed: ContextVar[dt.date | None] = ContextVar("rectikit_today", default=None)


def today() -> dt.date:
    """The day set by :func:`fixed`, else ``RECTIKIT_TODAY``, else the machine's date."""
    day = _fixed.get()
    if day is not None:
        return day
    env = os.environ.get("RECTIKIT_TODAY", "").strip()
    if env:
        try:
            return dt.date.fromisoformat(env)
        except ValueError:
            from rectikit.base.errors import UsageError

            raise UsageError(f"环境变量 RECTIKIT_TODAY 应为 年-月-日 格式的日期，收到：{env}") from None
    return dt.date.today()


@contextlib.contextmanager
def fixed(day: dt.date | None) -> Iterator[dt.date]:
    """Run a block as of ``day`` (None leaves the clock as it is)."""
    if day is None:
        yield today()
        return
    token = _fixed.set(day)
    try:
        yield day
    finally:
        _fixed.reset(token)
