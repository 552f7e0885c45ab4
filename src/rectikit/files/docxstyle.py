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
