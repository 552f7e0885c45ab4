"""Build the .docx annex templates in this folder (python templates/build_docx_templates.py).

The templates are docxtpl documents an office may edit in Word or WPS: the
title block uses {{ number }}, {{ title }}, {{ subtitle }}; the paragraph
holding [[表格]] is replaced by the table. Form by GB/T 9704-2012: the mark
"附件N" in 3号黑体 at the top left, the title in 2号小标宋 centred on the third
line, A4 landscape for the wide table, page numbers "— 1 —" in 4号宋体 on
the outer side (right on odd pages, left on even ones). East Asian fonts are
set explicitly (w:eastAsia), or Word and WPS fall back to another font.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from rectikit.files.docxstyle import body_font, font, page_numbers

HERE = Path(__file__).resolve().parent


def build(number: str, path: Path) -> None:
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    sec.top_margin, sec.bottom_margin = Mm(28), Mm(26)
    sec.left_margin, sec.right_margin = Mm(30), Mm(28)
    body_font(doc)
    body = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    font(body.add_run("附件{{ number }}"), "黑体", 16)
    doc.add_paragraph()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(title.add_run("{{ title }}"), "方正小标宋简体", 22)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(sub.add_run("{{ subtitle }}"), "楷体_GB2312", 16)
    doc.add_paragraph("[[表格]]")
    page_numbers(doc)
    doc.save(path)


if __name__ == "__main__":
    build("1", HERE / "annex1.docx")
    build("2", HERE / "annex2.docx")
