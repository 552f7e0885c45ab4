"""The assignment round trip (责任分解表): every task's lead and co-operating units, leaders, deadline and
measures exported for the office to edit, and the edits taken back as decisions a person made, which no
automatic re-run changes (a file older than a decision made since is refused for that row)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import InvalidDataError
from rectikit.base.problems import ERROR, Issue, Report
from rectikit.files.readers import as_int
from rectikit.steps.assign import (
    FIELDS,
    MANUAL,
    OUTPUTS,
    UPDATE_ASSIGNMENT,
    Assignment,
    AssignResult,
    count_from_setting,
    split_cell,
    start_and_year,
    store_assignment,
)
from rectikit.steps.deadlines import DeadlineError, parse_deadline, task_start
from rectikit.steps.units import UNITS_FILE, Directory
from rectikit.steps.units import load as load_units
from rectikit.store import books, returnedbooks
from rectikit.store import items as itemstore
from rectikit.store.items import decided_since
from rectikit.store.workspace import Workspace

SHEET = "责任分解"

EXPORT_HEADERS = [
    "编号",
    "批次",
    "意见建议内容",
    "类别",
    "牵头单位",
    "配合单位",
    "责任领导",
    "责任人",
    "整改时限",
    "整改措施",
    "整改目标",
    "依据",
]


def export_assignments(
    ws: Workspace,
    path: Path,
    *,
    batch: str | None = None,
    include_all: bool = False,
    left: dict[int, str] | None = None,
) -> Path:
    """The assignments as a workbook a person corrects and applies; ``left`` (from :func:`assign`) says in
    依据 why an item has no lead unit yet, and those come first."""
    path = ws.output_file(path, path, (".xlsx",))
    left = left or {}
    with ws.ledger() as led:
        items = led.working_items([batch] if batch else [], key_only=not include_all)
    items.sort(key=lambda i: (i["id"] not in left, bool(i["lead_unit"])))  # what waits for a person first
    rows = [
        [
            i["id"],
            i["batch"],
            i["text"],
            i["category"],
            i["lead_unit"],
            i["co_units"],
            i["leader"],
            i["person"],
            i["deadline_text"] or i["deadline"],
            i["measures"],
            i["goal"],
            f"未分解：{left[i['id']]}"
            if i["id"] in left
            else "人工确定"
            if i["assign_source"] == MANUAL
            else i["assign_rule"] or "未分解：没有规则命中",
        ]
        for i in items
    ]
    notes = [
        "责任分解表说明",
        "1. 可修改牵头单位、配合单位、责任领导、责任人、整改时限、整改措施、整改目标；不要修改“编号”，不要删除列。",
        "2. 单位名称须在单位名录中；整改时限写法同分解规则表。",
        "3. 保存后运行：rectikit assign --apply 本文件。改动过的条目记为人工确定，以后自动分解不会覆盖。",
    ]
    with ws.ledger() as led:
        return books.send(
            led,
            [
                books.Outgoing(
                    "assign-review",
                    {i["id"]: i["text"] for i in items},
                    path,
                    dict(
                        sheet=SHEET,
                        headers=EXPORT_HEADERS,
                        rows=rows,
                        widths=[8, 12, 50, 12, 22, 22, 16, 10, 12, 40, 30, 18],
                        notes=notes,
                    ),
                    batch=batch,
                )
            ],
        ).paths[0]


def apply_assignments(ws: Workspace, path: Path, *, today: dt.date | None = None) -> AssignResult:
    """Take a person's assignments from an exported file: all or nothing. What changed is pinned (later
    automatic runs keep it); a row someone decided anew since the file was exported is refused; a new
    lead unit whose 责任领导/责任人 were left as they were gets the new unit's from the directory."""
    today = today or clock.today()
    start, year = start_and_year(ws)
    count_from = count_from_setting(ws)
    units = load_units(ws.rules_dir / UNITS_FILE)
    ret = returnedbooks.read_returned(path)
    t = ret.table(
        ["编号", *OUTPUTS],
        sheet=SHEET,
        what="责任分解表",
        hint="请使用 rectikit assign --export 生成的原表，不要删除列。",
    )
    report = Report()

    def bad(code, msg, r, column, value=""):
        report.add(Issue(code, msg, ERROR, file=t.file, sheet=t.sheet, row=r, column=column, value=str(value)))

    res = AssignResult()
    with ws.ledger() as led:
        book, carried = returnedbooks.returned(led, ret, "assign-review", t, report)
        wanted: list[tuple[dict, Assignment]] = []
        for r, row in t.records():
            item_id = as_int(t.cell(row, "编号"))
            if item_id is not None and not carried(r, item_id):
                continue
            found = led.conn.execute("SELECT * FROM items WHERE id=?", (item_id,)).fetchone() if item_id else None
            if found is None or item_id is None:
                bad("unknown-id", f"台账中没有编号 {t.text(row, '编号')} 的条目。", r, "编号", t.text(row, "编号"))
                continue
            item = dict(found)
            a = _assignment_of(led, t, r, row, item, book, units, (start, year, count_from, today), bad, res)
            if a is not None:
                wanted.append((item, a))
        if report.errors:
            raise InvalidDataError(f"{t.file} 有 {len(report.errors)} 处错误，未做任何改动。", report=report)
        with led.transaction():
            rows: list[tuple] = []
            events: list[tuple] = []
            for item, a in wanted:
                same = all((item.get(f) or None) == (getattr(a, f) or None) for f in FIELDS)
                if same:
                    continue
                res.changed += store_assignment(item, a, source=MANUAL, rows=rows, events=events)
                res.assignments.append(a)
            led.conn.executemany(UPDATE_ASSIGNMENT, rows)
            itemstore.events_many(
                led,
                events,
                kind="assign",
                source=itemstore.PERSON,
                today=today,
                book=book.token if book else None,
                detail={"file": t.file},
            )
    return res


