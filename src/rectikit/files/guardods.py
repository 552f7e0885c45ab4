"""What an ODS spreadsheet would cost to read, measured before calamine lays it out: ODS repeats rows and
cells by count (``number-rows-repeated``), so a few bytes can stand for millions of cells."""

from __future__ import annotations

import re
import zipfile

from rectikit.files.guardparts import ATTRS_LAZY, attr, check_whole, chunks, too_large

_NAMES = rb"(table-row|table-cell|covered-table-cell|table)(?=[\s/>])"  # not table-header-rows, table-column …

_ODS_START = re.compile(rb"<table:" + _NAMES)

_ODS_EVENT = re.compile(rb"<table:" + _NAMES + rb"(" + ATTRS_LAZY + rb")(/?)>|</table:table>")


def check_ods(zf: zipfile.ZipFile, file: str, max_cells: int, max_rows: int, max_text: int) -> None:
    """The used area of every table, added up over the tables: repeated rows or cells count as far as a
    cell with content reaches, as a parser lays them out; and the text, each cell's content once for every
    time it is repeated (a 30 KB cell repeated over 26 × 10,000 cells is 7.8 GB to a reader)."""
    done_rows = done_cells = text = 0
    rows = cols = 0  # the used area of the table being read
    next_row = row = n_rows = col = 0
    pending = 0  # the text of a cell cut at a chunk's end goes on, repeated this many times

    def check() -> None:
        if done_rows + rows > max_rows:
            raise too_large(file, "", "行数", done_rows + rows, max_rows, "rows_per_byte")
        if done_cells + rows * cols > max_cells:
            what = f"使用区域（{rows} 行 × {cols} 列）" if not done_cells else "各表合计的使用区域（单元格）"
            raise too_large(file, "", what, done_cells + rows * cols, max_cells, "cells_per_byte、max_cells")
        if text > max_text:
            raise too_large(file, "", "读入后的文字（字节）", text, max_text, "text_per_byte")

    for chunk in chunks(zf, "content.xml"):
        events = list(_ODS_EVENT.finditer(chunk))
        check_whole(_ODS_START, sum(1 for m in events if m.group(1)), chunk, file)
        text += pending * (events[0].start() if events else len(chunk))
        pending = 0
        for k, m in enumerate(events):
            kind, attrs, empty = m.group(1), m.group(2) or b"", m.group(3)
            rep = attr(attrs, rb"table:number-(?:rows|columns)-repeated").strip().lstrip("+")
            n = int(rep) if rep.isdigit() else 1
            if kind is None or kind == b"table":  # a table starts or ends: its area joins the sum
                done_rows, done_cells = done_rows + rows, done_cells + rows * cols
                rows = cols = next_row = 0
            elif kind == b"table-row":
                row, n_rows, col = next_row, n, 0
                next_row += n
            else:
                start, col = col, col + n
                if not empty:  # a cell with content: the area reaches it, on every repeat of its row
                    rows, cols = max(rows, row + n_rows), max(cols, start + n)
                    end = events[k + 1].start() if k + 1 < len(events) else len(chunk)
                    text += (end - m.end()) * n * n_rows
                    if k + 1 == len(events):
                        pending = n * n_rows
            check()
        check()
