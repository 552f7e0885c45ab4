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
