"""Large tables through the Rust writer (rustpy-xlsxwriter): the same title rows, header, formats,
widths, frozen header, filter and print setup as :func:`rectikit.files.xlsxout.write_table`, at a tenth of
the time; what the writer cannot say set afterwards in one pass over the package (row heights, dropdowns,
sheet states, the 内部资料 properties)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from rectikit.base.fsutil import atomic_path, fast_deflate, fast_inflate
from rectikit.base.parallel import side_by_side
from rectikit.files.cells import (
    CELL_LIMIT,
    CHOICE_ERROR,
    IDENTITY_SHEET,
    INTERNAL,
    LINE_HEIGHT_PT,
    NOTES_SHEET,
    OPTIONS_SHEET,
    PARALLEL_ROWS,
    fit_cell,
    lines_per_row,
)

# From here a table without tints or extra sheets goes through the Rust writer: the ledger
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
    choices: dict[int, Sequence[str]] | None = None,
    notes: Sequence[str] | None = None,
    identity: Sequence[tuple[str, str]] | None = None,
) -> Path:
    """:func:`write_table` for a large table, through rustpy-xlsxwriter: the same title lines, bold
    frozen header with filters, column widths, wrapped body, row heights, dates as dates, A4 landscape
    print setup, and for a staff-only table 内部资料 in the title, the page header and the file's
    properties; for a book sent out, the same dropdowns (their values on the hidden sheet 选项), 说明
    sheet and very hidden identity sheet, in the same order."""
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
    widths = list(widths or [])[: len(headers)]

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

    sheets: list[tuple[str, object]] = [(sheet, records())]
    header_format = {sheet: head}
    column_formats: dict[str, object] = {sheet: {h: date if c in dated else body for c, h in enumerate(headers)}}
    column_widths: dict[str, object] = {sheet: list(widths)} if widths else {}
    states = {}
    if choices:  # the allowed values under their column's header (a list may pass the 255 characters inline)
        lists = {headers[c]: list(map(str, allowed)) for c, allowed in choices.items()}
        depth = max(1, *map(len, lists.values()))
        sheets.append(
            (OPTIONS_SHEET, [{h: a[r] if r < len(a) else None for h, a in lists.items()} for r in range(depth)])
        )
        states[OPTIONS_SHEET] = "hidden"
    if notes:
        sheets.append((NOTES_SHEET, [{str(notes[0]): str(n)} for n in notes[1:]] or [{str(notes[0]): None}]))
        header_format[NOTES_SHEET], column_formats[NOTES_SHEET], column_widths[NOTES_SHEET] = head, [body], [100]
    if identity:
        (k0, v0), *pairs = identity
        sheets.append((IDENTITY_SHEET, [{k0: k, str(v0): str(v)} for k, v in pairs] or [{k0: None, str(v0): None}]))
        states[IDENTITY_SHEET] = "veryHidden"

    def write(target: Path) -> None:
        rx.write_worksheets(
            sheets,
            str(target),
            datetime_format="yyyy-mm-dd",
            header_row={sheet: top},
            header_format=header_format,
            freeze_panes={sheet: {"row": top + 1, "col": 0}},
            autofilter={sheet: True},
            column_widths=column_widths,  # type: ignore[arg-type]
            column_formats=column_formats,  # type: ignore[arg-type]
            merge_ranges={sheet: [(r, 0, r, last, str(text), big if r == 0 else line) for r, text in enumerate(title)]},
            page_setup={sheet: _page_setup(top, internal)},
        )

    with atomic_path(path) as tmp:
        lines = write_measuring(write, tmp, rows, widths)
        heights = {r: 30.0 if r == 0 else 18.0 for r in range(top)}
        heights.update((k, LINE_HEIGHT_PT * n) for k, n in enumerate(lines, start=top + 1) if n > 1)

        def sheet_xml(xml: bytes) -> bytes:
            xml = with_heights(xml, heights)
            return _with_validations(xml, choices, top, top + len(rows)) if choices else xml

        repair_package(tmp, title=named if internal else None, sheet=sheet_xml, states=states)
    return path


def _with_validations(sheet: bytes, choices: dict[int, Sequence[str]], top: int, last: int) -> bytes:
    """The dropdowns of ``choices`` on their columns' data rows (rows ``top`` + 1 to ``last``, 0-based),
    each listing its values on the hidden sheet, where they stand under a header; in the place the
    worksheet schema gives them (after the merged cells, before the page setup)."""
    from xml.sax.saxutils import escape

    from rectikit.files.columns import column_letter

    rules = []
    for k, (c, allowed) in enumerate(choices.items()):
        col, opt = column_letter(c), column_letter(k)
        rules.append(
            '<dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1"'
            f' errorTitle="{escape(CHOICE_ERROR[0])}" error="{escape(CHOICE_ERROR[1])}"'
            f' sqref="{col}{top + 2}:{col}{max(last, top + 1) + 1}">'
            f"<formula1>{escape(OPTIONS_SHEET)}!${opt}$2:${opt}${max(len(allowed), 1) + 1}</formula1></dataValidation>"
        )
    block = f'<dataValidations count="{len(rules)}">{"".join(rules)}</dataValidations>'.encode()
    end = sheet.rfind(b"</sheetData>")
    at = min(
        (
            k
            for tag in (b"<hyperlinks", b"<printOptions", b"<pageMargins", b"<pageSetup", b"<headerFooter")
            if (k := sheet.find(tag, end)) >= 0
        ),
        default=sheet.rfind(b"</worksheet>"),
    )
    return sheet[:at] + block + sheet[at:]


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


def write_measuring(
    write: Callable[[Path], None], target: Path, rows: Sequence[Sequence], widths: Sequence[float]
) -> list[int]:
    """``write(target)`` while a second process measures the rows' wrapped lines (:func:`lines_per_row`; the
    ledger export's: about 1 s against the writer's 2.3 s), one after the other for fewer than
    PARALLEL_ROWS rows. The writer wants heights before the rows, so they go into the sheet afterwards,
    in the package pass (:func:`with_heights`)."""
    if len(rows) >= PARALLEL_ROWS:
        return side_by_side(lambda: write(target), lines_per_row, rows, widths)[1]
    lines = lines_per_row(rows, widths)
    write(target)
    return lines


def with_heights(sheet: bytes, heights: dict[int, float]) -> bytes:
    """Rows' heights (0-based row -> points) set in a sheet written without them; a row the sheet does not
    have is left out. Each ``<row`` tag is found with ``bytes.find`` and the sheet joined once (a regular
    expression's substitution over the export's 150 MB took a third longer)."""
    tags: dict[float, bytes] = {}
    pieces: list = []
    whole = memoryview(sheet)
    find, done = sheet.find, 0
    at = find(b"<row ", find(b"<sheetData"))
    while at >= 0:
        start = find(b' r="', at) + 4
        end = find(b'"', start)
        height = heights.get(int(sheet[start:end]) - 1)
        if height is not None:
            tag = tags.get(height)
            if tag is None:
                tag = tags[height] = f' ht="{height:g}" customHeight="1"'.encode()
            pieces += (whole[done : end + 1], tag)
            done = end + 1
        at = find(b"<row ", end)
    pieces.append(whole[done:])
    return b"".join(pieces)


def repair_package(path: Path, *, title: str | None = None, sheet=None, states: dict[str, str] | None = None) -> None:
    """Rewrite a workbook the Rust writer made: ``sheet`` (a function of the first worksheet's XML, as bytes)
    when given, and with ``title`` 内部资料 in the file's properties (title, subject, keywords, category), as
    XlsxWriter's set_properties does: the mark travels with the file wherever it is copied. ``states``:
    sheets to hide (name -> "hidden" or "veryHidden"). Row heights are set here (:func:`with_heights`), not
    by the writer: given heights, rustpy-xlsxwriter 0.8 drops those of merged title lines and writes the
    last row's as a second ``<row>`` of the same number, which Excel repairs on opening."""
    import zipfile
    from xml.sax.saxutils import escape

    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        parts = {}
        for info in infos:
            with z.open(info) as part:
                if info.filename == name:
                    fast_inflate(part)
                parts[info.filename] = part.read()
    if sheet:
        parts[name] = sheet(parts[name])
    if title is not None:
        extra = (
            f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(INTERNAL)}</dc:subject>"
            f"<cp:keywords>内部资料</cp:keywords><cp:category>内部资料</cp:category>"
            f"<dc:description>{escape(INTERNAL)}</dc:description>"
        )
        core = "docProps/core.xml"
        parts[core] = parts[core].replace(b"</cp:coreProperties>", extra.encode() + b"</cp:coreProperties>")
    for name_, state in (states or {}).items():
        tag = f'<sheet name="{escape(name_)}"'.encode()
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(tag, tag + f' state="{state}"'.encode(), 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in infos:
            data = parts[info.filename]
            if info.filename != name:
                z.writestr(info, data, compresslevel=6)
                continue
            info.file_size = len(data)  # zipfile decides on ZIP64 by it
            with z.open(info, "w") as part:  # the big sheet at a light level: Excel reads it anyway
                fast_deflate(part)
                part.write(data)
