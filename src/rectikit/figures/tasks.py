"""Where each task stands on a day: its light (红灯/黄灯/…), days left, notes; the task table."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from rectikit.store.items import TRACKED, as_of
from rectikit.store.ledger import Ledger
from rectikit.store.values import DONE, LIGHTS
from rectikit.text.dates import cn_date

# -- tracking ---------------------------------------------------------------


def task_light(item: dict, today: dt.date, warn_days: int) -> tuple[str, int | None]:
    """A task's light as of ``today`` and the days left (negative when overdue):
    red past its deadline and not done, yellow within ``warn_days`` of it."""
    if item["closed"]:
        return "已销号", None
    if item["progress"] == DONE:
        return "已完成", None
    if item["long_term"]:
        return "长期坚持", None
    if not item["deadline"]:
        return "未定时限", None
    left = (dt.date.fromisoformat(item["deadline"]) - today).days
    return ("红灯" if left < 0 else "黄灯" if left <= warn_days else "绿灯"), left


def light_counts(lights: Iterable[str]) -> dict[str, int]:
    """Lights counted in LIGHTS order, the empty ones left out."""
    c = Counter(lights)
    return {light: c[light] for light in LIGHTS if c[light]}


def task_note(item: dict, *, short: bool = False) -> str:
    """What a list of tasks says beside a reopened one: 重新整改, since when and why (``short``: why only,
    for a narrow column of a public table whose 整改时限 already shows the new deadline)."""
    if not item.get("reopened"):
        return ""
    if short:
        return f"重新整改（{item['reopened']}）"
    return (
        f"重新整改（{cn_date(dt.date.fromisoformat(item['reopened_on']))}起，{item['reopened']}）"
        if item.get("reopened_on")
        else f"重新整改（{item['reopened']}）"
    )


def tasks_on(
    led: Ledger,
    batches: Sequence[str],
    day: dt.date,
    *,
    key_only: bool = True,
    mark: int | None = None,
    columns: Sequence[str] = (),
) -> list[dict]:
    """The working items (key tasks by default) as they stood at the end of ``day``; with ``mark``, as the
    ledger knew them when that event was the newest (an earlier edition of a report). ``columns``: only
    these fields (with the tracked ones, which the day's state rebuilds) when a caller reads few."""
    wanted = tuple(dict.fromkeys([*TRACKED, *columns])) if columns else ()
    return as_of(led, led.working_items(batches, key_only=key_only, columns=wanted), day, mark=mark)


def deadline_text(item: dict) -> str:
    return "长期坚持" if item.get("long_term") else (item.get("deadline") or "")


def task_table(items: Iterable[dict], today: dt.date, warn_days: int) -> list[dict]:
    """Every assigned task with its light and days left, in ledger order."""
    return [
        {
            "id": it["id"],
            "unit": it["lead_unit"],
            "co_units": it.get("co_units") or "",
            "deadline": deadline_text(it),
            "progress": it["progress"] or "",
            "light": light,
            "days_left": left,
            "board": it.get("board") or "",
            "text": it["text"],
            "note": task_note(it),
        }
        for it in items
        if it["lead_unit"]
        for light, left in [task_light(it, today, warn_days)]
    ]


def progress(tasks: Sequence[dict], today: dt.date, warn_days: int) -> dict:
    """Where the assigned tasks stand: lights counted, done (closed included)."""
    lights = light_counts(task_light(t, today, warn_days)[0] for t in tasks)
    return {
        "tasks": len(tasks),
        "lights": lights,
        "done": lights.get("已完成", 0) + lights.get("已销号", 0),
        "closed": lights.get("已销号", 0),
        "overdue": lights.get("红灯", 0),
        "due_soon": lights.get("黄灯", 0),
        "long_term": lights.get("长期坚持", 0),
    }
