"""Helpers shared by the tests."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def write_xlsx(path: Path, rows: list[list], merges: list[str] = (), sheet: str = "Sheet1") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    sh = wb.active
    sh.title = sheet
    for r in rows:
        sh.append(r)
    for row in sh.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("="):
                c.data_type = "s"  # text that looks like a formula, as citizens type it
    for m in merges:
        sh.merge_cells(m)
    wb.save(path)
    return path


def ledger_snapshot(ws) -> dict:
    """Everything a failed import must leave untouched."""
    con = sqlite3.connect(ws.ledger_path)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
            for t in ("batches", "source_files", "items", "history", "layouts")
        }
    finally:
        con.close()


def count(ws, table: str) -> int:
    con = sqlite3.connect(ws.ledger_path)
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


class CliResult:
    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err

    def json(self):
        return json.loads(self.out)


def items_by_id(ws) -> dict[int, dict]:
    """Every item row of the ledger, by id."""
    con = sqlite3.connect(ws.ledger_path)
    con.row_factory = sqlite3.Row
    try:
        return {r["id"]: dict(r) for r in con.execute("SELECT * FROM items ORDER BY id")}
    finally:
        con.close()


def fill_sheet(path: Path, values: dict, out: Path, *, sheet: str = "整改任务", ids: dict | None = None) -> Path:
    """Fill a sent workbook as a unit or staff would in Excel: ``values`` maps
    an item's 编号 to {header: value}; ``ids`` rewrites 编号 cells (old -> new).
    The header row is found by its 编号 cell, below any title lines."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    sh = wb[sheet]
    head = next(r for r in sh.iter_rows(max_row=10) if any(c.value == "编号" for c in r))
    col = {c.value: c.column for c in head}
    id_col = col["编号"]
    for row in sh.iter_rows(min_row=head[0].row + 1):
        item = row[id_col - 1].value
        for header, v in values.get(item, {}).items():
            cell = sh.cell(row[0].row, col[header], v)
            if isinstance(v, str) and v.startswith("="):
                cell.data_type = "s"  # typed as text, not a formula
        if ids and item in ids:
            row[id_col - 1].value = ids[item]
    wb.save(out)
    return out


def set_items(ws, where: str = "", params=(), *, on: str = "2000-01-01", **fields) -> int:
    """Set fields of the items ``where`` selects (an SQL condition) through the library, as a person would
    have decided them on ``on``: each change is an event (and the set-up one history row), so a set-up never
    writes into the items table behind the ledger's back. Returns how many items changed."""
    import datetime as dt

    from rectikit.store import items as itemstore

    with ws.ledger() as led, led.transaction():
        rows = led.dicts("SELECT * FROM items" + (f" WHERE {where}" if where else "") + " ORDER BY id", params)
        return itemstore.change_many(
            led, [(r, fields) for r in rows], kind="set-up", source=itemstore.PERSON, on=dt.date.fromisoformat(on)
        )
