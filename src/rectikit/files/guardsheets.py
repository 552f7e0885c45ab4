"""What an xlsx workbook's worksheets would cost to read, measured before any reader sees them: the used
area and the text of every worksheet Excel or calamine would open (:mod:`rectikit.files.guardparts`), each
limit summed over all sheets."""

from __future__ import annotations

import re
import zipfile
from functools import lru_cache
from pathlib import Path

from rectikit.files.guardparts import calamine_sheets, chunks, sheet_names, too_large
from rectikit.files.guardstrings import SharedStrings

_ROW_TAG = re.compile(rb'<row r="(\d+)"')

_ODD_CELL = re.compile(rb'<c(?! r=")[\s/>]')  # a cell whose first attribute is not its position

_PREFIXED = re.compile(rb"<\w+:(?:worksheet|sheetData|row|c)\b")
_PREFIXED_GATE = re.compile(rb":(?:worksheet|sheetData|row|c)\b")  # found wherever _PREFIXED is; 5x faster

_ODD_ROW = re.compile(rb'<row(?! r=")[\s/>]')  # a row whose first attribute is not its number


@lru_cache(maxsize=32)
def _first_after(cols: int) -> re.Pattern[bytes]:
    """Cells written Excel's way whose reference starts with anything but a column among the first
    ``cols``: a column after them, or a character calamine reads although Excel never writes it
    (``xfd1048576``)."""
    return re.compile(rb'<c r="([^A-' + bytes([64 + cols]) + rb"])" if cols else rb'<c r="([\s\S])')


_FAR = re.compile(rb'r="(?:[A-Z][A-Za-z]|[A-Z]\d{6})')

_WIDE_OR_FAR_CELL = re.compile(rb'<c r="([A-Z][A-Za-z]+)(\d+)"|<c r="([A-Z])(\d{6,})"')

_TAG = re.compile(rb"<(?:\w+:)?(c|row)(?=[\s/>])")

_REF = re.compile(rb"""\sr\s*=\s*["']\s*([A-Za-z]*)(\d*)""")  # either quote, any case: calamine reads them all


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def check_xlsx_sheets(
    zf: zipfile.ZipFile, file: str, max_cells: int, max_rows: int, max_text: int, strings: SharedStrings
) -> None:
    """Every worksheet a reader would open — by Excel's relationships, by calamine's list, and any part under
    xl/worksheets — is measured, and its rows, cells and text are added up: a hundred sheets each within a
    limit are together what the reader holds, and a part calamine lists twice it reads twice."""
    names = sheet_names(zf)
    listed = calamine_sheets(zf)  # one entry per sheet calamine lists, repeats kept
    folder = [n for n in zf.namelist() if n.lower().startswith("xl/worksheets/") and n.lower().endswith(".xml")]
    seen = set(listed)
    entries = [*listed, *(p for p in dict.fromkeys([*names, *folder]) if p not in seen)]
    extent: dict[str, tuple[int, int]] = {}
    text: dict[str, int] = {}  # a part's text: first its bound (longest string per cell), exact once needed
    counted: dict[str, int] = {}  # how many times each part is read
    exact: set[str] = set()
    sizes: list[int] | None = []
    rows_sum = cells_sum = text_sum = 0
    for part in entries:
        if part not in extent:
            extent[part] = _xlsx_extent(zf, part)
        rows, cols = extent[part]
        where = f" 的工作表“{names.get(part, Path(part).stem)}”"
        rows_sum, cells_sum = rows_sum + rows, cells_sum + rows * cols
        if rows_sum > max_rows:
            raise too_large(
                file, where if rows_sum == rows else "（各工作表合计）", "行数", rows_sum, max_rows, "rows_per_byte"
            )
        if cells_sum > max_cells:
            raise too_large(
                file,
                where if cells_sum == rows * cols else "（各工作表合计）",
                f"使用区域（{rows} 行 × {cols} 列）" if cells_sum == rows * cols else "使用区域（单元格）",
                cells_sum,
                max_cells,
                "cells_per_byte、max_cells",
            )
        # Each cell gets its own copy of the shared string it shows; inline text is no longer than the part.
        text.setdefault(part, strings.longest * rows * cols + zf.getinfo(part).file_size)
        counted[part] = counted.get(part, 0) + 1
        text_sum += text[part]
        for bounded in [p for p in counted if p not in exact] if text_sum > max_text else ():
            if not exact:
                sizes = strings.sizes(zf)  # each string's size, found once, for the first part that needs it
            exact.add(bounded)
            found = _cell_text(zf, bounded, sizes, strings.longest)
            text_sum += counted[bounded] * (found - text[bounded])
            text[bounded] = found
        if text_sum > max_text:
            raise too_large(file, where, "读入后的文字（字节）", text_sum, max_text, "text_per_byte")


