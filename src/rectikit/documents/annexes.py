"""`rectikit render annex1|annex2`: the task list and the completion table,
as .xlsx and .docx in official-document form.

Each annex has a declared layout (templates/annexN.toml: title, columns,
widths) shared by both formats, and a docxtpl template for the .docx title
block an office may edit in Word or WPS. Citizens' text is data: the table is
built as XML with every value escaped and put in place of the template's
[[表格]] paragraph, so it never passes through jinja; the few template
variables (office, title, date) are rendered in a sandbox. Building the table
XML in one piece keeps time linear in rows (python-docx's row-by-row API
slows down quadratically on big tables).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from rectikit.base import clock
from rectikit.base.errors import NotReadyError, RectikitError, UsageError
from rectikit.base.fsutil import atomic_path
from rectikit.base.names import child, file_part
from rectikit.base.parallel import side_by_side
from rectikit.documents.form import speak_of
from rectikit.documents.wording import cn_ordinal
from rectikit.figures import deadline_text, task_note, tasks_on
from rectikit.steps.taxonomy import workspace_taxonomy
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date, iso_to_cn
from rectikit.text.masking import mask

ANNEXES = ("annex1", "annex2")
# Choices as offices say them, with the English names kept as aliases.
ANNEX_NAMES = {
    "附件1": "annex1",
    "附件一": "annex1",
    "1": "annex1",
    "annex1": "annex1",
    "附件2": "annex2",
    "附件二": "annex2",
    "2": "annex2",
    "annex2": "annex2",
}
FORMATS = ("xlsx", "docx")
PARALLEL_ROWS = 5000  # from here both formats are written at once, in two processes
GROUPS = {
    "领域": "category",
    "类别": "category",
    "category": "category",
    "牵头单位": "lead_unit",
    "单位": "lead_unit",
    "lead_unit": "lead_unit",
    "县区": "county",
    "县(市、区)": "county",
    "county": "county",
}
NUMBERINGS = {
    "连续": "continuous",
    "continuous": "continuous",
    "每组": "per-group",
    "分组": "per-group",
    "per-group": "per-group",
}
FIELDS = {
    "number": "序号",
    "text": "意见建议内容",
    "category": "领域",
    "aspect": "所属方面",
    "disposition": "处理方式",
    "goal": "整改目标",
    "measures": "整改措施",
    "lead_unit": "牵头单位",
    "co_units": "配合单位",
    "leader": "责任领导",
    "person": "责任人",
    "deadline": "整改时限",
    "note": "备注",
    "county": "县(市、区)",
    "township": "乡(镇、街道)",
    "source": "来源",
    "batch": "批次",
    "raw_count": "原始条数",
    "progress": "完成情况",
    "result": "整改成效",
    "closed": "是否销号",
    "closed_on": "销号时间",
    "evidence": "佐证材料",
}
# Fields people write freely (citizens, staff, units): masked in every annex.
FREE_TEXT = {"text", "goal", "measures", "result", "evidence", "progress", "source"}
TITLE_FIELDS = ("office", "year", "batches", "count", "source")
DOCX_VARIABLES = {"number", "title", "subtitle", "office", "year", "batches", "count", "date"}
PLACEHOLDER = "[[表格]]"
_BAD_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class TemplateError(RectikitError):
    """A template an office edited refers to something that does not exist."""


@dataclass
class Layout:
    name: str
    number: str
    title: str
    subtitle: str
    docx_template: str
    file_name: str
    columns: list[tuple[str, str, float]]  # header, field, relative width


@dataclass
class Table:
    layout: Layout
    title: str
    subtitle: str
    context: dict
    # each row: ("group", label) or ("row", [cell texts])
    rows: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(1 for kind, _ in self.rows if kind == "row")


def _template_dir(ws: Workspace | None) -> Path:
    from rectikit.base.resources import templates_dir

    if ws is not None and (ws.root / "templates").is_dir():
        return ws.root / "templates"
    return templates_dir()


def load_layout(path: Path) -> Layout:
    """Read a layout and check every field and title placeholder up front."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise TemplateError(f"模板 {path.name} 无法读取：{e}") from None
    cols = []
    for k, c in enumerate(data.get("columns", []), start=1):
        f = c.get("field", "")
        if f not in FIELDS:
            raise TemplateError(
                f"模板 {path.name} 第{k}列（“{c.get('header', '')}”）引用了不存在的字段“{f}”。"
                f"可用字段：{'、'.join(FIELDS)}"
            )
        cols.append((str(c.get("header") or FIELDS[f]), f, float(c.get("width", 8))))
    if not cols:
        raise TemplateError(f"模板 {path.name} 没有定义任何列（[[columns]]）。")
    for key in ("title", "subtitle"):
        for name in re.findall(r"{(\w*)}", str(data.get(key, ""))):
            if name not in TITLE_FIELDS:
                raise TemplateError(
                    f"模板 {path.name} 的 {key} 中引用了不存在的“{{{name}}}”。可用：{'、'.join(TITLE_FIELDS)}"
                )
    return Layout(
        path.stem,
        str(data.get("number", "")),
        str(data.get("title", "")),
        str(data.get("subtitle", "")),
        str(data.get("docx_template", f"{path.stem}.docx")),
        str(data.get("file_name", path.stem)),
        cols,
    )


