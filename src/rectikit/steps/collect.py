"""Taking back what units report (报回): each returned row checked against its book and the ledger (the
role as sent, the lead unit now, newer decisions and reopenings), progress, dates and evidence validated,
and the changes written as events dated by the unit's own dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import InvalidDataError
from rectikit.base.problems import ERROR, INFO, WARNING, At, Issue, Report, Where
from rectikit.base.results import Result
from rectikit.steps.dispatch import CLEAR, CO, REQUIRED_RETURN, TASK_SHEET, UNIT_COLUMNS
from rectikit.store import books, returnedbooks
from rectikit.store import items as itemstore
from rectikit.store.items import events_of
from rectikit.store.ledger import now
from rectikit.store.values import DONE, PROGRESS
from rectikit.store.workspace import Workspace


@dataclass
class CollectResult(Result):
    """What taking back returned workbooks did (task sheets, investigation forms, call sheets)."""

    files: list[str]
    rows: int = 0
    changed: int = 0
    reopened: list[int] = field(default_factory=list)  # items an unsatisfied callback sent back
    report: Report = field(default_factory=Report)
    taken: list[str] = field(default_factory=list)  # files taken (when files are taken one by one)
    failed: dict[str, str] = field(default_factory=dict)  # file -> why it was not taken

    def to_dict(self) -> dict:
        return {
            "files": self.files,
            "rows": self.rows,
            "changed": self.changed,
            "reopened": self.reopened,
            "taken": self.taken,
            "failed": self.failed,
            "report": self.report.to_dict(),
        }


def newer_state(led, item: dict, book) -> str | None:
    """Why a returned row of ``book`` must not change ``item``, or None: the task moved on after the book
    was sent (given to another unit, reopened, closed out) or a newer round of returns was already taken.
    What a book may change comes from the ledger, never from a cell."""
    if book.unit and item["lead_unit"] and book.unit != item["lead_unit"] and book.role(item["id"]) != CO:
        return f"该项已改由{item['lead_unit']}牵头，本表（发给{book.unit}）的内容未采用。"
    for e in reversed(events_of(led, item["id"], after=book.event_mark)):
        if e["kind"] in ("reopen", "callback-reopen"):
            return (
                f"本表发出后，该项已于{e['on_date']}重新整改（{e['changes'].get('reopened') or ''}），"
                "请用新的交办表报送。"
            )
        if e["kind"] == "collect" and e["book"] and e["book"] != book.token:
            newer = led.conn.execute("SELECT round, id FROM sent_books WHERE token=?", (e["book"],)).fetchone()
            if newer and newer["id"] > book.id:
                return f"已导入更新一轮（第{newer['round']}轮）交办表的报送，本表较旧，内容未采用。"
    return None


def collect(ws: Workspace, files: Sequence[Path], *, today: dt.date | None = None) -> CollectResult:
    """Take the units' returned task sheets into the ledger: all files or none.

    Each row must be one its book carried, unchanged in 编号 and text, and the
    book must be the newest word on the task (see :func:`newer_state`); older
    rounds are applied before newer ones. A blank cell keeps what is stored
    (write 清空 to clear it); a task already closed out (销号) is left as it
    is, with a warning, until it is reopened. A completion counts from the
    unit's 完成时间, anything else from the day it is collected.
    """
    today = today or clock.today()
    res = CollectResult(files=[Path(f).name for f in files])
    with ws.ledger() as led:
        wanted = _reported(led, files, today, res)
        wanted.sort(key=lambda w: (w[4].id, w[0], w[1]))  # older rounds first
        current = _current(led, wanted, res)
        if res.report.errors:
            raise InvalidDataError(f"报回的交办表有 {len(res.report.errors)} 处错误，未做任何改动。", report=res.report)
        stamp = now()
        with led.transaction():
            for file, r, item_id, new, book in wanted:
                _take(led, current[item_id], new, book, file, r, today, stamp, res)
    return res


def _reported(
    led, files: Sequence[Path], today: dt.date, res: CollectResult
) -> list[tuple[str, int, int, dict, books.Book]]:
    """What the lead units reported, row by row (file, row, item id, new values, book), each row checked;
    a co-operating unit's row and a task reported twice in one book are set apart with their reason."""
    wanted: list[tuple[str, int, int, dict, books.Book]] = []
    seen: dict[tuple[int, str], str] = {}
    for t, book, r, row, item_id in returnedbooks.returned_rows(
        led,
        files,
        "dispatch",
        sheet=TASK_SHEET,
        required=REQUIRED_RETURN,
        what="交办表",
        hint="请使用 rectikit dispatch 生成的原表，不要删除列。",
        report=res.report,
    ):
        where = At(file=t.file, sheet=t.sheet, row=r)
        new = {key: t.text(row, header) for key, header, _ in UNIT_COLUMNS}
        if not any(new.values()):
            continue  # nothing reported for this task yet
        if (book.role(item_id) or t.text(row, "分工")) == CO:
            res.report.add(
                Issue(
                    "co-unit-row",
                    "配合的任务由牵头单位报送进展，本行填写的内容未采用。",
                    INFO,
                    column="分工",
                    value=CO,
                    **where,
                )
            )
            continue
        key = (item_id, book.token)
        if key in seen:
            res.report.add(
                Issue(
                    "duplicate-id",
                    f"编号 {item_id} 已在 {seen[key]} 报回过，同一项只能报回一次。",
                    ERROR,
                    column="编号",
                    value=str(item_id),
                    **where,
                )
            )
            continue
        seen[key] = f"{t.file} 第{r}行"
        _check_return(new, t.cell(row, "完成时间"), today, where, res.report)
        wanted.append((t.file, r, item_id, new, book))
    return wanted


