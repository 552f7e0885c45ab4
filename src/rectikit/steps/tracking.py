"""Tracking: light every task green, yellow or red on a day (with the chase list of the late ones), close
finished tasks out (销号) and reopen them (重办).

Offices chase units monthly (每月一过问/一审核/一报告): tasks go out with :mod:`rectikit.steps.dispatch`,
come back with :mod:`rectikit.steps.collect`, and the office closes an item only when it is finished and
has evidence. Each step here is one function; the CLI calls them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import InvalidDataError, UsageError, WorkspaceError
from rectikit.base.problems import ERROR, Issue, Report
from rectikit.base.results import Result, Summary
from rectikit.figures import light_counts, task_table, tasks_on
from rectikit.store import items as itemstore
from rectikit.store.items import events_of
from rectikit.store.values import DONE
from rectikit.store.workspace import Workspace

REOPENED = "推进中"  # where a reopened task starts again


@dataclass
class TrackResult(Result):
    today: str
    tasks: list[dict] = field(default_factory=list)  # id, unit, deadline, progress, light, days_left
    by_unit: dict[str, dict[str, int]] = field(default_factory=dict)
    path: str | None = None

    def counts(self) -> dict[str, int]:
        return light_counts(t["light"] for t in self.tasks)

    def to_dict(self) -> dict:
        return {
            "today": self.today,
            "counts": self.counts(),
            "by_unit": self.by_unit,
            "tasks": self.tasks,
            "path": self.path,
        }


def track(
    ws: Workspace, *, today: dt.date | None = None, batch: str | None = None, out: Path | None = None
) -> TrackResult:
    """Light every task as it stood at the end of ``today``: red when overdue, yellow within ``[tracking]
    warn_days`` of its deadline, else green."""
    today = today or clock.today()
    warn = int(ws.setting("tracking", "warn_days", 10))
    res = TrackResult(today=today.isoformat())
    with ws.ledger() as led:
        tasks = tasks_on(led, [batch] if batch else [], today)
    res.tasks = task_table(tasks, today, warn)
    for t in res.tasks:
        res.by_unit.setdefault(t["unit"], Counter())[t["light"]] += 1
    res.by_unit = {u: dict(c) for u, c in sorted(res.by_unit.items())}
    if out:
        res.path = str(_write_chase_list(ws.output_file(out, out, (".xlsx",)), res))
    return res


def _write_chase_list(path: Path, res: TrackResult) -> Path:
    """催办清单: the red and yellow tasks, most overdue first."""
    from rectikit.files.xlsxout import write_table

    due = sorted((t for t in res.tasks if t["light"] in ("红灯", "黄灯")), key=lambda t: (t["days_left"], t["id"]))
    rows = [
        [
            t["light"],
            t["unit"],
            t["id"],
            t["text"],
            t["deadline"],
            t["progress"],
            -t["days_left"] if t["days_left"] < 0 else 0,
            max(t["days_left"], 0),
        ]
        for t in due
    ]
    return write_table(
        path,
        "催办清单",
        ["状态", "牵头单位", "编号", "意见建议内容", "整改时限", "整改进展", "逾期天数", "剩余天数", "公示牌"],
        [r + [t["board"]] for r, t in zip(rows, due)],
        widths=[7, 18, 6, 50, 11, 9, 8, 8, 14],
        internal=True,
        notes=[f"催办清单（截至 {res.today}，内部资料）", "红灯：已过整改时限仍未完成；黄灯：临近整改时限。"],
    )


def _checked_items(led, item_ids: Sequence[int], why_not, code: str, verb: str) -> dict[int, dict]:
    """The named items, each of which ``why_not`` finds nothing against, or
    an error listing every one that cannot be acted on (all or nothing)."""
    rows = {
        r["id"]: dict(r)
        for r in led.conn.execute(f"SELECT * FROM items WHERE id IN ({','.join('?' * len(item_ids))})", tuple(item_ids))
    }
    report = Report()
    for i in item_ids:
        it = rows.get(i)
        why = "台账中没有该编号。" if it is None else "已并入其他条目。" if it["merged_into"] else why_not(it)
        if why:
            report.add(Issue(code, f"编号 {i} 不能{verb}：{why}", ERROR, value=str(i)))
    if report.errors:
        raise InvalidDataError(f"{len(report.errors)} 项不能{verb}，未做任何改动。", report=report)
    return rows


def close_out(
    ws: Workspace, item_ids: Sequence[int], *, on: dt.date | None = None, today: dt.date | None = None
) -> Summary:
    """销号: close finished tasks that have evidence, on ``on`` (today by default, never a day still to come
    nor before the unit finished). All named items or none; an item already closed is left as it is and
    listed under ``already`` (a script may run the same close-out twice)."""
    today = today or clock.today()
    on = on or today
    if on > today:
        raise UsageError(f"销号日期 {on.isoformat()} 晚于今天（{today.isoformat()}）。")

    def why_not(it):
        if it["closed"]:
            return None
        if it["progress"] != DONE:
            return "整改进展不是“已完成”。"
        if not it["evidence"]:
            return "没有佐证材料（重新整改的任务须报送新的佐证材料）。" if it["reopened"] else "没有佐证材料。"
        done = it["done_on"] or _done_since(led, it["id"])
        if done and done > on.isoformat():
            return f"销号日期早于完成日期 {done}。"
        return None

    with ws.ledger() as led:
        rows = _checked_items(led, item_ids, why_not, "cannot-close", "销号")
        already = [i for i in dict.fromkeys(item_ids) if rows[i]["closed"]]
        closing = [i for i in dict.fromkeys(item_ids) if not rows[i]["closed"]]
        with led.transaction():
            for i in closing:
                itemstore.change(
                    led,
                    rows[i],
                    {"closed": 1, "closed_on": on.isoformat()},
                    kind="close-out",
                    source=itemstore.PERSON,
                    on=on,
                    today=today,
                )
    return Summary({"closed": closing, "already": already, "on": on.isoformat()})


def _done_since(led, item_id: int) -> str | None:
    """The business date of the event that last reported the task finished (a return without 完成时间)."""
    for e in reversed(events_of(led, item_id)):
        if e["changes"].get("progress") == DONE:
            return e["on_date"]
    return None


def reopen(ws: Workspace, item_ids: Sequence[int], *, reason: str, today: dt.date | None = None) -> Summary:
    """Reopen closed-out tasks for more work (重办): the only way a closed task
    changes again. The reason goes into the history. All named items or none."""
    today = today or clock.today()
    reason = (reason or "").strip()
    if not reason:
        raise UsageError("请用 --reason 写明重新整改的原因（记入台账历史）。")
    phrase = reopen_phrase(ws)
    with ws.ledger() as led:
        rows = _checked_items(
            led, item_ids, lambda it: None if it["closed"] else "尚未销号，无需重新打开。", "cannot-reopen", "重新打开"
        )
        with led.transaction():
            for i in item_ids:
                reopen_item(
                    led,
                    rows[i],
                    kind="reopen",
                    reason=reason,
                    on=today,
                    phrase=phrase,
                    today=today,
                    source=itemstore.PERSON,
                )
    return Summary({"reopened": list(item_ids), "reason": reason, "on": today.isoformat()})


def reopen_phrase(ws: Workspace) -> str:
    """How long a reopened task gets, as a deadline phrase counted from the reopen date (``[tracking]
    reopen_days``: 20个工作日 by default, or a number of working days)."""
    value = ws.setting("tracking", "reopen_days", "20个工作日")
    return f"{value}个工作日" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def reopen_item(
    led,
    item: dict,
    *,
    kind: str,
    reason: str,
    on: dt.date,
    phrase: str,
    today: dt.date,
    source: str,
    detail: dict | None = None,
) -> None:
    """Send one item back to work (inside a transaction): close-out undone, progress back to 推进中, the
    earlier result, completion date and evidence left to the history (closing again needs new evidence),
    a new deadline counted from ``on``, and the reason kept on the item (重新整改)."""
    from rectikit.steps.deadlines import DeadlineError, parse_deadline

    try:
        d = parse_deadline(phrase, start=on, year=on.year, weekdays_if_unpublished=True)
    except DeadlineError as e:
        raise WorkspaceError(f"rectikit.toml 中 [tracking] reopen_days 无法计算新的整改时限：{e}") from None
    new_deadline = when.isoformat() if (when := d.date or d.checkpoint) else item["deadline"]
    itemstore.change(
        led,
        item,
        {
            "closed": None,
            "closed_on": None,
            "progress": REOPENED,
            "result": None,
            "done_on": None,
            "evidence": None,
            "reopened": reason,
            "reopened_on": on.isoformat(),
            "deadline": new_deadline,
            "deadline_text": new_deadline,
        },
        kind=kind,
        source=source,
        on=on,
        today=today,
        detail={"reason": reason, **(detail or {})},
    )