def _cells(item: dict, layout: Layout, number: int, aspect) -> list[str]:
    """One row as printed. Annexes are published: every free-text cell — the
    citizen's words and what units wrote — goes out masked."""
    text = mask(item["text"] or "")
    if item.get("raw_count", 1) > 1:
        text += f"（{item['raw_count']}条意见建议归纳）"
    values = {
        "number": str(number),
        "text": text,
        "category": item.get("category") or "",
        "aspect": aspect(item.get("category")),
        "deadline": iso_to_cn(deadline_text(item)),
        "note": "连续反映" if item.get("repeat_of") else "",
        "raw_count": str(item.get("raw_count") or ""),
        "closed": "是" if item.get("closed") else "否" if item.get("lead_unit") else "",
        "closed_on": iso_to_cn(item.get("closed_on")),
        "done_on": iso_to_cn(item.get("done_on")),
        "progress": "；".join(x for x in (item.get("progress") or "", task_note(item, short=True)) if x),
    }
    return [
        values[f] if f in values else mask(str(item.get(f) or "")) if f in FREE_TEXT else str(item.get(f) or "")
        for _, f, _ in layout.columns
    ]


def build_table(
    ws: Workspace,
    annex: str,
    *,
    key_only: bool = True,
    group_by: str | None = None,
    numbering: str = "continuous",
    batches: Sequence[str] = (),
    today: dt.date | None = None,
) -> Table:
    """The rows of an annex from the ledger as the tasks stood at the end of ``today`` (cells stay empty
    where a step has not run)."""
    today = today or clock.today()
    if annex not in ANNEX_NAMES:
        raise UsageError(f"未知的附件“{annex}”，可选：附件1、附件2（也可写 annex1、annex2）。")
    if group_by and group_by not in GROUPS:
        raise UsageError("分组方式应为 领域、牵头单位、县区 之一（也可写 category、lead_unit、county）。")
    if numbering not in NUMBERINGS:
        raise UsageError("编号方式应为 连续 或 每组（也可写 continuous、per-group）。")
    annex, numbering = ANNEX_NAMES[annex], NUMBERINGS[numbering]
    group_by = GROUPS[group_by] if group_by else None
    layout = load_layout(_template_dir(ws) / f"{annex}.toml")
    cfg = ws.config()
    with ws.ledger() as led:
        items = tasks_on(led, list(batches), today, key_only=key_only)
        if not items and not led.conn.execute("SELECT 1 FROM items LIMIT 1").fetchone():
            raise NotReadyError("台账中还没有意见建议，无法生成附件。", hint="先运行 rectikit import 导入意见建议表。")
        chosen = list(batches) or [r[0] for r in led.conn.execute("SELECT name FROM batches ORDER BY id")]
        things = speak_of(led.batch_kinds(chosen).values())[0]
    try:
        taxonomy = workspace_taxonomy(ws)
        aspect, order = taxonomy.aspect, taxonomy.names
    except RectikitError:
        order = []

        def aspect(_name):
            return ""

    office = cfg.get("office", {}).get("name", "")
    values = {
        "office": office,
        "year": cfg.get("office", {}).get("year", ""),
        "batches": "和".join(chosen),
        "count": len(items),
        "source": "社会评价反馈群众意见建议" if things == "社会评价群众意见建议" else things,
    }
    table = Table(
        layout,
        layout.title.format_map(values),
        layout.subtitle.format_map(values),
        context={**values, "date": cn_date(today)},
    )
    if group_by:
        groups: dict[str, list[dict]] = {}
        for it in items:
            groups.setdefault(it.get(group_by) or "未分类", []).append(it)
        if group_by == "category":  # in the order of the office's category table
            rank = {name: k for k, name in enumerate(order)}
            groups = dict(sorted(groups.items(), key=lambda kv: rank.get(kv[0], len(rank))))
        n = 0
        for g, (name, members) in enumerate(groups.items(), start=1):
            table.rows.append(("group", f"{cn_ordinal(g)}、{name}（{len(members)}项）"))
            for k, it in enumerate(members, start=1):
                n += 1
                table.rows.append(("row", _cells(it, layout, k if numbering == "per-group" else n, aspect)))
    else:
        for n, it in enumerate(items, start=1):
            table.rows.append(("row", _cells(it, layout, n, aspect)))
    return table


