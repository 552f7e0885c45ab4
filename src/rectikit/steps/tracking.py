"""Tracking: send each unit its tasks, take back what units report, light
every task green, yellow or red, and close finished tasks out (销号).

Offices chase units monthly (每月一过问/一审核/一报告): a task sheet goes out
to each lead unit, comes back with progress, results and evidence filled in,
and the office closes an item only when it is finished and has evidence.
Each step here is one function; the CLI calls them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import InvalidDataError, NotReadyError, UsageError, WorkspaceError
from rectikit.base.names import child, distinct_files, file_part
from rectikit.base.problems import ERROR, INFO, WARNING, At, Issue, Report, Where
from rectikit.figures import deadline_text, light_counts, task_note, task_table, tasks_on
from rectikit.store import books
from rectikit.store import items as itemstore
from rectikit.store.items import events_of
from rectikit.store.ledger import now
from rectikit.store.values import DONE, PROGRESS
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date, parse_date

TASK_SHEET = "整改任务"
CLEAR = ("清空", "（清空）", "(清空)")  # what a unit writes to empty a stored value; a blank cell keeps it
REOPENED = "推进中"  # where a reopened task starts again
# Columns the office fills / the unit fills, in the order of the task sheet.
LEAD, CO = "牵头", "配合"
OFFICE_COLUMNS = [
    ("id", "编号", 6),
    ("role", "分工", 6),
    ("batch", "批次", 10),
    ("text", "意见建议内容", 40),
    ("disposition", "处理方式", 8),
    ("measures", "整改措施", 30),
    ("goal", "整改目标", 22),
    ("deadline", "整改时限", 11),
    ("co_units", "配合单位", 16),
    ("lead", "牵头单位及联系人", 18),
    ("note", "备注", 16),
]
UNIT_COLUMNS = [
    ("progress", "整改进展", 9),
    ("result", "整改成效", 30),
    ("done_on", "完成时间", 11),
    ("evidence", "佐证材料", 24),
    ("board", "公示牌设立情况", 16),
]
REQUIRED_RETURN = [
    "编号",
    "意见建议内容",
    "整改进展",
    "整改成效",
    "完成时间",
    "佐证材料",
]  # 公示牌 came later: optional
TASK_NOTES = [
    "整改任务交办表填写说明",
    "1. 每行是交由本单位整改的一项任务。“分工”为牵头的，请填写右侧“整改进展”“整改成效”“完成时间”“佐证材料”四列；"
    "为配合的，请与“牵头单位及联系人”一列写明的牵头单位联系，配合整改，进展由牵头单位报送，这几列不必填写。",
    f"2. “整改进展”下拉选择：{'、'.join(PROGRESS)}。选“已完成”的须填写整改成效和完成时间。",
    "3. “佐证材料”写明材料名称或存放位置（如：走访记录、通话记录、现场照片、自查报告）。",
    "4. 不要修改“编号”列和意见建议内容，不要删除列或工作表；填好后原样报回。",
    "5. 留空的格子表示不改动已报送的内容；要清除已报送的内容，请填写“清空”。",
    "6. 需要在现场设立整改公示牌的（未完成或长期坚持的任务），在“公示牌设立情况”写明设立地点、时间和照片等佐证。",
]


@dataclass
class DispatchResult:
    folder: str
    files: dict[str, str] = field(default_factory=dict)  # unit -> path
    tasks: dict[str, int] = field(default_factory=dict)  # unit -> number of tasks it leads
    co_tasks: dict[str, int] = field(default_factory=dict)  # unit -> number of tasks it co-operates on
    unassigned: list[int] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)  # a filled copy left in place -> where the new one went

    def to_dict(self) -> dict:
        return {
            "folder": self.folder,
            "files": self.files,
            "tasks": self.tasks,
            "co_tasks": self.co_tasks,
            "unassigned": self.unassigned,
            "kept": self.kept,
        }


@dataclass(frozen=True)
class Form:
    """A workbook sent to each unit: what it is called, its sheet and columns
    (key, header, width), the dropdowns and the notes on how to fill it."""

    kind: str  # the kind of book (store.books.KINDS)
    name: str  # 整改任务交办表
    sheet: str
    columns: list
    notes: list[str]
    choices: dict | None = None


def send_to_units(
    ws: Workspace,
    form: Form,
    folder: Path,
    *,
    batch: str | None,
    reply_by: dt.date | None,
    today: dt.date | None,
    res: DispatchResult,
) -> DispatchResult:
    """One workbook of ``form`` per unit: the key tasks it leads and, marked
    配合, those it co-operates on; headed with the form's name, the unit, the
    date to report back by and the office's contact. Each book is remembered
    in the ledger (one transaction: all are, or none) so that what comes back
    can be checked."""
    today = today or clock.today()
    reply_by = reply_by or today + dt.timedelta(days=int(ws.setting("tracking", "reply_days", 10)))
    office = ws.setting("office", "name", "")
    contact = "　".join(
        f"{label}：{value}"
        for label, value in (
            ("联系人", ws.setting("office", "contact", "")),
            ("电话", ws.setting("office", "phone", "")),
        )
        if value
    )
    lead_contact = _contacts(ws)
    with ws.ledger() as led:
        by_unit: dict[str, list[tuple[str, dict]]] = defaultdict(list)
        for it in led.working_items([batch] if batch else [], key_only=True):
            if not it["lead_unit"]:
                res.unassigned.append(it["id"])
                continue
            by_unit[it["lead_unit"]].append((LEAD, it))
            for co in split_units(it["co_units"]):
                if co != it["lead_unit"]:
                    by_unit[co].append((CO, it))
        if not by_unit:
            raise NotReadyError("没有已分解到牵头单位的重点整改任务。", hint="先运行 rectikit assign。")
        if any(key == "contacts" for key, *_ in form.columns):  # staff-only forms: everyone who raised each item
            people = led.contacts([it["id"] for tasks in by_unit.values() for _, it in tasks])
            for tasks in by_unit.values():
                for _, it in tasks:
                    p = people.get(it["id"], {})
                    it["contacts"] = "；".join(x for x in (p.get("contact_name"), p.get("contact_phone")) if x)
        names = {unit: f"{form.name}-{file_part(unit)}.xlsx" for unit in by_unit}
        distinct_files(names)
        folder.mkdir(parents=True, exist_ok=True)
        with led.transaction():  # the tasks start and the books are remembered only if every workbook is written
            if form.kind == "dispatch":
                _start_tasks(ws, led, [it for tasks in by_unit.values() for role, it in tasks if role == LEAD], today)
            units = sorted(by_unit)
            jobs = []
            for unit in units:
                tasks = by_unit[unit]
                title = [
                    form.name,
                    f"承办单位：{unit}　　交办日期：{cn_date(today)}　　请于{cn_date(reply_by)}前报回",
                    f"交办单位：{office}　{contact}".rstrip(),
                ]
                rows = [
                    [
                        role
                        if key == "role"
                        else deadline_text(it)
                        if key == "deadline"
                        else task_note(it) or None
                        if key == "note"
                        else (lead_contact(it["lead_unit"]) if role == CO else None)
                        if key == "lead"
                        else it.get(key)
                        for key, *_ in form.columns
                    ]
                    for role, it in tasks
                ]
                jobs.append(
                    books.Outgoing(
                        form.kind,
                        {it["id"]: it["text"] for _, it in tasks},
                        child(folder, names[unit]),
                        dict(
                            sheet=form.sheet,
                            headers=[h for _, h, _ in form.columns],
                            rows=rows,
                            widths=[w for *_, w in form.columns],
                            choices=form.choices,
                            notes=form.notes,
                            title=title,
                        ),
                        unit=unit,
                        batch=batch,
                        roles={it["id"]: role for role, it in tasks},
                        reply_by=reply_by.isoformat(),
                    )
                )
                for role, counts in ((LEAD, res.tasks), (CO, res.co_tasks)):
                    if n := sum(1 for r, _ in tasks if r == role):
                        counts[unit] = n
            sent = books.send(led, jobs)
    res.files = {unit: str(path) for unit, path in zip(units, sent.paths)}
    res.kept = sent.kept
    return res


def _contacts(ws: Workspace):
    """A lead unit as a co-operating unit should know it: its name, contact person and phone (from the
    units directory, when the workspace has one)."""
    from rectikit.steps.units import directory_of

    directory = directory_of(ws)
    units = directory.units if directory else {}

    def contact(name: str) -> str:
        unit = units.get(name)
        extra = "　".join(x for x in ((unit.contact, unit.phone) if unit else ()) if x)
        return f"{name}（{extra}）" if extra else name

    return contact


def _start_tasks(ws: Workspace, led, tasks: list[dict], today: dt.date) -> None:
    """A task's first dispatch is its start: a relative deadline (30天, 15个工作日) counts from it, unless
    the office counts from the day an item was received (``[assign] count_from = "received"``)."""
    from rectikit.steps.deadlines import DeadlineError, deadline_once, is_relative, task_start

    count_from = str(ws.setting("assign", "count_from", "dispatch"))
    year = int(ws.setting("office", "year", today.year))
    changes = []
    for it in {t["id"]: t for t in tasks}.values():
        if it["started_on"]:
            continue
        new = {"started_on": today.isoformat()}
        if is_relative(it["deadline_text"]) and not it["long_term"]:
            try:
                counted = deadline_once(
                    it["deadline_text"], task_start({**it, **new}, default=None, count_from=count_from), year
                ).date
            except DeadlineError:
                counted = None  # the assigned deadline stands (e.g. next year's holidays not yet published)
            if counted:
                new["deadline"] = counted.isoformat()
        changes.append((it, new))
    itemstore.change_many(led, changes, kind="dispatch", source=itemstore.DISPATCH, on=today, today=today)


TASK_FORM = Form(
    "dispatch", "整改任务交办表", TASK_SHEET, OFFICE_COLUMNS + UNIT_COLUMNS, TASK_NOTES, {len(OFFICE_COLUMNS): PROGRESS}
)


def dispatch(
    ws: Workspace,
    folder: Path | None = None,
    *,
    batch: str | None = None,
    reply_by: dt.date | None = None,
    today: dt.date | None = None,
) -> DispatchResult:
    """Write one task sheet per unit (整改任务交办表-单位.xlsx), to come back with progress."""
    folder = Path(folder) if folder else ws.root / "交办"
    return send_to_units(
        ws, TASK_FORM, folder, batch=batch, reply_by=reply_by, today=today, res=DispatchResult(folder=str(folder))
    )


def split_units(cell: str | None) -> list[str]:
    """The units of a 配合单位 cell (joined with 、 ， ; or spaces)."""
    return [u for u in re.split(r"[、，,;；\s]+", cell or "") if u]


@dataclass
class CollectResult:
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
    wanted: list[tuple[str, int, int, dict, books.Book]] = []  # file, row, item id, new values, book
    seen: dict[tuple[int, str], str] = {}
    with ws.ledger() as led:
        for t, book, r, row, item_id in books.returned_rows(
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
        wanted.sort(key=lambda w: (w[4].id, w[0], w[1]))  # older rounds first
        current = {}
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
        if res.report.errors:
            raise InvalidDataError(f"报回的交办表有 {len(res.report.errors)} 处错误，未做任何改动。", report=res.report)
        stamp = now()
        with led.transaction():
            for file, r, item_id, new, book in wanted:
                it = current[item_id]
                after = {k: None if v in CLEAR else v for k, v in new.items() if v}  # a blank cell keeps what is stored
                changes = {k: v for k, v in after.items() if v != it[k]}
                if not changes:
                    continue  # the same return again
                where = Where(file=file, sheet=TASK_SHEET, row=r, column="编号", value=str(item_id))
                if it["closed"]:
                    res.report.add(
                        Issue(
                            "closed",
                            f"编号 {item_id} 已销号，报回的内容未采用；如需重新整改，先运行 "
                            f"rectikit reopen {item_id}。",
                            WARNING,
                            **where,
                        )
                    )
                    continue
                why = newer_state(led, it, book)
                if why:
                    res.report.add(Issue("stale-book", f"编号 {item_id}：{why}", WARNING, **where))
                    continue
                state = {**it, **changes}
                if (
                    state["reopened_on"]
                    and state["done_on"]
                    and state["done_on"] < state["reopened_on"]
                    and "done_on" in changes
                ):
                    res.report.add(
                        Issue(
                            "before-reopen",
                            f"编号 {item_id} 于{state['reopened_on']}重新整改，完成时间"
                            f"{state['done_on']}早于此，未采用。",
                            WARNING,
                            file=where["file"],
                            sheet=where["sheet"],
                            row=where["row"],
                            column="完成时间",
                        )
                    )
                    continue
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
    return res


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
        day = parse_date(done_cell)
        if day is None:
            report.add(
                Issue("bad-date", "完成时间不是有效日期。", ERROR, column="完成时间", value=new["done_on"], **where)
            )
        elif day > today:
            report.add(
                Issue(
                    "future-date",
                    f"完成时间 {day.isoformat()} 晚于今天（{today.isoformat()}）。",
                    ERROR,
                    column="完成时间",
                    value=new["done_on"],
                    **where,
                )
            )
        else:
            new["done_on"] = day.isoformat()
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


@dataclass
class TrackResult:
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
) -> dict:
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
    return {"closed": closing, "already": already, "on": on.isoformat()}


def _done_since(led, item_id: int) -> str | None:
    """The business date of the event that last reported the task finished (a return without 完成时间)."""
    for e in reversed(events_of(led, item_id)):
        if e["changes"].get("progress") == DONE:
            return e["on_date"]
    return None


def reopen(ws: Workspace, item_ids: Sequence[int], *, reason: str, today: dt.date | None = None) -> dict:
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
    return {"reopened": list(item_ids), "reason": reason, "on": today.isoformat()}


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
