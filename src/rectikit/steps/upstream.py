"""Offices in a chain: a task sheet received from the office above (its rectikit's 整改任务交办表) taken in
as a batch of this workspace, and the same sheet sent back up filled from this ledger.

Rectification runs down and up the levels (seed 001: the region, the city, its counties; seed 002: a county
and its townships). The upstream sheet carries its own identity (workspace, book, unit, round) on its hidden
sheet; this office keeps it with each item it brought — the upstream 编号, role, deadline, measures and
goal — so that the report back up (:func:`report_up`) is the very sheet the upstream office sent, its
identity and its columns untouched, the unit's columns filled: the upstream office's ``collect`` takes it
as any unit's return. A newer round of the same sheet updates the same items; the upstream deadline is a
ceiling for the deadlines set here.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import InputFileError, NotReadyError, UsageError
from rectikit.base.fsutil import sha256_file
from rectikit.base.names import child, file_part
from rectikit.base.problems import ERROR, INFO, Issue, Report
from rectikit.base.results import Result
from rectikit.files.readers import as_int, cell_text
from rectikit.store import books, returnedbooks
from rectikit.store.ledger import Ledger, new_id, now
from rectikit.store.sources import add_source
from rectikit.store.values import PROGRESS
from rectikit.store.workspace import Workspace
from rectikit.text.dates import parse_date

KIND = "上级交办"
SHEET = "整改任务"  # the upstream task sheet (rectikit.steps.dispatch.TASK_SHEET)
REQUIRED = ["编号", "分工", "意见建议内容", "整改时限"]
# What this office reports back, by the upstream sheet's header.
FILLED = {
    "整改进展": "progress",
    "整改成效": "result",
    "完成时间": "done_on",
    "佐证材料": "evidence",
    "公示牌设立情况": "board",
}


@dataclass
class Received:
    """What taking an upstream sheet in did."""

    file: str
    office: str = ""  # the upstream workspace's unit name for this office, as the sheet says
    round: int = 0
    added: list[int] = field(default_factory=list)  # item ids
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    new: int = 0  # rows that are (or, in a dry run, would be) new items
    seen: bool = False  # this very sheet (its token) was taken in before


def names_of_this_office(ws: Workspace) -> set[str]:
    """The names an upstream office may call this one: [office] name and place, and [office] upstream_names."""
    names = {str(ws.setting("office", k, "") or "").strip() for k in ("name", "place")}
    names |= {str(n).strip() for n in ws.setting("office", "upstream_names", []) or []}
    return {n for n in names if n}


def take_in(ws: Workspace, led: Ledger, path: Path, batch: str, report: Report, *, dry_run: bool = False) -> Received:
    """Take an upstream task sheet in as (part of) ``batch``: new 编号 become items, known ones are updated
    (text, deadline, measures, goal; each change in the history). Refused: a sheet of this workspace, one
    sent to another unit, one from another upstream workspace than the batch's, an older round."""
    ret, tag, unit, rnd = _sheet_for_us(ws, led, path, batch)
    table = ret.table(REQUIRED, sheet=SHEET, what="上级交办表")
    res = Received(path.name, unit, rnd)
    res.seen = led.conn.execute("SELECT 1 FROM upstream_books WHERE token=?", (tag.get("标识"),)).fetchone() is not None
    rows = _task_rows(table, path.name, report)
    known = {x["number"]: _known(led, tag, x["number"]) for x in rows}
    res.new = sum(1 for item in known.values() if item is None)
    if report.errors or dry_run:
        return res
    _write(led, path, batch, table, tag, rows, known, res)
    if res.updated:
        report.add(
            Issue(
                "upstream-update",
                f"上级第{rnd}轮交办表改动了 {len(res.updated)} 项的内容或时限（编号 "
                f"{'、'.join(map(str, res.updated[:10]))}），已更新并记入历史。",
                INFO,
                file=path.name,
            )
        )
    return res


