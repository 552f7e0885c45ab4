"""An annex as .docx: the table put into the office's Word template at 【[[表格]]】 (docxtpl, sandboxed),
rows streamed as XML so 100k rows stay within memory, rows never split across pages."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from rectikit.base.fsutil import atomic_path, fast_deflate
from rectikit.documents.annextable import BAD_XML, DOCX_VARIABLES, PLACEHOLDER, Table, TemplateError

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_TABLE_WIDTH = 13550  # twips: 297 mm less the template's 30 + 28 mm margins


def _run(text: str, rpr: str = "") -> str:
    """A run: its properties (none: the paragraph style's), the text, its line breaks, its edge spaces kept."""
    text = BAD_XML.sub("", text)
    if "\n" not in text and text == text.strip():
        return f"<w:r>{rpr}<w:t>{escape(text)}</w:t></w:r>"
    parts = []
    for k, line in enumerate(text.split("\n")):
        if k:
            parts.append("<w:br/>")
        space = ' xml:space="preserve"' if line != line.strip() else ""
        parts.append(f"<w:t{space}>{escape(line)}</w:t>")
    return f"<w:r>{rpr}{''.join(parts)}</w:r>"


def _rpr(font: str, bold: bool) -> str:
    fonts = f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
    return f'<w:rPr>{fonts}{"<w:b/>" if bold else ""}<w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr>'


# The body cells' look as two paragraph styles added to the document (:func:`_add_styles`):
# written out in every cell it was 420 characters of a row's 4 kB (a 100k-row annex: 400 MB of XML to
# make, encode and pack); a cell now names its style.
_BODY_STYLE, _CENTRED_STYLE = "RectikitCell", "RectikitCellCentred"
_STYLES = (
    f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{_BODY_STYLE}"><w:name w:val="rectikit 表格"/>'
    '<w:pPr><w:spacing w:before="0" w:after="0" w:line="300" w:lineRule="exact"/><w:jc w:val="left"/></w:pPr>'
    '<w:rPr><w:rFonts w:ascii="仿宋_GB2312" w:hAnsi="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:cs="仿宋_GB2312"/>'
    '<w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>'
    f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{_CENTRED_STYLE}"><w:name w:val="rectikit 表格居中"/>'
    f'<w:basedOn w:val="{_BODY_STYLE}"/><w:pPr><w:jc w:val="center"/></w:pPr></w:style>'
)


def _add_styles(doc) -> None:
    """The table's two styles in the document, unless it has them already (a template saved from a rendered
    annex); a template without a styles part gets python-docx's default one first."""
    from lxml import etree

    styles = doc.styles.element
    if styles.find(f"{{{_W}}}style[@{{{_W}}}styleId='{_BODY_STYLE}']") is None:
        styles.extend(etree.fromstring(f'<w:styles xmlns:w="{_W}">{_STYLES}</w:styles>'))


@lru_cache(maxsize=1 << 16)
def _body_cell(text: str, width: int, style: str) -> str:
    """A body cell: its width, centred vertically, and its text in one of the table's styles; remembered,
    as a long list repeats its units, dates and categories (979k cells of a 100k-item annex hold 118k
    values)."""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{_run(text)}</w:p></w:tc>'
    )


def _cell(
    text: str, width: int, *, font: str = "仿宋_GB2312", bold: bool = False, align: str = "left", span: int = 1
) -> str:
    """A header or group cell, its look written out: bold 黑体 and the like, which the body styles do not give."""
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}<w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="300" w:lineRule="exact"/>'
        f'<w:jc w:val="{align}"/></w:pPr>{_run(text, _rpr(font, bold))}</w:p></w:tc>'
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
                _body_cell(v, widths[c], _CENTRED_STYLE if c in centred else _BODY_STYLE) for c, v in enumerate(value)
            )
        yield f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>"
    yield "</w:tbl>"


_MARK = "RECTIKIT-TABLE-GOES-HERE"


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
    _add_styles(doc)
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
            # the document at a light level, as the Rust writer's big sheet: 100k rows are 400 MB of XML,
            # 1.08 s to pack with zlib's level 1 (1.4 s at its default), 0.3 s with ISA-L's
            with zipfile.ZipFile(streamed, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in src.infolist():
                    if info.filename != "word/document.xml":
                        dst.writestr(info, src.read(info))
                        continue
                    with dst.open(info.filename, "w", force_zip64=True) as out:
                        fast_deflate(out)
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
