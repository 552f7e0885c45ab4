"""An annex as .xlsx: the title block, a bordered table with the header repeated on every printed page,
row heights for wrapped text, landscape A4; a long table without group rows through the Rust writer."""

from __future__ import annotations

import re
from pathlib import Path

from rectikit.base.fsutil import atomic_path
from rectikit.documents.annextable import Table

NARROW = ("number", "category", "deadline", "closed", "closed_on", "raw_count", "person")  # centred columns


def write_xlsx(table: Table, path: Path) -> Path:
    """A4 landscape, fit to width, title block, header row repeated and frozen."""
    from rectikit.files.cells import LINE_HEIGHT_PT, MAX_LINES, fit_cell, lines_needed
    from rectikit.files.xlsxfast import FAST_ROWS

    cols = table.layout.columns
    scale = 150 / sum(w for *_, w in cols)
    widths = [max(4.0, w * scale) for *_, w in cols]
    last = len(cols) - 1
    headers = [h for h, *_ in cols]
    if table.count >= FAST_ROWS and table.count == len(table.rows) and len(set(headers)) == len(headers):
        return _write_xlsx_fast(table, Path(path), widths)
    import xlsxwriter  # here: the Rust writer's annexes need not load it

    with atomic_path(Path(path)) as tmp:
        # Constant memory: rows are streamed to disk as written (in order), with inline strings; a shared
        # string table for 100k rows took 6 s to write at the close.
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "constant_memory": True,
            },
        )
        ws = wb.add_worksheet("附件" + table.layout.number if table.layout.number else table.layout.name)
        mark, title, sub, head, cell, centre, group = _formats(wb)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.write_string(0, 0, f"附件{table.layout.number}", mark)
        ws.set_row(1, 36)
        ws.merge_range(1, 0, 1, last, table.title, title)
        ws.merge_range(2, 0, 2, last, table.subtitle, sub)
        header_row = 3
        for c, (h, *_rest) in enumerate(cols):
            ws.write_string(header_row, c, h, head)
        ws.set_row(header_row, 30)
        narrow = {c for c, (_, fld, _) in enumerate(cols) if fld in NARROW}
        r = header_row
        for kind, value in table.rows:
            r += 1
            if kind == "group":
                ws.merge_range(r, 0, r, last, str(value), group)
                ws.set_row(r, 20)
                continue
            lines = max((lines_needed(v, widths[c]) for c, v in enumerate(value) if v), default=1)
            ws.set_row(r, LINE_HEIGHT_PT * min(max(lines, 1), MAX_LINES))
            for c, v in enumerate(value):
                if v:
                    ws.write_string(r, c, fit_cell(v), centre if c in narrow else cell)
                else:
                    ws.write_blank(r, c, None, centre if c in narrow else cell)
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(header_row)
        ws.freeze_panes(header_row + 1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
        ws.center_horizontally()
        ws.set_footer('&C&"宋体"&14— &P —')
        wb.close()
    return Path(path)


def _formats(wb) -> tuple:
    """The annex's look: the 附件 mark, title, subtitle, header, body cells (left and centred), group rows."""
    f = wb.add_format
    mark = f({"font_name": "黑体", "font_size": 16})
    title = f({"font_name": "方正小标宋简体", "font_size": 20, "align": "center", "valign": "vcenter"})
    sub = f({"font_name": "楷体_GB2312", "font_size": 14, "align": "center", "valign": "vcenter"})
    head = f(
        {
            "font_name": "黑体",
            "font_size": 11,
            "bold": True,
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
        }
    )
    cell = f({"font_name": "仿宋_GB2312", "font_size": 11, "border": 1, "valign": "vcenter", "text_wrap": True})
    centre = f(
        {
            "font_name": "仿宋_GB2312",
            "font_size": 11,
            "border": 1,
            "valign": "vcenter",
            "align": "center",
            "text_wrap": True,
        }
    )
    group = f({"font_name": "黑体", "font_size": 11, "border": 1, "valign": "vcenter"})
    return mark, title, sub, head, cell, centre, group


def _write_xlsx_fast(table: Table, path: Path, widths: list[float]) -> Path:
    """:func:`write_xlsx` for a long list without group rows, through the Rust writer (100k rows: about a
    tenth of the time): the same title block, header, fonts, borders, row heights and print setup. The
    writer leaves empty cells out and gives a column its format as a column style, which Excel would draw
    down to the sheet's last row: empty cells go in as a stand-in (``_EMPTY``), and a pass over the sheet's
    XML makes them empty cells with the table's format and takes the column styles away."""
    import rustpy_xlsxwriter as rx

    from rectikit.files.cells import CELL_LIMIT, LINE_HEIGHT_PT, fit_cell
    from rectikit.files.xlsxfast import repair_package, with_heights, write_measuring

    cols = table.layout.columns
    headers = [h for h, *_ in cols]
    last = len(cols) - 1
    F = rx.Format

    def body(centred: bool):
        f = F().set_font_name("仿宋_GB2312").set_font_size(11).set_border("thin").set_align("vcenter").set_text_wrap()
        return f.set_align("center") if centred else f

    mark = F().set_font_name("黑体").set_font_size(16)
    title = F().set_font_name("方正小标宋简体").set_font_size(20).set_align("center").set_align("vcenter")
    sub = F().set_font_name("楷体_GB2312").set_font_size(14).set_align("center").set_align("vcenter")
    head = (
        F()
        .set_font_name("黑体")
        .set_font_size(11)
        .set_bold()
        .set_border("thin")
        .set_align("center")
        .set_align("vcenter")
        .set_text_wrap()
    )
    header_row = 3
    values = [value for _kind, value in table.rows]
    records = (
        {h: (v if len(v) <= CELL_LIMIT else fit_cell(v)) if v else _EMPTY for h, v in zip(headers, value)}
        for value in values
    )

    def write(target: Path) -> None:
        rx.write_worksheet(
            records,
            str(target),
            sheet_name="附件" + table.layout.number if table.layout.number else table.layout.name,
            header_row=header_row,
            header_format=head,
            column_widths=widths,
            freeze_row=header_row + 1,
            column_formats={h: body(fld in NARROW) for h, fld, _w in cols},
            merge_ranges=[
                (0, 0, 0, 1, f"附件{table.layout.number}", mark),
                (1, 0, 1, last, table.title, title),
                (2, 0, 2, last, table.subtitle, sub),
            ],
            page_setup={
                "landscape": True,
                "paper_size": 9,
                "fit_to_pages": (1, 0),
                "repeat_rows": header_row,
                "center_horizontally": True,
                "margins": {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.7},
                "footer": '&C&"宋体"&14— &P —',
            },
        )

    with atomic_path(path) as tmp:
        lines = write_measuring(write, tmp, values, widths)
        heights = {1: 36.0, header_row: 30.0}
        heights.update((k, LINE_HEIGHT_PT * n) for k, n in enumerate(lines, start=header_row + 1))
        repair_package(tmp, sheet=lambda xml: _cells_not_columns(with_heights(xml, heights)))
    return path


# An empty cell's stand-in: the Rust writer leaves empty cells out, and an annex's empty cells need the
# table's borders. A control character never reaches the ledger (import drops them), the writer writes it
# as _x0001_ (and a text "_x0001_" as _x005F_x0001_), so the cells that hold only it are the empty ones.
_EMPTY = "\x01"
_EMPTY_CELL = b' t="inlineStr"><is><t>_x0001_</t></is></c>'


def _cells_not_columns(sheet: bytes) -> bytes:
    """Each column's style onto the table's own cells only, so a bordered table ends where its rows end:
    the columns lose their style, and the stand-ins of empty cells become empty cells keeping theirs."""
    head_end = sheet.find(b"<sheetData")
    head = re.sub(rb'(<col [^>]*?) style="\d+"', rb"\1", sheet[:head_end])
    return head + sheet[head_end:].replace(_EMPTY_CELL, b"/>")