def _sheet_for_us(ws: Workspace, led: Ledger, path: Path, batch: str):
    """The upstream workbook, its identity, the unit it was sent to and its round, or the reason it is
    refused (a sheet of this workspace, one sent to another unit, another upstream workspace than the
    batch's, an older round)."""
    ret = returnedbooks.read_returned(path)
    if ret.error is not None:
        raise ret.error
    tag = ret.tag or {}
    name = path.name
    if tag.get("类型") != "dispatch":
        raise InputFileError(
            f"{name} 是 rectikit 生成的{books.KINDS.get(tag.get('类型', ''), '表格')}，"
            "不是上级发来的整改任务交办表，不能作为意见建议导入。"
        )
    if tag.get("工作区") == books.workspace_id(led):
        raise InputFileError(f"{name} 是本工作区发出的交办表，单位报回请用 rectikit collect 导入。")
    unit = tag.get("单位", "")
    mine = names_of_this_office(ws)
    if unit not in mine:
        raise InputFileError(
            f"{name} 是上级发给“{unit}”的交办表，不是发给本单位（{'、'.join(sorted(mine)) or '未设置名称'}）"
            f"的。如“{unit}”就是本单位，请在 rectikit.toml 的 [office] upstream_names 中写上它。"
        )
    batch_id = led.batch_id(batch)
    if batch_id is not None:
        other = led.conn.execute(
            "SELECT workspace FROM upstream_books WHERE batch_id=? AND workspace != ? LIMIT 1",
            (batch_id, tag.get("工作区")),
        ).fetchone()
        kind = led.batch_kinds([batch]).get(batch)
        if other or (kind != KIND):
            raise InputFileError(
                f"批次“{batch}”{'的上级交办表来自另一个上级工作区' if other else '不是上级交办批次'}，"
                f"{name} 请导入另一个批次（--batch）。"
            )
    rnd = as_int(tag.get("轮次")) or 0
    newest = led.conn.execute(
        "SELECT MAX(round) FROM upstream_books WHERE workspace=? AND unit=?", (tag.get("工作区"), unit)
    ).fetchone()[0]
    if newest is not None and rnd < newest:
        raise InputFileError(f"{name} 是上级第{rnd}轮交办表，已导入过更新的第{newest}轮，未导入。")
    return ret, tag, unit, rnd


def _task_rows(table, name: str, report: Report) -> list[dict]:
    """The sheet's tasks as the office above wrote them; a row without 编号 or text is reported, not taken."""
    rows = []
    for r, cells in table.records():
        number = as_int(table.cell(cells, "编号"))
        text = table.text(cells, "意见建议内容")
        if number is None or not text:
            report.add(
                Issue(
                    "bad-id",
                    "编号或意见建议内容为空，这一行未导入。",
                    ERROR,
                    file=name,
                    sheet=table.sheet,
                    row=r,
                    column="编号",
                )
            )
            continue
        due = table.cell(cells, "整改时限")
        day = parse_date(due)
        rows.append(
            {
                "number": number,
                "role": table.text(cells, "分工"),
                "text": text,
                "disposition": table.text(cells, "处理方式"),
                "measures": table.text(cells, "整改措施"),
                "goal": table.text(cells, "整改目标"),
                "deadline": day.isoformat() if day else cell_text(due),
                "row": r,
            }
        )
    return rows


def _write(led: Ledger, path: Path, batch: str, table, tag: dict, rows: list[dict], known: dict, res: Received) -> None:
    """In one transaction: the file kept, the book recorded, new 编号 added as items, known ones updated
    (each change in the history), and every task linked to the office above's 编号."""
    name, unit, rnd = path.name, res.office, res.round
    sha = sha256_file(path)
    content = path.read_bytes()
    with led.transaction():
        batch_id = led.batch_id(batch, create=True, kind=KIND)
        led.conn.execute("INSERT OR IGNORE INTO source_blobs(sha256, content) VALUES (?, ?)", (sha, content))
        file_id = add_source(
            led,
            batch_id,
            path,
            sha,
            sheet=table.sheet,
            header_row=table.first_row - 1,
            headers=table.header,
            mapping={},
            rows=len(rows),
            stamp=now(),
        )
        led.conn.execute(
            "INSERT OR REPLACE INTO upstream_books(batch_id, workspace, token, unit, upstream_batch, round, office,"
            " sha256, file_name, received_on) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                batch_id,
                tag.get("工作区"),
                tag.get("标识"),
                unit,
                tag.get("批次"),
                rnd,
                unit,
                sha,
                name,
                clock.today().isoformat(),
            ),
        )
        for x in rows:
            _take_row(led, x, known[x["number"]], batch_id, file_id, tag, res)