def _current(led, wanted: list, res: CollectResult) -> dict[int, dict]:
    """The ledger's row of each task reported, its completion checked against what is stored."""
    current: dict[int, dict] = {}
    for file, r, item_id, new, _book in wanted:
        row = led.conn.execute("SELECT * FROM items WHERE id=? AND merged_into IS NULL", (item_id,)).fetchone()
        if row is None:
            res.report.add(
                Issue(
                    "unknown-id",
                    f"编号 {item_id} 已并入其他条目或已不在台账中。",
                    ERROR,
                    file=file,
                    sheet=TASK_SHEET,
                    row=r,
                    column="编号",
                    value=str(item_id),
                )
            )
        else:
            current[item_id] = dict(row)
            _check_finished(new, current[item_id], dict(file=file, sheet=TASK_SHEET, row=r), res.report)
    return current


def _take(
    led, it: dict, new: dict, book: books.Book, file: str, r: int, today: dt.date, stamp: str, res: CollectResult
) -> None:
    """One reported row into the ledger, unless it changes nothing, the task is closed out, the book is
    not the newest word on it, or a completion predates its reopening (each said in the report)."""
    item_id = it["id"]
    after = {k: None if v in CLEAR else v for k, v in new.items() if v}  # a blank cell keeps what is stored
    changes = {k: v for k, v in after.items() if v != it[k]}
    if not changes:
        return  # the same return again
    where = Where(file=file, sheet=TASK_SHEET, row=r, column="编号", value=str(item_id))
    if it["closed"]:
        res.report.add(
            Issue(
                "closed",
                f"编号 {item_id} 已销号，报回的内容未采用；如需重新整改，先运行 rectikit reopen {item_id}。",
                WARNING,
                **where,
            )
        )
        return
    why = newer_state(led, it, book)
    if why:
        res.report.add(Issue("stale-book", f"编号 {item_id}：{why}", WARNING, **where))
        return
    state = {**it, **changes}
    if state["reopened_on"] and state["done_on"] and state["done_on"] < state["reopened_on"] and "done_on" in changes:
        res.report.add(
            Issue(
                "before-reopen",
                f"编号 {item_id} 于{state['reopened_on']}重新整改，完成时间{state['done_on']}早于此，未采用。",
                WARNING,
                file=where["file"],
                sheet=where["sheet"],
                row=where["row"],
                column="完成时间",
            )
        )
        return
    on = state["done_on"] if state["progress"] == DONE and state["done_on"] else today
    res.rows += 1
    res.changed += len(
        itemstore.change(
            led,
            it,
            changes,
            kind="collect",
            source=itemstore.RETURN,
            on=on,
            today=today,
            book=book.token,
            detail={"file": file, "round": book.round},
        )
    )
    led.conn.execute("UPDATE items SET reported_at=? WHERE id=?", (stamp, item_id))


def _check_return(new: dict, done_cell, today: dt.date, where: At, report: Report) -> None:
    """Validate one returned row in place: a known progress, a real date that has already come, and a
    completion date only for finished work."""
    if new["progress"] and new["progress"] not in (*PROGRESS, *CLEAR):
        report.add(
            Issue(
                "bad-progress",
                f"整改进展应为 {'、'.join(PROGRESS)} 之一。",
                ERROR,
                column="整改进展",
                value=new["progress"],
                **where,
            )
        )
    if new["done_on"] and new["done_on"] not in CLEAR:
        day = returnedbooks.returned_date(done_cell, new["done_on"], "完成时间", today, where, report)
        if day:
            new["done_on"] = day
            if new["progress"] in ("未启动", "推进中"):
                report.add(
                    Issue(
                        "done-on-unfinished",
                        f"整改进展为“{new['progress']}”，不应填写完成时间。",
                        ERROR,
                        column="完成时间",
                        value=new["done_on"],
                        **where,
                    )
                )


def _check_finished(new: dict, stored: dict, where: dict, report: Report) -> None:
    """Finished work needs its results, reported now or before, and cannot be finished before the
    citizen raised it."""
    after = {k: (stored[k] if not v else None if v in CLEAR else v) for k, v in new.items()}
    raised = str(stored.get("received_on") or "")[:10]
    if new["done_on"] and new["done_on"] not in CLEAR and len(raised) == 10 and new["done_on"] < raised:
        report.add(
            Issue(
                "done-before-raised",
                f"完成时间 {new['done_on']} 早于群众反映的时间 {raised}。",
                ERROR,
                column="完成时间",
                value=new["done_on"],
                **where,
            )
        )
    if after["progress"] == DONE:
        if not after["result"]:
            report.add(Issue("missing-result", "标为已完成，须填写整改成效。", ERROR, column="整改成效", **where))
        if not after["done_on"]:
            report.add(Issue("missing-done-on", "标为已完成，建议填写完成时间。", WARNING, column="完成时间", **where))
