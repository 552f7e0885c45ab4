"""Large plain tables through the Rust writer (rustpy-xlsxwriter): the same title rows, header, formats,
widths, frozen header, filter and print setup as :func:`rectikit.files.xlsxout.write_table`, at a tenth of
the time; the package repaired afterwards (one ``<row>`` per row, the 内部资料 properties)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from rectikit.base.fsutil import atomic_path
from rectikit.files.cells import CELL_LIMIT, INTERNAL, LINE_HEIGHT_PT, MAX_LINES, fit_cell, lines_per_row

# From here a plain table (no dropdowns, tints, notes or identity) goes through the Rust writer: the ledger
# export's 100k rows × 24 columns took 16.4 s in XlsxWriter, whose per-cell Python calls are the cost
# (benchmarks/writer_bench.py: 5.8 s against 0.55 s on 100k × 10). The body needs no cell format of its
# own (empty cells stay unwritten in both), so the Rust writer's column styles give the same look.
FAST_ROWS = 20_000


def write_fast(
    path: Path,
    sheet: str,
    headers: Sequence[str],
    rows: list,
    *,
    widths: Sequence[int] | None,
    title: Sequence[str],
    internal: bool,
) -> Path:
    """:func:`write_table` for a large plain table, through rustpy-xlsxwriter: the same title lines, bold
    frozen header with filters, column widths, wrapped body, row heights, dates as dates, A4 landscape
    print setup, and for a staff-only table 内部资料 in the title, the page header and the file's
    properties."""
    import rustpy_xlsxwriter as rx

    headers = [str(h) for h in headers]
    named = f"{title[0] if title else sheet}（内部资料）"  # as the file's title property, like write_table's
    if internal and title and "内部资料" not in str(title[0]):
        title = [f"{title[0]}（内部资料）", *title[1:]]
    top = len(title)
    last = max(len(headers) - 1, 1)
    big = rx.Format().set_font_name("方正小标宋简体").set_font_size(16).set_align("center").set_align("vcenter")
    line = rx.Format().set_font_name("仿宋").set_font_size(11).set_align("vcenter")
    head = (
        rx.Format()
        .set_bold()
        .set_font_name("黑体")
        .set_border("thin")
        .set_background_color("#D9E1F2")
        .set_align("vcenter")
    )
    body = rx.Format().set_font_name("仿宋").set_text_wrap().set_align("top")
    date = rx.Format().set_font_name("仿宋").set_num_format("yyyy-mm-dd").set_align("top")
    dated = {
        c
        for c in range(len(headers))
        if any(isinstance(r[c], (dt.date, dt.datetime)) for r in rows[:200] if c < len(r))
    }
    widths = widths or []
    heights = _heights(rows, len(headers), widths, top)

    def records():  # one row at a time: a list of 100k dicts of every column cost a gigabyte
        blank = [None] * len(headers)  # every key in every record: the writer lays columns out by them
        for row in rows:
            if len(row) < len(headers):
                row = [*row, *blank[len(row) :]]
            # text (most cells) and empties decided inline; other values through _value
            yield {
                h: (v if len(v) <= CELL_LIMIT else fit_cell(v))
                if v.__class__ is str and v
                else None
                if v is None or v == ""
                else _value(v)
                for h, v in zip(headers, row)
            }

    setup = _page_setup(top, internal)
    with atomic_path(path) as tmp:
        rx.write_worksheet(
            records(),
            str(tmp),
            sheet_name=sheet,
            header_row=top,
            header_format=head,
            freeze_row=top + 1,
            autofilter=True,
            column_widths=list(widths) if widths else None,
            datetime_format="yyyy-mm-dd",
            column_formats={h: date if c in dated else body for c, h in enumerate(headers)},
            merge_ranges=[(r, 0, r, last, str(text), big if r == 0 else line) for r, text in enumerate(title)],
            row_heights=heights,
            page_setup=setup,
        )
        repair_package(tmp, title=named if internal else None)
    return path


def _value(v):
    """A cell that is not text: numbers, truth values and dates as they are, anything else as text."""
    return v if isinstance(v, (bool, int, float, dt.date, dt.datetime)) else fit_cell(str(v))


def _page_setup(top: int, internal: bool) -> dict:
    """A4 landscape, all columns on the page width, the header row on every page, page numbers; the
    内部资料 line on every page of a staff-only table."""
    setup = {
        "landscape": True,
        "paper_size": 9,
        "fit_to_pages": (1, 0),
        "repeat_rows": top,
        "margins": {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6},
        "footer": "&C第 &P 页，共 &N 页",
    }
    if internal:
        setup["header"] = "&C内部资料　含群众个人信息，不得外传"
    return setup


def _heights(rows: list, columns: int, widths: Sequence[int], top: int) -> dict[int, float]:
    """The title rows' heights and each body row's that wraps: the writer wants them before the rows."""
    heights: dict[int, float] = {r: 30 if r == 0 else 18 for r in range(top)}
    for k, lines in enumerate(lines_per_row(rows, list(widths)[:columns], both_cores=True), start=top + 1):
        if lines > 1:
            heights[k] = LINE_HEIGHT_PT * min(lines, MAX_LINES)
    return heights


_ROW = re.compile(rb'<row r="(\d+)"([^>]*?)(/?)>')


def one_row_each(sheet: bytes) -> bytes:
    """The Rust writer (0.8) writes a height set on the last data row as a second, empty ``<row>`` of the
    same number after the row itself, which Excel repairs on opening: fold it back into the row. Only the
    end of the sheet is looked at (it is the last row, and the sheet may be a hundred megabytes)."""
    end = sheet.rfind(b"</sheetData>")
    if end < 0:
        return sheet
    start = max(0, sheet.rfind(b'<row r="', 0, sheet.rfind(b'<row r="', 0, end)))
    rows = list(_ROW.finditer(sheet, start, end))
    if len(rows) == 2 and rows[0].group(1) == rows[1].group(1) and rows[1].group(3) == b"/":
        first, dup = rows
        whole = memoryview(sheet)  # the pieces joined once: adding them copied the sheet four times
        return b"".join(
            [
                whole[: first.start()],
                b'<row r="' + dup.group(1) + b'"' + dup.group(2) + b">",
                whole[first.end() : dup.start()],
                whole[dup.end() :],
            ]
        )
    return sheet


def repair_package(path: Path, *, title: str | None = None, sheet=None) -> None:
    """Rewrite a workbook the Rust writer made: one ``<row>`` per row (:func:`one_row_each`), then
    ``sheet`` (a function of the first worksheet's XML, as bytes) when given, and with ``title`` 内部资料 in the file's
    properties (title, subject, keywords, category), as XlsxWriter's set_properties does: the mark travels
    with the file wherever it is copied."""
    import zipfile
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        parts = {i.filename: z.read(i) for i in infos}
    name = "xl/worksheets/sheet1.xml"
    xml = one_row_each(parts[name])
    parts[name] = sheet(xml) if sheet else xml
    if title is not None:
        extra = (
            f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(INTERNAL)}</dc:subject>"
            f"<cp:keywords>内部资料</cp:keywords><cp:category>内部资料</cp:category>"
            f"<dc:description>{escape(INTERNAL)}</dc:description>"
        )
        core = "docProps/core.xml"
        parts[core] = parts[core].replace(b"</cp:coreProperties>", extra.encode() + b"</cp:coreProperties>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in infos:  # the big sheet at a light level: it is written once and read by Excel anyway
            z.writestr(info, parts[info.filename], compresslevel=1 if info.filename == name else 6)