def _take_row(led: Ledger, x: dict, item_id: int | None, batch_id: int, file_id: int, tag: dict, res: Received) -> None:
    """One task of the sheet: a new 编号 becomes an item; a known one takes the new text and deadline (each
    change in the history); either way it is linked to the office above's 编号."""
    rnd = res.round
    if item_id is None:
        item_id = new_id(
            led.conn.execute(
                "INSERT INTO items(batch_id, seq, text, disposition_given, due_given, is_key_task, key_task_source,"
                " file_id, row_number) VALUES (?,?,?,?,?,1,'upstream',?,?)",
                (
                    batch_id,
                    str(x["number"]),
                    x["text"],
                    x["disposition"] or None,
                    x["deadline"] or None,
                    file_id,
                    x["row"],
                ),
            )
        )
        led.record(
            "import",
            "item",
            item_id,
            detail={"upstream": tag.get("工作区"), "number": x["number"], "book": tag.get("标识"), "round": rnd},
        )
        res.added.append(item_id)
    else:
        old = dict(led.conn.execute("SELECT text, due_given FROM items WHERE id=?", (item_id,)).fetchone())
        new = {"text": x["text"], "due_given": x["deadline"] or None}
        changed = {k: (old[k], v) for k, v in new.items() if (old[k] or None) != (v or None)}
        if changed:
            led.conn.execute("UPDATE items SET text=?, due_given=? WHERE id=?", (*new.values(), item_id))
            for k, (a, b) in changed.items():
                led.record(
                    "upstream-update",
                    "item",
                    item_id,
                    field=k,
                    old=a,
                    new=b,
                    detail={"book": tag.get("标识"), "round": rnd},
                )
            res.updated.append(item_id)
        else:
            res.unchanged += 1
    led.conn.execute(
        "INSERT OR REPLACE INTO upstream_items(item_id, workspace, number, role, deadline, measures, goal, book)"
        " VALUES (?,?,?,?,?,?,?,?)",
        (item_id, tag.get("工作区"), x["number"], x["role"], x["deadline"], x["measures"], x["goal"], tag.get("标识")),
    )


def _known(led: Ledger, tag: dict, number: int) -> int | None:
    row = led.conn.execute(
        "SELECT item_id FROM upstream_items WHERE workspace=? AND number=?", (tag.get("工作区"), number)
    ).fetchone()
    return row[0] if row else None


def ceilings(led: Ledger) -> dict[int, str]:
    """Item id -> the latest day the upstream office allows (its 整改时限), for items that came from above."""
    return {
        i: d
        for i, d in led.conn.execute("SELECT item_id, deadline FROM upstream_items")
        if d and len(d) == 10 and d[4] == "-"
    }


@dataclass
class Reported(Result):
    """What a report back up wrote: one file per upstream book, and per file the 编号 it changed."""

    batch: str
    today: str
    files: list[str] = field(default_factory=list)
    rows: int = 0
    changes: dict[str, list[int]] = field(default_factory=dict)  # file -> upstream 编号 whose reported cells changed
    dry_run: bool = False

    def to_dict(self) -> dict:
        return {
            "batch": self.batch,
            "today": self.today,
            "files": self.files,
            "rows": self.rows,
            "changes": self.changes,
            "dry_run": self.dry_run,
        }


