"""How a cell's text is laid out in a workbook: Excel's 32,767-character limit (cut with a note saying where
the whole is), display width (CJK counts two), the lines a wrapped cell needs, and the 内部资料 mark."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import zip_longest

LINE_HEIGHT_PT = 15

IDENTITY_SHEET = "_rectikit"  # very hidden: Excel and WPS show it only through VBA
OPTIONS_SHEET = "选项"  # hidden: the values a book's dropdowns offer
NOTES_SHEET = "说明"  # what staff do with a book
CHOICE_ERROR = ("取值无效", "请从下拉列表中选择。")  # what a dropdown says to a value not in its list

MAX_LINES = 12

CELL_LIMIT = 32_767  # characters Excel keeps in one cell; XlsxWriter cuts the rest off without a word

CUT_NOTE = "……（原文超过 Excel 单元格 32767 字的上限，以下从略；全文在台账中，可用 rectikit export 导出 .csv 查看）"


def fit_cell(text: str) -> str:
    """Text as one cell can hold it, saying where it was cut and where the whole is."""
    return text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - len(CUT_NOTE)] + CUT_NOTE


def display_width(text: str) -> int:
    """Width in Excel column units: CJK and full-width characters take two.
    GB18030 gives them two bytes and ASCII one, so its length is the width,
    counted in C: the per-character loop was a quarter of a 100k-row export."""
    return len(text.encode("gb18030", "replace"))


def usable_width(width: float) -> int:
    """Display width that fits on one line of a cell ``width`` units wide (a CJK character in an
    11-point font is about 2.2 units wide, and counts two)."""
    return int(max((width - 1) / 1.1, 4))


@lru_cache(maxsize=1 << 16)
def lines_needed(text: str, width: float) -> int:
    """How many wrapped lines a cell of ``width`` units needs for ``text``; remembered, as a long list
    repeats its units, categories and dates in every row."""
    usable = usable_width(width)
    if 2 * len(text) <= usable and "\n" not in text:  # fits even if every character is wide
        return 1
    return sum(max(1, -(-display_width(part) // usable)) for part in text.split("\n"))


PARALLEL_ROWS = 20_000  # from here a table's rows are measured in a second process while it is written


def lines_per_row(rows: Sequence[Sequence], widths: Sequence[float]) -> list[int]:
    """The wrapped lines each row needs, at most MAX_LINES: the most any of its text cells needs. Read a
    column at a time, and only the cells that could make their row taller are measured (a 100k-row annex
    has a million cells, nearly all short or outdone by the row's text). A big table's rows are measured
    while it is written (:func:`rectikit.files.xlsxfast.write_measuring`)."""
    lines = [1] * len(rows)
    for width, column in zip(widths, zip_longest(*rows)):
        usable = usable_width(width)
        short = usable // 2
        # one line for sure: no line break, and at most half a line of any text or a whole line of ASCII
        long = [
            (k, v)
            for k, v in enumerate(column)
            if v.__class__ is str and (len(v) > short and (len(v) > usable or not v.isascii()) or "\n" in v)
        ]
        for k, v in long:
            have = lines[k]
            if have >= MAX_LINES:
                continue
            if "\n" in v:
                n = lines_needed(v, width)
            elif 2 * len(v) <= usable * have:  # even all wide, no more lines than the row has
                continue
            elif len(v) >= usable * MAX_LINES:  # even all narrow, as many as a row may have
                n = MAX_LINES
            else:  # one line of text: its width over the line's, counted here (a ledger's texts differ)
                n = -(-display_width(v) // usable)
            if n > have:
                lines[k] = min(n, MAX_LINES)
    return lines


INTERNAL = "内部资料：含群众个人信息，不得外传、不得公开"
