"""Plain tabular .xlsx output (reports, exports) written safely and atomically.

XlsxWriter is used here rather than openpyxl: it wrote a formatted 100k-row
sheet 3.4x faster in the project's measurements (PERFORMANCE.md), and with
``strings_to_formulas`` off a citizen's text that starts with "=" can never
become a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from rectikit.base.fsutil import atomic_path
from rectikit.base.parallel import side_by_side
from rectikit.files.cells import (
    CELL_LIMIT,
    CHOICE_ERROR,
    IDENTITY_SHEET,
    INTERNAL,
    LINE_HEIGHT_PT,
    MAX_LINES,
    NOTES_SHEET,
    OPTIONS_SHEET,
    fit_cell,
    lines_needed,
    usable_width,
)
from rectikit.files.xlsxfast import FAST_ROWS, write_fast


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
    fast: bool = False,
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

    A long table (``FAST_ROWS``), or one of many written together (``fast``, :func:`write_tables`), goes
    through the Rust writer (:func:`rectikit.files.xlsxfast.write_fast`) when it has no tints or extra
    sheets: the same workbook at a fraction of the time.
    """
    path = Path(path)
    if _fast(rows, headers, shade, identity, extra_sheets, fast):
        return write_fast(
            path,
            sheet,
            headers,
            rows,  # type: ignore[arg-type]  # a list: _fast says so
            widths=widths,
            title=title,
            internal=internal,
            choices=choices,
            notes=notes,
            identity=identity,
        )
    import xlsxwriter  # here: the Rust writer's tables need not load it

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
            title = _mark_internal(wb, title, sheet)
        head = wb.add_format(
            {"bold": True, "font_name": "黑体", "border": 1, "bg_color": "#D9E1F2", "valign": "vcenter"}
        )
        plain_formats, tinted_formats = _body_formats(wb)
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
        n = _write_rows(ws, rows, top, widths, shade, plain_formats, tinted_formats)
        if choices:
            _dropdowns(wb, ws, choices, top, n)
        _print_setup(ws, top, max(n, top + 1), len(headers), internal)
        _more_sheets(wb, notes, extra_sheets, identity, head)
        wb.close()
    return path


def _fast(rows, headers, shade, identity, extra_sheets, fast: bool) -> bool:
    """Whether :func:`write_fast` can write the table: a list of rows, headers distinct (the writer keys
    cells by header), no tints or extra sheets, an identity whose first pair heads its sheet."""
    return (
        isinstance(rows, list)
        and (fast or len(rows) >= FAST_ROWS)
        and not shade
        and not extra_sheets
        and len(set(map(str, headers))) == len(headers)
        and (not identity or str(identity[0][0]) != str(identity[0][1]))
    )


def _mark_internal(wb, title: Sequence[str], sheet: str) -> Sequence[str]:
    """内部资料 in the file's properties and in its first title line."""
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
    return title


def _body_formats(wb) -> tuple[tuple, tuple]:
    """The body's formats, plain and tinted (alternate groups of a review file): text, date, fraction."""
    body = None  # the default style (above)
    date = wb.add_format({"font_name": "仿宋", "num_format": "yyyy-mm-dd", "valign": "top"})
    tinted = wb.add_format({"font_name": "仿宋", "text_wrap": True, "valign": "top", "bg_color": "#F2F2F2"})
    tinted_date = wb.add_format(
        {"font_name": "仿宋", "num_format": "yyyy-mm-dd", "valign": "top", "bg_color": "#F2F2F2"}
    )
    fraction = wb.add_format({"font_name": "仿宋", "num_format": "0.00", "valign": "top"})
    tinted_fraction = wb.add_format({"font_name": "仿宋", "num_format": "0.00", "valign": "top", "bg_color": "#F2F2F2"})
    return (body, date, fraction), (tinted, tinted_date, tinted_fraction)


def _write_rows(ws, rows, top: int, widths, shade, plain: tuple, tinted_formats: tuple) -> int:
    """The body, row by row (constant memory); the row height a wrapped cell needs; the last row's index."""
    body, date, fraction = plain
    tinted, tinted_date, tinted_fraction = tinted_formats
    n = top
    # A cell shorter than this many characters fits on one line even if every character is wide.
    short = [usable_width(w) // 2 for w in widths] if widths else []
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
    return n


def _dropdowns(wb, ws, choices: dict[int, Sequence[str]], top: int, n: int) -> None:
    """A dropdown of the allowed values on each column of ``choices``, down to row ``n``."""
    # Allowed values live on a hidden sheet: an inline list may hold
    # only 255 characters, which a category table easily exceeds.
    opts = wb.add_worksheet(OPTIONS_SHEET)
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
                "source": f"={OPTIONS_SHEET}!${col}$1:${col}${max(len(allowed), 1)}",
                "error_title": CHOICE_ERROR[0],
                "error_message": CHOICE_ERROR[1],
            },
        )


def _print_setup(ws, top: int, last: int, columns: int, internal: bool) -> None:
    """The header frozen and filtered; the sheet set up to print as offices print."""
    ws.freeze_panes(top + 1, 0)
    ws.autofilter(top, 0, last, max(columns - 1, 0))
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


def _more_sheets(wb, notes, extra_sheets, identity, head) -> None:
    """说明 (what staff do with the workbook), further plain sheets, and the very hidden identity sheet."""
    body = None
    if notes:
        help_ws = wb.add_worksheet(NOTES_SHEET)
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


PARALLEL_ROWS = 20_000  # from here several tables are written in two processes


def _write_all(jobs: list[dict]) -> list[Path]:
    return [write_table(**job) for job in jobs]


def write_tables(jobs: Sequence[dict]) -> list[Path]:
    """Several tables (each the keyword arguments of :func:`write_table`), in order. When they hold many
    rows between them each goes through the Rust writer, and a second process writes about half of the
    rows (21 unit workbooks of 93k tasks took 4.0 s in one process through XlsxWriter)."""
    sizes = [len(job["rows"]) for job in jobs]
    jobs = [dict(job, fast=sum(sizes) >= FAST_ROWS) for job in jobs]  # many rows between them: the Rust writer
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