def report_up(
    ws: Workspace, batch: str, *, today: dt.date | None = None, out_dir: Path | None = None, dry_run: bool = False
) -> Reported:
    """Write each upstream task sheet of ``batch`` (its newest round) back, the unit's columns filled from this
    ledger as of ``today``: identity and upstream columns as received, so the upstream ``collect`` takes it."""
    from rectikit.figures import tasks_on
    from rectikit.files.xlsxout import write_table

    today = today or clock.today()
    out = Path(out_dir) if out_dir else ws.outputs_dir / "上报"
    res = Reported(batch, today.isoformat(), dry_run=dry_run)
    with ws.ledger() as led:
        led.require_batch(batch)
        booked = led.conn.execute(
            "SELECT u.* FROM upstream_books u JOIN batches b ON b.id=u.batch_id WHERE b.name=? AND u.round ="
            " (SELECT MAX(round) FROM upstream_books v WHERE v.workspace=u.workspace AND v.unit IS u.unit)"
            " ORDER BY u.id",
            (batch,),
        ).fetchall()
        if not booked:
            raise NotReadyError(
                f"批次“{batch}”不是从上级交办表导入的，没有可上报的表。",
                hint="先用 rectikit import 导入上级发来的整改任务交办表。",
            )
        by_number = {
            n: i
            for i, n in led.conn.execute(
                "SELECT item_id, number FROM upstream_items WHERE book IN (%s)" % ",".join("?" * len(booked)),
                [b["token"] for b in booked],
            )
        }
        state = {t["id"]: t for t in tasks_on(led, [batch], today, key_only=False)}
        blobs = {
            b["token"]: led.conn.execute("SELECT content FROM source_blobs WHERE sha256=?", (b["sha256"],)).fetchone()[
                0
            ]
            for b in booked
        }
    for b in booked:
        with tempfile.TemporaryDirectory() as d:
            received = Path(d) / "received.xlsx"
            received.write_bytes(blobs[b["token"]])
            ret = returnedbooks.read_returned(received)
            table = ret.table(REQUIRED, sheet=SHEET, what="上级交办表")
            title = [
                cell_text(r[0])
                for r in next(s for s in ret.sheets if s.name == table.sheet).rows[: table.first_row - 2]
                if r and cell_text(r[0])
            ]
        header = table.header
        rows, changed = _filled(table, header, state, by_number)
        res.rows += len(rows)
        target = child(out, f"{file_part(Path(b['file_name']).stem)}-上报{today.isoformat()}.xlsx")
        res.changes[target.name] = sorted(set(changed))
        if dry_run:
            continue
        progress_col = header.index("整改进展") if "整改进展" in header else None
        res.files.append(
            str(
                write_table(
                    target,
                    table.sheet,
                    header,
                    rows,
                    title=title,
                    identity=returnedbooks.identity_rows(ret.tag or {}),
                    choices={progress_col: PROGRESS} if progress_col is not None else None,
                    internal=True,
                    notes=[f"本表由 rectikit 按本单位台账（截至{today.isoformat()}）填写，原样报回上级即可。"],
                )
            )
        )
    if not res.files and not dry_run:
        raise UsageError("没有写出任何上报表。")
    return res


def _filled(table, header: list, state: dict, by_number: dict) -> tuple[list[list], list[int]]:
    """The sheet's rows as received, the unit's columns filled from the ledger; and the 编号 whose cells
    changed."""
    rows: list[list] = []
    changed: list[int] = []
    for _r, cells in table.records():
        cells = list(cells) + [""] * (len(header) - len(cells))
        number = as_int(table.cell(cells, "编号"))
        task = state.get(by_number.get(number, -1))
        if task is not None:
            for column, key in FILLED.items():
                if column in header:
                    value = _reported(task, key)
                    j = header.index(column)
                    if cell_text(cells[j]) != value and number is not None:
                        changed.append(number)
                    cells[j] = value
        rows.append(
            [
                cell_text(c)
                if not isinstance(c, (int, float)) or isinstance(c, bool)
                else (int(c) if float(c).is_integer() else c)
                for c in cells[: len(header)]
            ]
        )
    return rows, changed


def _reported(task: dict, key: str) -> str:
    """A task's reported value as the upstream sheet wants it: the completion date as a date, done when closed."""
    value = task.get(key) or ""
    if key == "progress" and task.get("closed") and not value:
        return "已完成"
    return str(value)
