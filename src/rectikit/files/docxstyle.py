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
    """Footers "— PAGE —" one character in: from the right on odd pages, from the left on even ones."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    sec = doc.sections[0]
    for paragraph, side in (
        (sec.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT),
        (sec.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph.alignment = side
        fmt = paragraph.paragraph_format
        if side == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(14)
        else:
            fmt.left_indent = Pt(14)
        free_of_grid(paragraph)
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


# w:pPr's children in the order of the schema (ECMA-376 CT_PPr)
PPR_ORDER = (
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
LINES, CHARS = 22, 28  # the 版心 of GB/T 9704: 22 lines of 28 characters
TEXT_HEIGHT_MM = 225


def body_font(doc, name: str = "仿宋_GB2312", size_pt: float = 16) -> None:
    """The Normal style in 3号仿宋, East Asian font included, one grid line per line of text and no space
    between paragraphs (python-docx's template adds 10 pt after each at 1.15 lines)."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    normal = doc.styles["Normal"]
    normal.font.name = name
    normal.font.size = Pt(size_pt)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Mm(TEXT_HEIGHT_MM / LINES)
    fmt.widow_control = True


def line_grid(section) -> None:
    """The section's document grid: 22 lines to the page (Word and WPS show it in 页面设置)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    # Lines only: a character grid (linesAndChars) spreads the characters apart in LibreOffice; 3号 text
    # over the 156 mm line gives 27–28 characters by itself.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(TEXT_HEIGHT_MM / 25.4 * 1440 / LINES)))
    if grid.get(qn("w:charSpace")) is not None:
        del grid.attrib[qn("w:charSpace")]


def free_of_grid(paragraph) -> None:
    """Single spacing off the grid: for what is not body text (a chart, a table cell, the page number)."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    ppr = paragraph._p.get_or_add_pPr()
    if ppr.find(qn("w:snapToGrid")) is None:
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        _in_order(ppr, snap)


def _in_order(ppr, element) -> None:
    """Put a paragraph property where the schema wants it (Word refuses a file with them out of order)."""
    tag = next(t for t in PPR_ORDER if element.tag.endswith("}" + t.split(":")[1]))
    ppr.insert_element_before(element, *PPR_ORDER[PPR_ORDER.index(tag) + 1 :])


def rule(paragraph, side: str, color: str, eighths: int, space: int = 1) -> None:
    """A line along a paragraph's ``side`` (top or bottom), ``eighths`` of a point thick: the 版头's red
    line and the 版记's rules."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        _in_order(ppr, borders)
    line = OxmlElement(f"w:{side}")
    for attr, value in (("val", "single"), ("sz", str(eighths)), ("space", str(space)), ("color", color)):
        line.set(qn(f"w:{attr}"), value)
    if side == "top":
        borders.insert(0, line)
    else:
        borders.append(line)


def keep_rows_whole(table) -> None:
    """No row of the table breaks across a page, and its cells are single-spaced off the grid."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for row in table.rows:
        props = row._tr.get_or_add_trPr()
        if props.find(qn("w:cantSplit")) is None:
            el = OxmlElement("w:cantSplit")
            el.set(qn("w:val"), "true")
            props.insert_element_before(el, "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                free_of_grid(paragraph)


def repeat_header(row) -> None:
    """Repeat a table's header row on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().insert_element_before(el, "w:tblCellSpacing", "w:jc", "w:hidden")
