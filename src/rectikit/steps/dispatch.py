"""Sending work out (交办): each unit its own workbook of tasks — lead or co-operating role, deadline, what
to fill in — with the book's identity recorded, so its return can be checked against what was sent.
:func:`send_to_units` is shared by every step that sends workbooks to units (tasks, investigation forms)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import NotReadyError
from rectikit.base.names import child, distinct_files, file_part
from rectikit.base.results import Result
from rectikit.figures import deadline_text, task_note
from rectikit.store import books
from rectikit.store import items as itemstore
from rectikit.store.values import PROGRESS
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date

TASK_SHEET = "整改任务"

CLEAR = ("清空", "（清空）", "(清空)")  # what a unit writes to empty a stored value; a blank cell keeps it


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
class DispatchResult(Result):
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
        by_unit = _by_unit(led, batch, res)
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
                rows = _rows(form, tasks, lead_contact)
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


def _by_unit(led, batch: str | None, res: DispatchResult) -> dict[str, list[tuple[str, dict]]]:
    """Each unit's key tasks, led (牵头) or co-operated on (配合); the tasks with no lead unit kept apart."""
    by_unit: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for it in led.working_items([batch] if batch else [], key_only=True):
        if not it["lead_unit"]:
            res.unassigned.append(it["id"])
            continue
        by_unit[it["lead_unit"]].append((LEAD, it))
        for co in split_units(it["co_units"]):
            if co != it["lead_unit"]:
                by_unit[co].append((CO, it))
    return by_unit


def _rows(form: Form, tasks: list[tuple[str, dict]], lead_contact) -> list[list]:
    """A unit's rows in the form's columns: its role, the deadline as written, notes, the lead's contact."""
    return [
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