# -- .xlsx -----------------------------------------------------------------

NARROW = ("number", "category", "deadline", "closed", "closed_on", "raw_count", "person")  # centred columns


def write_xlsx(table: Table, path: Path) -> Path:
    """A4 landscape, fit to width, title block, header row repeated and frozen."""
    import xlsxwriter

    from rectikit.files.xlsxout import FAST_ROWS, LINE_HEIGHT_PT, MAX_LINES, fit_cell, lines_needed

    cols = table.layout.columns
    scale = 150 / sum(w for *_, w in cols)
    widths = [max(4.0, w * scale) for *_, w in cols]
    last = len(cols) - 1
    headers = [h for h, *_ in cols]
    if table.count >= FAST_ROWS and table.count == len(table.rows) and len(set(headers)) == len(headers):
        return _write_xlsx_fast(table, Path(path), widths)
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


# -- .docx -----------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TABLE_WIDTH = 13550  # twips: 297 mm less the template's 30 + 28 mm margins


def _run(text: str, font: str, bold: bool = False) -> str:
    text = _BAD_XML.sub("", text)
    fonts = f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
    weight = "<w:b/>" if bold else ""
    rpr = f'<w:rPr>{fonts}{weight}<w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr>'
    parts = []
    for k, line in enumerate(text.split("\n")):
        if k:
            parts.append("<w:br/>")
        space = ' xml:space="preserve"' if line != line.strip() else ""
        parts.append(f"<w:t{space}>{escape(line)}</w:t>")
    return f"<w:r>{rpr}{''.join(parts)}</w:r>"


def _cell(
    text: str, width: int, *, font: str = "仿宋_GB2312", bold: bool = False, align: str = "left", span: int = 1
) -> str:
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}<w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="300" w:lineRule="exact"/>'
        f'<w:jc w:val="{align}"/></w:pPr>{_run(text, font, bold)}</w:p></w:tc>'
    )


def table_xml(table: Table):
    """The table's XML, a row at a time: header repeated on every page, rows
    never split across pages, fonts set for East Asian text. A generator, so
    a 100k-row annex is written as a stream and never held whole."""
    cols = table.layout.columns
    total = sum(w for *_, w in cols)
    widths = [int(_TABLE_WIDTH * w / total) for *_, w in cols]
    centred = {
        c
        for c, (_, f, _) in enumerate(cols)
        if f in ("number", "category", "deadline", "closed", "closed_on", "raw_count", "person")
    }
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    borders = "".join(
        f'<w:{b} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for b in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    yield (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        "<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
        + "".join(_cell(h, widths[c], font="黑体", bold=True, align="center") for c, (h, *_r) in enumerate(cols))
        + "</w:tr>"
    )
    for kind, value in table.rows:
        if kind == "group":
            cells = _cell(str(value), sum(widths), font="黑体", span=len(cols))
        else:
            cells = "".join(
                _cell(v, widths[c], align="center" if c in centred else "left") for c, v in enumerate(value)
            )
        yield f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>"
    yield "</w:tbl>"


_MARK = "RECTIKIT-TABLE-GOES-HERE"


