"""The official document (公文) every report and notice is built on, GB/T 9704-2012.

A document module describes its sections in order and leaves the form to
this builder::

    doc = OfficialDocument("某市……分析报告")
    doc.issuer(office, day)
    doc.heading("总体情况")            # 一、总体情况 (a Word heading: the navigation pane lists it)
    doc.paragraph(sentence)
    doc.table(["名称", "件数", "占比"], rows)
    doc.placeholder("请在此写明……")     # highlighted: text only the office can write
    doc.attachments(["……一览表"])
    doc.signature(office, day)
    doc.save(path)

Form: A4 portrait, margins 37/35/28/26 mm, title 2号小标宋 centred, body
3号仿宋 with a two-character first-line indent, level-1 headings 黑体 (一、),
level-2 楷体 (（一）), tables in 小四 with the header repeated on every page,
page numbers "— 1 —" on the outer side. East Asian fonts are set explicitly,
or Word and WPS fall back to another font.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from rectikit.base.fsutil import atomic_path
from rectikit.documents.wording import cn_ordinal
from rectikit.files.docxstyle import body_font, font, page_numbers, repeat_header
from rectikit.text.dates import cn_date

BODY = "仿宋_GB2312"
TITLE = "方正小标宋简体"
HEADING_FONTS = {1: ("黑体", 16), 2: ("楷体_GB2312", 16)}
TABLE_HEAD, TABLE_BODY, TABLE_PT = "黑体", BODY, 12
TEXT_WIDTH_MM = 210 - 28 - 26  # A4 less the left and right margins


class OfficialDocument:
    """One document being built, section by section, in reading order."""

    def __init__(self, title: str):
        from docx import Document
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        self.doc = Document()
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
        body_font(self.doc)
        self._style_headings()
        head = self.doc.paragraphs[0] if self.doc.paragraphs else self.doc.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        font(head.add_run(title), TITLE, 22)
        self._numbers = {1: 0, 2: 0}
        self._figures = 0

    def _style_headings(self) -> None:
        """Word's own Heading 1/2 styles in the 公文 fonts, black, not bold."""
        from docx.oxml.ns import qn
        from docx.shared import Pt, RGBColor

        for level, (name, size) in HEADING_FONTS.items():
            style = self.doc.styles[f"Heading {level}"]
            style.font.name, style.font.size, style.font.bold = name, Pt(size), False
            style.font.italic = False
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
            fmt = style.paragraph_format
            fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(0), Pt(0), True
            fmt.first_line_indent = Pt(32)

    # -- text ----------------------------------------------------------------
    def line(self, text: str, *, name: str = BODY, align: str = "left", indent: bool = False,
             highlight: bool = False):
        """One paragraph as given: no numbering; ``align`` is left, center or right."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        p.alignment = {"left": None, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        if indent:
            p.paragraph_format.first_line_indent = Pt(32)
        run = p.add_run(text)
        font(run, name, 16)
        if highlight:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return p

    def paragraph(self, text: str):
        """A body paragraph, first line indented two characters."""
        return self.line(text, indent=True)

    def blank(self) -> None:
        self.doc.add_paragraph()

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def title(self, text: str) -> None:
        """A further title in 2号小标宋, centred: a document that holds several (one per page)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        font(p.add_run(text), TITLE, 22)

    def placeholder(self, what: str):
        """Where the office writes its own text: bracketed and highlighted so it cannot be missed."""
        return self.line(f"【{what}】", indent=True, highlight=True)

    def issuer(self, office: str, day: dt.date):
        """The office and date under the title, centred in 楷体."""
        return self.line(f"{office}  {cn_date(day)}".strip(), name="楷体_GB2312", align="center")

    def heading(self, text: str, level: int = 1):
        """A numbered heading (一、 at level 1, （一） at level 2) in Word's heading style."""
        self._numbers[level] += 1
        if level == 1:
            self._numbers[2] = 0
        number = cn_ordinal(self._numbers[level])
        label = f"{number}、{text}" if level == 1 else f"（{number}）{text}"
        p = self.doc.add_paragraph(style=f"Heading {level}")
        name, size = HEADING_FONTS[level]
        font(p.add_run(label), name, size)
        return p

    # -- tables ------------------------------------------------------------------
    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]],
              widths: Sequence[float] | None = None):
        """A grid table: header row repeated on every page, cells as text;
        ``widths`` are relative column widths across the text width."""
        from docx.shared import Mm

        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        repeat_header(table.rows[0])
        for cell, text in zip(table.rows[0].cells, headers):
            font(cell.paragraphs[0].add_run(str(text)), TABLE_HEAD, TABLE_PT)
        for row in rows:
            for cell, value in zip(table.add_row().cells, row):
                font(cell.paragraphs[0].add_run(str(value)), TABLE_BODY, TABLE_PT)
        if widths:  # Word reads the cells' widths, LibreOffice and WPS the grid's: set both
            table.autofit = False
            total = sum(widths)
            sizes = [Mm(TEXT_WIDTH_MM * w / total) for w in widths]
            for grid_col, size in zip(table._tbl.tblGrid.gridCol_lst, sizes):
                grid_col.w = size
            for column, size in zip(table.columns, sizes):
                for cell in column.cells:
                    cell.width = size
        return table

    def chart(self, kind: str, title: str, rows: Sequence[tuple[str, float]], caption: str) -> None:
        """A native chart (Word/WPS can edit it) centred, and its caption "图N …" under it."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        from rectikit.files.docxchart import add_chart

        self._figures += 1
        holder = self.doc.add_paragraph()
        holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
        holder.paragraph_format.keep_with_next = True
        add_chart(self.doc, holder, kind, title, [str(r[0]) for r in rows], [r[1] for r in rows], font=TABLE_HEAD)
        self.line(f"图{self._figures}　{caption}", name="楷体_GB2312", align="center")

    # -- the end of a document -------------------------------------------------------
    def attachments(self, titles: Sequence[str], numbers: Sequence[object] | None = None) -> None:
        """"附件：1.……" with the following lines aligned under the first title."""
        numbers = numbers or range(1, len(titles) + 1)
        for k, (n, title) in enumerate(zip(numbers, titles)):
            self.line(("附件：" if k == 0 else "　　　") + f"{n}.{title}", indent=True)

    def signature(self, office: str, day: dt.date) -> None:
        """The issuing office and the date, right-aligned."""
        for text in (office, cn_date(day)):
            self.line(text, align="right")

    def save(self, path: Path) -> Path:
        """Add the page numbers and write atomically (a temp file, then a rename)."""
        page_numbers(self.doc)
        path = Path(path)
        with atomic_path(path) as tmp:
            self.doc.save(str(tmp))
        return path