def _assignment_of(led, t, r: int, row, item: dict, book, units: Directory, when: tuple, bad, res: AssignResult):
    """One row's assignment as the person wrote it, or None: not assigned in the file, a unit or deadline
    that cannot be read (reported), this file's decision already taken, or a newer decision since."""
    start, year, count_from, today = when
    item_id = item["id"]
    lead_name = t.text(row, "牵头单位")
    if not lead_name:
        return None  # not assigned in the file: nothing to take
    lead = units.resolve(lead_name)
    if lead is None:
        bad("unknown-unit", units.unknown_message(lead_name), r, "牵头单位", lead_name)
    co = []
    for name in split_cell(t.cell(row, "配合单位")):
        u = units.resolve(name)
        if u is None:
            bad("unknown-unit", units.unknown_message(name), r, "配合单位", name)
        elif u not in co:
            co.append(u)
    text = t.cell(row, "整改时限")
    try:
        d = parse_deadline(text, start=task_start(item, default=start, count_from=count_from) or today, year=year)
    except DeadlineError as e:
        bad("bad-deadline", str(e), r, "整改时限", text)
        return None
    if lead is None:
        return None
    if (
        book is not None
        and lead == item["lead_unit"]
        and led.conn.execute("SELECT 1 FROM events WHERE item_id=? AND book=?", (item_id, book.token)).fetchone()
    ):
        return None  # this file's decision for the row is already taken
    if book is not None and (newer := decided_since(led, item_id, book.event_mark, ("assign",), book=book.token)):
        bad(
            "newer-decision",
            f"编号 {item_id} 在本表导出后已由{newer}重新分解，本表较旧，请重新导出后再改。",
            r,
            "编号",
            item_id,
        )
        return None
    leader, person = t.text(row, "责任领导"), t.text(row, "责任人")
    if (
        lead != item["lead_unit"]
        and (leader or None) == (item["leader"] or None)
        and (person or None) == (item["person"] or None)
    ):
        leader, person = units.units[lead].leader or "", units.units[lead].contact or ""
        res.from_directory.append(item_id)
    return Assignment(
        item_id,
        lead,
        "、".join(co),
        leader,
        person,
        d.date.isoformat() if d.date else (d.checkpoint.isoformat() if d.checkpoint else None),
        text.isoformat() if isinstance(text, dt.date) else str(text).strip(),
        1 if d.long_term else 0,
        t.text(row, "整改措施"),
        t.text(row, "整改目标"),
        t.file,
    )
