"""Plain tabular .xlsx output (reports, exports) written safely and atomically.

XlsxWriter is used here rather than openpyxl: it wrote a formatted 100k-row
sheet 3.4x faster in the project's measurements (PERFORMANCE.md), and with
``strings_to_formulas`` off a citizen's text that starts with "=" can never
become a formula.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from rectikit.base.fsutil import atomic_path
from rectikit.base.parallel import side_by_side

LINE_HEIGHT_PT = 15
IDENTITY_SHEET = "_rectikit"  # very hidden: Excel and WPS show it only through VBA
MAX_LINES = 12


CELL_LIMIT = 32_767  # characters Excel keeps in one cell; XlsxWriter cuts the rest off without a word
CUT_NOTE = "……（原文超过 Excel 单元格 32767 字的上限，以下从略；全文在台账中，可用 rectikit export 导出 .csv 查看）"


def fit_cell(text: str) -> str:
    """Text as one cell can hold it, saying where it was cut and where the whole is."""
    return text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - len(CUT_NOTE)] + CUT_NOTE


def display_width(text: str) -> int:
    """Width in Excel column units: CJK and full-width characters take two.
    GB18030 gives them two bytes and ASCII one, so its length is the width,
    counted in C: the per-character loop was a quarter of a 100k-row export."""
    return len(text.encode("gb18030", "replace"))


def _usable(width: float) -> int:
    """Display width that fits on one line of a cell ``width`` units wide (a CJK character in an
    11-point font is about 2.2 units wide, and counts two)."""
    return int(max((width - 1) / 1.1, 4))


@lru_cache(maxsize=1 << 16)
def lines_needed(text: str, width: float) -> int:
    """How many wrapped lines a cell of ``width`` units needs for ``text``; remembered, as a long list
    repeats its units, categories and dates in every row."""
    usable = _usable(width)
    if 2 * len(text) <= usable and "\n" not in text:  # fits even if every character is wide
        return 1
    return sum(max(1, -(-display_width(part) // usable)) for part in text.split("\n"))


INTERNAL = "内部资料：含群众个人信息，不得外传、不得公开"


def write_table(
    path: Path,
    sheet: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    widths: Sequence[int] | None = None,
    choices: dict[int, Sequence[str]] | None = None,
    shade: Sequence[bool] | None = None,
    notes: Sequence[str] | None = None,
    identity: Sequence[tuple[str, str]] | None = None,
    title: Sequence[str] = (),
    extra_sheets: dict[str, tuple[Sequence[str], Sequence[Sequence]]] | None = None,
    internal: bool = False,
) -> Path:
    """Write one sheet: bold frozen header, autofilter, wrapped text cells,
    set up to print on A4 landscape.

    ``internal`` marks a staff-only workbook (citizens' names and phones): 内部资料 in its title line,
    on every printed page and in the file's properties, so it is never mistaken for a public table.

    For review files: ``choices`` gives a column a dropdown of allowed values,
    ``shade`` marks rows to tint (alternate groups), ``notes`` become a second
    sheet "说明" telling staff what to do. ``identity`` (name, value pairs)
    goes on a very hidden sheet: what the workbook is, for when it comes back.
    ``title`` lines stand above the header (the first large): what the sheet
    is, for whom, by when — as offices head the forms they send out.
    ``extra_sheets`` (name -> headers, rows) follow as further plain sheets.
    """
    import xlsxwriter

    path = Path(path)
    plain = not (choices or shade or notes or identity or extra_sheets)
    if plain and isinstance(rows, list) and len(rows) >= FAST_ROWS and len(set(map(str, headers))) == len(headers):
        return _write_fast(path, sheet, headers, rows, widths=widths, title=title, internal=internal)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "constant_memory": True,
                # The body's look is the workbook's default style, so body cells carry no format of their
                # own: writing 2.1 M cells took 17% less time.
                "default_format_properties": {"font_name": "仿宋", "text_wrap": True, "valign": "top"},
            },
        )
        ws = wb.add_worksheet(sheet)
        if internal:
            wb.set_properties(
                {
                    "title": f"{title[0] if title else sheet}（内部资料）",
                    "subject": INTERNAL,
                    "keywords": "内部资料",
                    "comments": INTERNAL,
                    "category": "内部资料",
                }
            )
            if title and "内部资料" not in str(title[0]):
                title = [f"{title[0]}（内部资料）", *title[1:]]
        head = wb.add_format(
            {"bold": True, "font_name": "黑体", "border": 1, "bg_color": "#D9E1F2", "valign": "vcenter"}
        )
        body = None  # the default style (above)
        date = wb.add_format({"font_name": "仿宋", "num_format": "yyyy-mm-dd", "valign": "top"})
        tinted = wb.add_format({"font_name": "仿宋", "text_wrap": True, "valign": "top", "bg_color": "#F2F2F2"})
        tinted_date = wb.add_format(
            {"font_name": "仿宋", "num_format": "yyyy-mm-dd", "valign": "top", "bg_color": "#F2F2F2"}
        )
        fraction = wb.add_format({"font_name": "仿宋", "num_format": "0.00", "valign": "top"})
        tinted_fraction = wb.add_format(
            {"font_name": "仿宋", "num_format": "0.00", "valign": "top", "bg_color": "#F2F2F2"}
        )
        top = len(title)  # the header's row
        big = wb.add_format({"font_name": "方正小标宋简体", "font_size": 16, "align": "center", "valign": "vcenter"})
        line = wb.add_format({"font_name": "仿宋", "font_size": 11, "valign": "vcenter"})
        for r, text in enumerate(title):
            ws.merge_range(r, 0, r, max(len(headers) - 1, 1), str(text), big if r == 0 else line)
            ws.set_row(r, 30 if r == 0 else 18)
        for c, h in enumerate(headers):
            ws.write_string(top, c, str(h), head)
            if widths:
                ws.set_column(c, c, widths[c])
        n = top
        # A cell shorter than this many characters fits on one line even if every character is wide.
        short = [_usable(w) // 2 for w in widths] if widths else []
        widths = widths or []
        for r, row in enumerate(rows, start=top + 1):
            n = r
            tint = bool(shade and shade[r - top - 1])
            fmt, dfmt, ffmt = (tinted, tinted_date, tinted_fraction) if tint else (body, date, fraction)
            lines = 1
            for c, v in enumerate(row):
                if v is None or v == "":
                    if fmt is tinted:
                        ws.write_blank(r, c, None, fmt)
                    continue
                if v.__class__ is str:  # most cells: checked first, in one test
                    if short and (len(v) > short[c] or "\n" in v):
                        # XlsxWriter cannot autofit, and LibreOffice does not on opening:
                        # give wrapped rows the height their longest text needs.
                        lines = max(lines, lines_needed(v, widths[c]))
                    ws.write_string(r, c, v if len(v) <= CELL_LIMIT else fit_cell(v), fmt)
                elif isinstance(v, bool):
                    ws.write_boolean(r, c, v, fmt)
                elif isinstance(v, float) and not v.is_integer():
                    ws.write_number(r, c, v, ffmt)
                elif isinstance(v, (int, float)):
                    ws.write_number(r, c, v, fmt)
                elif isinstance(v, (dt.date, dt.datetime)):
                    ws.write_datetime(r, c, v, dfmt)
                else:
                    ws.write_string(r, c, fit_cell(str(v)), fmt)
            if lines > 1:  # the row is still open: constant-memory mode writes it when the next begins
                ws.set_row(r, LINE_HEIGHT_PT * min(lines, MAX_LINES))
        if choices:
            # Allowed values live on a hidden sheet: an inline list may hold
            # only 255 characters, which a category table easily exceeds.
            opts = wb.add_worksheet("选项")
            opts.hide()
            for k, (c, allowed) in enumerate(choices.items()):
                for r, value in enumerate(allowed):
                    opts.write_string(r, k, str(value))
                col = chr(ord("A") + k)
                ws.data_validation(
                    top + 1,
                    c,
                    max(n, top + 1),
                    c,
                    {
                        "validate": "list",
                        "source": f"=选项!${col}$1:${col}${max(len(allowed), 1)}",
                        "error_title": "取值无效",
                        "error_message": "请从下拉列表中选择。",
                    },
                )
        ws.freeze_panes(top + 1, 0)
        ws.autofilter(top, 0, max(n, top + 1), max(len(headers) - 1, 0))
        # Printable as offices print: A4 landscape, all columns on the page
        # width, the header row on every page, page numbers in the footer.
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(top)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer("&C第 &P 页，共 &N 页")
        if internal:
            ws.set_header("&C内部资料　含群众个人信息，不得外传")
        if notes:
            help_ws = wb.add_worksheet("说明")
            help_ws.set_column(0, 0, 100)
            for r, line in enumerate(notes):
                help_ws.write_string(r, 0, line, head if r == 0 else body)
        for name, (extra_headers, extra_rows) in (extra_sheets or {}).items():
            extra = wb.add_worksheet(name)
            for c, h in enumerate(extra_headers):
                extra.write_string(0, c, str(h), head)
                extra.set_column(c, c, 20)
            for r, row in enumerate(extra_rows, start=1):
                for c, v in enumerate(row):
                    if v not in (None, ""):
                        extra.write(r, c, v, body)
        if identity:
            tag = wb.add_worksheet(IDENTITY_SHEET)
            for r, (key, value) in enumerate(identity):
                tag.write_string(r, 0, key)
                tag.write_string(r, 1, str(value))
            tag.very_hidden()
        wb.close()
    return path


# From here a plain table (no dropdowns, tints, notes or identity) goes through the Rust writer: the ledger
# export's 100k rows × 24 columns took 16.4 s in XlsxWriter, whose per-cell Python calls are the cost
# (benchmarks/writer_bench.py: 5.8 s against 0.55 s on 100k × 10). The body needs no cell format of its
# own (empty cells stay unwritten in both), so the Rust writer's column styles give the same look.
FAST_ROWS = 20_000


def _write_fast(
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
    short = [_usable(w) // 2 for w in widths]
    heights: dict[int, float] = {r: 30 if r == 0 else 18 for r in range(top)}
    for k, row in enumerate(rows, start=top + 1):  # the heights first: the writer wants them before the rows
        lines = (
            max(
                (
                    lines_needed(v, widths[c])
                    for c, v in enumerate(row[: len(headers)])
                    if v.__class__ is str and (len(v) > short[c] or "\n" in v)
                ),
                default=1,
            )
            if short
            else 1
        )
        if lines > 1:
            heights[k] = LINE_HEIGHT_PT * min(lines, MAX_LINES)

    def records():  # one row at a time: a list of 100k dicts of every column cost a gigabyte
        for row in rows:
            record = dict.fromkeys(headers)  # every key in every record: the writer lays columns out by them
            for c, v in enumerate(row[: len(headers)]):
                if v is None or v == "":
                    continue
                if v.__class__ is str:
                    v = v if len(v) <= CELL_LIMIT else fit_cell(v)
                elif not isinstance(v, (bool, int, float, dt.date, dt.datetime)):
                    v = fit_cell(str(v))
                record[headers[c]] = v
            yield record

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
        return (
            sheet[: first.start()]
            + b'<row r="'
            + dup.group(1)
            + b'"'
            + dup.group(2)
            + b">"
            + sheet[first.end() : dup.start()]
            + sheet[dup.end() :]
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


PARALLEL_ROWS = 20_000  # from here several tables are written in two processes


def _write_all(jobs: list[dict]) -> list[Path]:
    return [write_table(**job) for job in jobs]


def write_tables(jobs: Sequence[dict]) -> list[Path]:
    """Several tables (each the keyword arguments of :func:`write_table`), in order. Cell writing
    is Python-bound, so when they hold many rows between them a second process writes about half
    of the rows (21 unit workbooks of 93k tasks: 4.0 s in one process)."""
    jobs = list(jobs)
    sizes = [len(job["rows"]) for job in jobs]
    if len(jobs) < 2 or sum(sizes) < PARALLEL_ROWS:
        return _write_all(jobs)
    theirs: list[int] = []
    mine: list[int] = []
    load = 0
    for k in sorted(range(len(jobs)), key=lambda k: -sizes[k]):  # the biggest first, to the lighter side
        (theirs if load <= 0 else mine).append(k)
        load += sizes[k] if load <= 0 else -sizes[k]
    here, there = side_by_side(lambda: _write_all([jobs[k] for k in mine]), _write_all, [jobs[k] for k in theirs])
    done = dict(zip(mine, here)) | dict(zip(theirs, there))
    return [done[k] for k in range(len(jobs))]


def write_problems(report, path: Path) -> Path:
    """A validation report (:class:`rectikit.base.problems.Report`) as a workbook the office can open and filter."""
    from rectikit.base.problems import CODES, SEVERITY_LABELS

    headers = ["级别", "文件", "工作表", "行号", "列", "问题类型", "说明", "原值"]
    rows = [
        [
            SEVERITY_LABELS.get(i.severity, i.severity),
            i.file,
            i.sheet,
            i.row,
            i.column,
            CODES.get(i.code, i.code),
            i.message,
            i.value,
        ]
        for i in report.issues
    ]
    return write_table(path, "校验报告", headers, rows, widths=[6, 28, 12, 8, 16, 18, 60, 40])
