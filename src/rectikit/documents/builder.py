"""The official document (公文) every report and notice is built on, GB/T 9704-2012.

A document module describes its sections in order and leaves the form to
this builder::

    doc = OfficialDocument("某市……分析报告", head=("××文件", "×发〔2020〕6号"), to="各县（市、区）：")
    doc.issuer(office, day)
    doc.heading("总体情况")            # 一、总体情况 (a Word heading: the navigation pane lists it)
    doc.paragraph(sentence)
    doc.table(["名称", "件数", "占比"], rows)
    doc.placeholder("请在此写明……")     # highlighted: text only the office can write
    doc.attachments(["……一览表"])
    doc.signature(office, day)
    doc.imprint(cc, printer, day)      # 版记
    doc.save(path)

Form: A4 portrait, margins 37/35/28/26 mm (a 156 × 225 mm 版心), 22 lines of
28 characters (the document grid, exact line pitch, no space between
paragraphs), title 2号小标宋 centred and broken between words, body 3号仿宋
with a two-character first-line indent, level-1 headings 黑体 (一、), level-2
楷体 (（一）), tables in 小四 with the header repeated on every page and rows
never split, the 版头 (red 发文机关标志, 发文字号, red line) and 版记 when
the document is one the office issues, the signature centred over a date
four characters from the right, page numbers "— 1 —" one character in from
the outer side, 7 mm below the 版心. East Asian fonts are set explicitly, or
Word and WPS fall back to another font. Text in 【】 is a place the office
fills in: it is highlighted wherever it appears.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from rectikit.base.fsutil import atomic_path
from rectikit.documents.wording import PLACEHOLDER, break_title, cn_ordinal
from rectikit.files.docxstyle import (
    body_font,
    font,
    free_of_grid,
    keep_rows_whole,
    line_grid,
    page_numbers,
    repeat_header,
    rule,
)
from rectikit.text.dates import cn_date

BODY = "仿宋_GB2312"
TITLE = "方正小标宋简体"
HEADING_FONTS = {1: ("黑体", 16), 2: ("楷体_GB2312", 16)}
TABLE_HEAD, TABLE_BODY, TABLE_PT = "黑体", BODY, 12
TEXT_WIDTH_MM = 210 - 28 - 26  # A4 less the left and right margins
CHAR = 16  # points: one character of 3号 body text
TITLE_CHARS = int(TEXT_WIDTH_MM / 25.4 * 72 // 22) - 2  # 2号 characters on a title line (20), less a margin
RED = "FF0000"


class OfficialDocument:
    """One document being built, section by section, in reading order."""

    def __init__(self, title: str, *, head: tuple[str, str] | None = None, to: str = "", title_pt: float = 22):
        """``head`` is (发文机关标志, 发文字号) for a document the office issues; ``to`` its 主送."""
        from docx import Document
        from docx.shared import Mm

        self.doc = Document()
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
        sec.footer_distance = Mm(35 - 7 - 5)  # the number's line (4号, 5 mm) 7 mm below the 版心
        body_font(self.doc)
        line_grid(sec)
        self._style_headings()
        self._numbers = {1: 0, 2: 0}
        self._figures = 0
        self._title_pt = title_pt
        if head:
            self.masthead(*head)
        self.title(title, first=not head)
        if to:
            self.blank()
            self.line(to if to.endswith(("：", ":")) else to + "：")

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
    def line(
        self,
        text: str,
        *,
        name: str = BODY,
        align: str = "left",
        indent: bool = False,
        highlight: bool = False,
        size: float = 16,
        paragraph=None,
    ):
        """One paragraph as given: no numbering; ``align`` is left, center or right. Places to fill in
        (【…】) are highlighted wherever they are in the text."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
        from docx.shared import Pt

        p = paragraph if paragraph is not None else self.doc.add_paragraph()
        p.alignment = {"left": None, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        if indent:
            p.paragraph_format.first_line_indent = Pt(2 * CHAR)
        for k, part in enumerate(PLACEHOLDER.split(text)):
            if not part:
                continue
            lines = part.split("\n")
            run = p.add_run(lines[0])
            for more in lines[1:]:
                run.add_break()
                run.add_text(more)
            font(run, name, size)
            if highlight or k % 2:
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

    def title(self, text: str, *, first: bool = False) -> None:
        """A title in 2号小标宋, centred, its lines broken between words (a document may hold several,
        one per page)."""
        p = self.doc.paragraphs[0] if first and self.doc.paragraphs else None
        per_line = int(TITLE_CHARS * 22 // self._title_pt)
        self.line("\n".join(break_title(text, per_line)), name=TITLE, align="center", size=self._title_pt, paragraph=p)
        if self._title_pt > 22:  # a sign's title is taller than the grid's line
            free_of_grid(p if p is not None else self.doc.paragraphs[-1])

    def masthead(self, mark: str, number: str) -> None:
        """The 版头: the issuing office's mark in red 小标宋, the document number, and the red line."""
        from docx.shared import Pt, RGBColor

        first = self.doc.paragraphs[0] if self.doc.paragraphs else self.doc.add_paragraph()
        chars = max(len(mark), 1)
        size = max(22, min(36, 440 // chars)) if not PLACEHOLDER.search(mark) else 22
        self.line(
            "\n".join(break_title(mark, int(440 // size))), name=TITLE, align="center", size=size, paragraph=first
        )
        for run in first.runs:
            run.font.color.rgb = RGBColor(0xFF, 0, 0)
        first.paragraph_format.space_before = Pt(0)
        self.blank()
        self.blank()
        rule(self.line(number, align="center"), "bottom", RED, 12, space=11)
        self.blank()

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
        name, size = HEADING_FONTS[level]
        return self.line(label, name=name, size=size, paragraph=self.doc.add_paragraph(style=f"Heading {level}"))

    # -- tables ------------------------------------------------------------------
    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        widths: Sequence[float] | None = None,
        pt: float = TABLE_PT,
    ):
        """A grid table: header row repeated on every page, cells as text;
        ``widths`` are relative column widths across the text width."""
        from docx.shared import Mm

        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        repeat_header(table.rows[0])
        for cell, text in zip(table.rows[0].cells, headers):
            font(cell.paragraphs[0].add_run(str(text)), TABLE_HEAD, pt)
        for row in rows:
            for cell, value in zip(table.add_row().cells, row):
                font(cell.paragraphs[0].add_run(str(value)), TABLE_BODY, pt)
        keep_rows_whole(table)
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

    def chart(self, kind: str, title: str, rows: Sequence[tuple[str, int, str]], caption: str) -> None:
        """A native chart (Word/WPS can edit it) centred, and its caption "图N …" under it. ``rows`` are
        (name, count, share as the text prints it): a pie is labelled with those shares, so the chart
        and the sentence beside it say the same number."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        from rectikit.files.docxchart import add_chart

        self._figures += 1
        holder = self.doc.add_paragraph()
        holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
        holder.paragraph_format.keep_with_next = True
        free_of_grid(holder)  # an exact line height would crop the chart to one line
        if kind == "pie":
            values, series, fmt = [float(r[2].rstrip("%")) for r in rows], "占比（%）", 'General"%"'
        else:
            values, series, fmt = [r[1] for r in rows], "件数", "General"
        tall = min(200, max(85, 7 * len(rows) + 30)) if kind == "bar" else 85  # a bar's label per 7 mm
        add_chart(
            self.doc,
            holder,
            kind,
            title,
            [str(r[0]) for r in rows],
            values,
            series=series,
            number_format=fmt,
            font=TABLE_HEAD,
            height_mm=tall,
        )
        self.line(f"图{self._figures}　{caption}", name="楷体_GB2312", align="center")

    # -- the end of a document -------------------------------------------------------
    def attachments(self, titles: Sequence[str], numbers: Sequence[object] | None = None) -> None:
        """ "附件：1.……" two characters in; every line after, and a title's wrapped lines, start under the
        first title's first character (GB/T 9704 7.3.4)."""
        from docx.shared import Pt

        numbers = numbers or range(1, len(titles) + 1)
        for k, (n, title) in enumerate(zip(numbers, titles)):
            p = self.line(("附件：" if k == 0 else "") + f"{n}.{title}")
            number = Pt(CHAR * (len(str(n)) + 1) / 2)  # "1." is two half-width characters
            p.paragraph_format.left_indent = Pt(CHAR * 5) + number
            p.paragraph_format.first_line_indent = -(Pt(CHAR * 3) if k == 0 else 0) - number

    def signature(self, office: str, day: dt.date) -> None:
        """The issuing office centred over the date, the date four characters in from the right (the form of a
        sealed document, GB/T 9704 7.3.5.1)."""
        from docx.shared import Pt

        date = cn_date(day)
        shift = max(2, 4 + (len(date) - len(office)) / 2)  # the office's line centred over the date's
        for text, right in ((office, shift), (date, 4)):
            if text:
                self.line(text, align="right").paragraph_format.right_indent = Pt(CHAR * right)

    def imprint(self, cc: str, printer: str, day: dt.date) -> None:
        """The 版记 at the document's end: 抄送 and the printing office with its date between rules
        (the first and last thick, the one between thin), in 4号仿宋 one character in from each side."""
        from docx.enum.text import WD_TAB_ALIGNMENT
        from docx.shared import Mm, Pt

        self.blank()
        ends = "" if cc.endswith(("。", "】")) else "。"
        cc_line = self.line(f"抄送：{cc}{ends}", size=14) if cc else None
        printed = self.line(f"{printer}\t{cn_date(day)}印发", size=14)
        printed.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM) - Pt(28), WD_TAB_ALIGNMENT.RIGHT)
        for p in filter(None, (cc_line, printed)):
            p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(14)
            p.paragraph_format.keep_with_next = p is cc_line
        rule(cc_line if cc_line is not None else printed, "top", "000000", 8)
        if cc_line is not None:
            rule(cc_line, "bottom", "000000", 4)
        rule(printed, "bottom", "000000", 8)

    def save(self, path: Path, *, numbered: bool = True) -> Path:
        """Add the page numbers (not on a sign) and write atomically (a temp file, then a rename)."""
        if numbered:
            page_numbers(self.doc)
        path = Path(path)
        with atomic_path(path) as tmp:
            self.doc.save(str(tmp))
        return path