def _write_xlsx_fast(table: Table, path: Path, widths: list[float]) -> Path:
    """:func:`write_xlsx` for a long list without group rows, through the Rust writer (100k rows: about a
    tenth of the time): the same title block, header, fonts, borders, row heights and print setup. The
    writer leaves empty cells out and gives a column its format as a column style, which Excel would draw
    down to the sheet's last row; a pass over the sheet's XML gives each empty cell of the table its own
    format instead and takes the column styles away."""
    import rustpy_xlsxwriter as rx

    from rectikit.files.xlsxout import LINE_HEIGHT_PT, MAX_LINES, fit_cell, lines_needed, repair_package

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
    heights = {1: 36.0, header_row: 30.0}
    empty = []
    for k, (_kind, value) in enumerate(table.rows, start=header_row + 1):
        lines = max((lines_needed(v, widths[c]) for c, v in enumerate(value) if v), default=1)
        heights[k] = LINE_HEIGHT_PT * min(max(lines, 1), MAX_LINES)
        empty.append([c for c, v in enumerate(value) if not v])
    records = ({h: (fit_cell(v) if v else None) for h, v in zip(headers, value)} for _kind, value in table.rows)
    with atomic_path(path) as tmp:
        rx.write_worksheet(
            records,
            str(tmp),
            sheet_name="附件" + table.layout.number if table.layout.number else table.layout.name,
            header_row=header_row,
            header_format=head,
            column_widths=widths,
            freeze_row=header_row + 1,
            column_formats={h: body(fld in NARROW) for h, fld, _w in cols},
            row_heights=heights,
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
        repair_package(
            tmp, sheet=lambda xml: _cells_not_columns(xml, first_row=header_row + 2, columns=len(cols), empty=empty)
        )
    return path


def _cells_not_columns(sheet: bytes, *, first_row: int, columns: int, empty: list[list[int]]) -> bytes:
    """Move each column's style onto the table's empty cells and off the column, so a bordered table ends
    where its rows end. ``empty`` lists, for each data row from ``first_row`` (1-based), the columns left
    empty; the writer wrote the other cells in column order, each closed by ``</c>``."""
    import re

    from rectikit.files.columns import column_letter

    styles: dict[int, bytes] = {}

    def col(m: re.Match) -> bytes:
        tag = m.group(0)
        style = re.search(rb' style="(\d+)"', tag)
        span = re.search(rb'min="(\d+)" max="(\d+)"', tag)
        lo, hi = (int(x) for x in span.groups()) if span else (1, 0)
        for c in range(lo - 1, hi):
            styles[c] = style.group(1) if style else b"0"
        return re.sub(rb' style="\d+"', b"", tag)

    head_end = sheet.find(b"<sheetData")
    sheet = re.sub(rb"<col [^>]*/>", col, sheet[:head_end]) + sheet[head_end:]
    letters = [column_letter(c).encode() for c in range(columns)]
    chunks = sheet.split(b'<row r="')
    for k in range(1, len(chunks)):
        chunk = chunks[k]
        number = int(chunk[: chunk.index(b'"')])
        missing = empty[number - first_row] if 0 <= number - first_row < len(empty) else ()
        if not missing:
            continue
        opened = chunk.index(b">")
        if chunk[opened - 1 : opened] == b"/":  # a row with no cell at all
            head, inner, tail = chunk[: opened - 1], b"", chunk[opened + 1 :]
        else:
            closed = chunk.index(b"</row>")
            head, inner, tail = chunk[:opened], chunk[opened + 1 : closed], chunk[closed + 6 :]
        written = iter([c + b"</c>" for c in inner.split(b"</c>")[:-1]])
        gaps, n = set(missing), str(number).encode()
        cells = b"".join(
            b'<c r="' + letters[c] + n + b'" s="' + styles.get(c, b"0") + b'"/>' if c in gaps else next(written, b"")
            for c in range(columns)
        )
        chunks[k] = head + b">" + cells + b"</row>" + tail
    return b'<row r="'.join(chunks)


def write_docx(table: Table, template: Path, path: Path) -> Path:
    from docx.oxml.ns import qn
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment
    from lxml import etree

    template = Path(template)
    if not template.exists():
        raise TemplateError(f"找不到 Word 模板 {template}。")
    tpl = DocxTemplate(str(template))
    env = SandboxedEnvironment()
    try:
        used = tpl.get_undeclared_template_variables(env)
    except Exception as e:  # a template edited into broken jinja
        raise TemplateError(f"Word 模板 {template.name} 中的 {{{{ }}}} 写法有误：{e}") from None
    unknown = sorted(set(used) - DOCX_VARIABLES)
    if unknown:
        raise TemplateError(
            f"Word 模板 {template.name} 引用了不存在的变量：{'、'.join(unknown)}。"
            f"可用：{'、'.join(sorted(DOCX_VARIABLES))}"
        )
    context = {**table.context, "number": table.layout.number, "title": table.title, "subtitle": table.subtitle}
    tpl.render(context, jinja_env=env, autoescape=True)
    doc = tpl.docx
    holder = next((p for p in doc.paragraphs if PLACEHOLDER in p.text), None)
    if holder is None:
        raise TemplateError(f"Word 模板 {template.name} 中没有“{PLACEHOLDER}”段落，不知道表格放在哪里。")
    marker = etree.SubElement(etree.SubElement(etree.Element(qn("w:p")), qn("w:r")), qn("w:t"))
    marker.text = _MARK
    holder._p.addnext(marker.getparent().getparent())
    holder._p.getparent().remove(holder._p)
    with atomic_path(Path(path)) as tmp:
        doc.save(str(tmp))
        _stream_table(tmp, table)
    return Path(path)


def _stream_table(path: Path, table: Table) -> None:
    """Put the table where the marker paragraph stands, writing document.xml
    anew into a copy of the package in chunks of rows: memory stays flat
    however many rows there are."""
    import os
    import zipfile

    with zipfile.ZipFile(path) as src:
        doc = src.read("word/document.xml").decode("utf-8")
        at = doc.index(_MARK)
        start, end = doc.rindex("<w:p>", 0, at), doc.index("</w:p>", at) + len("</w:p>")
        streamed = path.with_name(path.name + ".stream")
        try:
            with zipfile.ZipFile(streamed, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in src.infolist():
                    if info.filename != "word/document.xml":
                        dst.writestr(info, src.read(info))
                        continue
                    entry = zipfile.ZipInfo(info.filename, info.date_time)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    with dst.open(entry, "w", force_zip64=True) as out:
                        out.write(doc[:start].encode("utf-8"))
                        chunk = []
                        for part in table_xml(table):
                            chunk.append(part)
                            if len(chunk) >= 1000:
                                out.write("".join(chunk).encode("utf-8"))
                                chunk = []
                        out.write("".join(chunk).encode("utf-8"))
                        out.write(doc[end:].encode("utf-8"))
            os.replace(streamed, path)
        finally:
            if streamed.exists():
                streamed.unlink()


def render(
    ws: Workspace,
    annex: str,
    *,
    formats: Sequence[str] = FORMATS,
    out_dir: Path | None = None,
    key_only: bool = True,
    group_by: str | None = None,
    numbering: str = "continuous",
    batches: Sequence[str] = (),
    number: str | None = None,
    stem: str | None = None,
    today: dt.date | None = None,
) -> dict:
    """Render one annex in the given formats, as of ``today``; returns the files written.

    ``number`` and ``stem`` are for an annex attached to another document
    (the notice's 附件1, 附件2 …): the attachment mark and the file name.
    """
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UsageError(f"格式应为 {'、'.join(FORMATS)}，收到：{'、'.join(bad) or '（空）'}。")
    table = build_table(
        ws, annex, key_only=key_only, group_by=group_by, numbering=numbering, batches=batches, today=today
    )
    annex = ANNEX_NAMES[annex]
    if number is not None:
        table.layout = dataclasses.replace(table.layout, number=number)
    out = Path(out_dir) if out_dir else ws.outputs_dir
    stem = file_part(stem or f"{table.layout.file_name}-{'和'.join(batches) if batches else '全部批次'}")
    targets = {fmt: child(out, f"{stem}.{fmt}") for fmt in formats}
    template = _template_dir(ws) / table.layout.docx_template
    paths: dict[str, str] = {}
    if len(formats) > 1 and table.count >= PARALLEL_ROWS:
        # A long list: the Word table is written in a second process while this one writes the
        # workbook (both are Python-bound; 100k rows: 12.7 s one after the other).
        xlsx, docx = side_by_side(
            lambda: write_xlsx(table, targets["xlsx"]), write_docx, table, template, targets["docx"]
        )
        paths = {fmt: str({"xlsx": xlsx, "docx": docx}[fmt]) for fmt in formats}
    else:
        for fmt in formats:
            paths[fmt] = str(
                write_xlsx(table, targets[fmt]) if fmt == "xlsx" else write_docx(table, template, targets[fmt])
            )
    return {"annex": annex, "rows": table.count, "title": table.title, "files": paths}