def _xlsx_extent(zf: zipfile.ZipFile, name: str) -> tuple[int, int]:
    """(last row, last column) of one worksheet's cells."""
    ext = _Extent()
    for chunk in chunks(zf, name):
        if not ext.exact and (
            (_PREFIXED_GATE.search(chunk) and _PREFIXED.search(chunk))
            or _ODD_CELL.search(chunk)
            or _ODD_ROW.search(chunk)
        ):
            ext.exact = True  # a namespace prefix (<x:c …>) or another writer's form: follow every row and cell
        if ext.exact:
            ext.follow(chunk)
            continue
        # Every cell says where it is, Excel's way: rows, the last of columns A–Z, and far cells matter.
        ext.rows = max(ext.rows, *map(int, _ROW_TAG.findall(chunk) or (0,)))
        if b"<c " in chunk:
            found = set(_first_after(min(ext.cols, 26)).findall(chunk))  # one pass: columns beyond those seen
            if any(not b"A" <= ch <= b"Z" for ch in found):
                ext.exact = True  # a reference Excel would not write: follow every row and cell
                ext.follow(chunk)
                continue
            ext.cols = max(ext.cols, 1, *(ch[0] - 64 for ch in found))
        if _FAR.search(chunk):
            for a, b, c, d in _WIDE_OR_FAR_CELL.findall(chunk):
                ext.cols = max(ext.cols, _col_number(a or c))
                ext.rows = max(ext.rows, int(b or d))
        ext.row = ext.rows
    return ext.rows, max(ext.cols, 1 if ext.rows else 0)


class _Extent:
    """Rows and cells followed one by one, counting the ones written without
    ``r`` the way a parser does: each after the one before."""

    def __init__(self):
        self.rows = self.cols = self.row = self.col = 0
        self.exact = False

    def follow(self, chunk: bytes) -> None:
        """A row's or cell's position is the largest ``r`` between its tag and the next one (before the
        first tag, the last one's): a '>' or quotes inside another attribute's value hide none."""
        tags = [(m.start(), m.group(1) == b"row") for m in _TAG.finditer(chunk)]
        refs = [(m.start(), _col_number(m.group(1)), int(m.group(2) or 0)) for m in _REF.finditer(chunk)]
        k = 0
        for i, (_, is_row) in enumerate([(0, None), *tags]):
            end = tags[i][0] if i < len(tags) else len(chunk)
            col = row = 0
            while k < len(refs) and refs[k][0] < end:
                col, row = max(col, refs[k][1]), max(row, refs[k][2])
                k += 1
            if is_row is None:  # the end of a tag the chunk before began
                self.col, self.row = max(self.col, col), max(self.row, row)
            elif is_row:
                self.row, self.col = row or self.row + 1, 0
            else:
                self.col, self.row = col or self.col + 1, max(self.row, row)
            self.rows, self.cols = max(self.rows, self.row), max(self.cols, self.col)


_SHARED_MARK = re.compile(rb"""\st\s*=\s*["']s["']""")  # anywhere: every shared-string cell has one, and more is safe

_SHARED_CELL = re.compile(rb"""<(?:\w+:)?c\b[^<>]*?\st\s*=\s*["']s["'][^<>]*>\s*<(?:\w+:)?v>\s*(\d+)\s*</""")


def _cell_text(zf: zipfile.ZipFile, name: str, sizes: list[int] | None, longest: int) -> int:
    """Bytes of text a reader gives a worksheet's cells: each shared-string cell a copy of its string, the
    longest where its index cannot be read plainly or the strings' sizes are unknown (``sizes`` None), and
    the part's own bytes as the bound of every inline text."""
    total = zf.getinfo(name).file_size
    for chunk in chunks(zf, name):
        shared = len(_SHARED_MARK.findall(chunk))
        found = [int(k) for k in _SHARED_CELL.findall(chunk)] if sizes is not None else []
        total += sum(sizes[k] for k in found if k < len(sizes)) if sizes is not None else 0
        total += max(0, shared - len(found)) * longest
    return total
