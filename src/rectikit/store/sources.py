"""The spreadsheets imported: each sheet recorded (its file's bytes kept once), and any item traced back to
the cells it came from, in its own row and the rows merged into it."""

from __future__ import annotations

import json
from pathlib import Path

from rectikit.store.ledger import Ledger, new_id


def add_source(
    led: Ledger,
    batch_id: int,
    path: Path,
    sha: str,
    *,
    sheet: str,
    header_row: int,
    headers: list[str],
    mapping: dict,
    rows: int,
    stamp: str,
) -> int:
    """Record one imported sheet of a file (its bytes are kept once in ``source_blobs``); its id."""
    return new_id(
        led.conn.execute(
            "INSERT INTO source_files(batch_id, file_name, file_path, sha256, sheet, header_row, headers, mapping,"
            " row_count, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                batch_id,
                path.name,
                str(path.resolve()),
                sha,
                sheet,
                header_row,
                json.dumps(headers, ensure_ascii=False),
                json.dumps(mapping),
                rows,
                stamp,
            ),
        )
    )


def original_rows(led: Ledger, item_id: int) -> list[dict]:
    """The spreadsheet rows an item stands for, every cell as imported, with file, sheet and row number."""
    rows = led.conn.execute(
        "SELECT f.file_name, f.sheet, f.sha256, m.row_number, json_extract(f.rows, '$.\"' || m.row_number || '\"')"
        " FROM items m JOIN source_files f ON f.id = m.file_id WHERE m.id = ? OR m.merged_into = ? ORDER BY m.id",
        (item_id, item_id),
    ).fetchall()
    sheets: dict[tuple[str, str], list[list]] = {}
    out = []
    for name, sheet, sha, n, cells in rows:
        if cells is not None:  # imported before version 7
            values = json.loads(cells)
        else:
            if (sha, sheet) not in sheets:
                sheets[sha, sheet] = _original_sheet(led, sha, name, sheet)
            values = sheets[sha, sheet][n - 1]
        out.append({"file": name, "sheet": sheet, "sha256": sha, "row": n, "cells": values})
    return out


def _original_sheet(led: Ledger, sha: str, file_name: str, sheet: str) -> list[list]:
    import tempfile

    from rectikit.files.readers import read_sheets

    (content,) = led.conn.execute("SELECT content FROM source_blobs WHERE sha256 = ?", (sha,)).fetchone()
    with tempfile.TemporaryDirectory() as d:
        copy = Path(d) / ("original" + Path(file_name).suffix.lower())
        copy.write_bytes(content)
        return next(iter(read_sheets(copy, sheet))).rows  # a CSV's one sheet, whatever its name
