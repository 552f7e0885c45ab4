"""Official-document styling for python-docx (GB/T 9704-2012).

East Asian fonts must be set explicitly (w:eastAsia), or Word and WPS fall
back to another font; page numbers are "— 1 —" in 4号宋体 on the outer side.
"""

from __future__ import annotations


def font(run, name: str, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def page_numbers(doc) -> None:
    """Footers "— PAGE —": right on odd pages, left on even ones."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.settings.odd_and_even_pages_header_footer = True
    sec = doc.sections[0]
    for paragraph, side in ((sec.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT),
                            (sec.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph.alignment = side
        _page_field(paragraph)


def _page_field(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(text=None, fld=None, instr=None):
        r = paragraph.add_run(text or "")
        font(r, "宋体", 14)
        if fld:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), fld)
            r._element.append(el)
        if instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._element.append(el)
    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def body_font(doc, name: str = "仿宋_GB2312", size_pt: float = 16) -> None:
    """The Normal style in 3号仿宋, East Asian font included."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = doc.styles["Normal"]
    normal.font.name = name
    normal.font.size = Pt(size_pt)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def repeat_header(row) -> None:
    """Repeat a table's header row on every page, and never split it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        props.append(el)


def official_document(title: str):
    """A4 portrait with GB/T 9704 margins (top 37, bottom 35, left 28, right 26 mm),
    body in 3号仿宋, and the title centred in 2号小标宋."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    body_font(doc)
    head = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(head.add_run(title), "方正小标宋简体", 22)
    return doc


def paragraph(doc, text: str, *, name: str = "仿宋_GB2312", indent: bool = True, align=None,
              keep_with_next: bool = False):
    """A body paragraph: 3号, first line indented two characters unless told otherwise."""
    from docx.shared import Pt

    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)
    if align is not None:
        p.alignment = align
    p.paragraph_format.keep_with_next = keep_with_next
    font(p.add_run(text), name, 16)
    return p


def save(doc, path) -> "Path":
    """Add the page numbers and write atomically (a temp file, then a rename)."""
    from pathlib import Path

    from rectikit.base.fsutil import atomic_path

    page_numbers(doc)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path
