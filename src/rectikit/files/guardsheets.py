"""What a spreadsheet's worksheets would cost to read, measured before any reader sees them: the used area
and the text of every xlsx worksheet (found through the workbook's relationships, however the package names
them), and the repeated rows and columns of an ODS table; each limit summed over all sheets."""

from __future__ import annotations

import posixpath
import re
import zipfile
from functools import lru_cache
from pathlib import Path

from rectikit.base.errors import InputFileError
from rectikit.base.fsutil import fast_inflate

CHUNK = 1 << 20

HINT = "如确属正常文件，可调大 rectikit.toml 中 [import] 的相应上限。"


def too_large(file: str, where: str, what: str, found: int, limit: int, keys: str) -> InputFileError:
    return InputFileError(
        f"{file}{where} {what}达 {found:,}，超过上限 {limit:,}（按文件大小计，见 {keys}），"
        f"疑似构造的异常文件，拒绝读取。{HINT}"
    )


_ROW_TAG = re.compile(rb'<row r="(\d+)"')

_ODD_CELL = re.compile(rb'<c(?! r=")[\s/>]')  # a cell whose first attribute is not its position

_PREFIXED = re.compile(rb"<\w+:(?:worksheet|sheetData|row|c)\b")
_PREFIXED_GATE = re.compile(rb":(?:worksheet|sheetData|row|c)\b")  # found wherever _PREFIXED is; 5x faster

_ODD_ROW = re.compile(rb'<row(?! r=")[\s/>]')  # a row whose first attribute is not its number


@lru_cache(maxsize=32)
def _letters_after(cols: int) -> re.Pattern[bytes]:
    """Cells (written Excel's way) in a column after the first ``cols``, by their first letter."""
    return re.compile(rb'<c r="([' + bytes([65 + cols]) + rb"-Z])")


_FAR = re.compile(rb'r="(?:[A-Z]{2}|[A-Z]\d{6})')

_WIDE_OR_FAR_CELL = re.compile(rb'<c r="([A-Z]{2,3})(\d+)"|<c r="([A-Z])(\d{6,})"')

_SI = re.compile(rb"<(?:\w+:)?si[\s>]")

_ANY_CELL = re.compile(rb"<(?:\w+:)?c(?=[\s/>])([^>]*)>")

_ANY_ROW = re.compile(rb"<(?:\w+:)?row(?=[\s/>])([^>]*)>")

_ATTR_R = re.compile(rb'\sr="([A-Z]*)(\d*)"')


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def chunks(zf: zipfile.ZipFile, name: str, overlap: int = 256):
    """The member's bytes in chunks that overlap, so no tag is cut in two unseen."""
    tail = b""
    with zf.open(name) as f:
        fast_inflate(f)  # a third of the guard's 0.1 s on a 100k-row sheet was zlib
        while True:
            block = f.read(CHUNK)
            if not block:
                if tail:
                    yield tail
                return
            data = tail + block
            cut = data.rfind(b"<", max(0, len(data) - overlap))
            cut = cut if cut > 0 else len(data)
            yield data[:cut]
            tail = data[cut:]


def _shared_strings_part(zf: zipfile.ZipFile) -> str | None:
    """The shared strings' member: the part the workbook's relationships name, else xl/sharedStrings.xml."""
    named = next(
        (t for kind, t in _relationships(zf, _workbook_part(zf)).values() if kind.endswith("/sharedStrings")), None
    )
    name = _member(zf, named) if named else None
    return name or next((n for n in zf.namelist() if n.lower() == "xl/sharedstrings.xml"), None)


def _shared_string_sizes(zf: zipfile.ZipFile) -> list[int]:
    """Bytes of each shared string's XML, in order."""
    name = _shared_strings_part(zf)
    starts: list[int] = []
    offset = 0
    for chunk in chunks(zf, name) if name else ():
        starts.extend(m.start() + offset for m in _SI.finditer(chunk))
        offset += len(chunk)
    return [b - a for a, b in zip(starts, [*starts[1:], offset])]


def _longest_shared_string(zf: zipfile.ZipFile) -> int:
    """Bytes of the longest shared string's XML, at least its text once read: the parts between Excel's
    plain ``<si>`` tags, a string cut by a chunk's end carried on into the next. Three times faster than
    :func:`_shared_string_sizes`, which any other form of the tag (attributes, a namespace prefix) takes."""
    name = _shared_strings_part(zf)
    longest = run = 0
    started = False  # the part before the first string is the file's own header
    for chunk in chunks(zf, name) if name else ():
        if b":si" in chunk or chunk.count(b"<si") != chunk.count(b"<si>"):
            return max(_shared_string_sizes(zf), default=0)
        parts = chunk.split(b"<si>")
        if len(parts) == 1:
            run += len(chunk)
            continue
        if started:
            longest = max(longest, run + len(parts[0]))
        if len(parts) > 2:
            longest = max(longest, *map(len, parts[1:-1]))
        run, started = len(parts[-1]), True
    return max(longest, run) if started else 0


def _attr(tag: bytes, name: bytes) -> str:
    m = re.search(rb"\s" + name + rb'="([^"]*)"', tag)
    return m.group(1).decode("utf-8", "replace") if m else ""


def _member(zf: zipfile.ZipFile, name: str) -> str | None:
    """The zip member a part name means (readers match names without regard to case)."""
    names = {n.lower(): n for n in zf.namelist()}
    return names.get(name.lstrip("/").lower())


def _part(base: str, target: str) -> str:
    """A relationship's target as a part name, resolved against the folder of the part that names it."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target)).lstrip("./")


def _relationships(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, target part) of a part's relationships."""
    rels = _member(zf, posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels"))
    if rels is None:
        return {}
    out = {}
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", zf.read(rels)):
        out[_attr(tag, b"Id")] = (_attr(tag, b"Type"), _part(part, _attr(tag, b"Target")))
    return out


def _workbook_part(zf: zipfile.ZipFile) -> str:
    """The workbook part the package's relationships point to (xl/workbook.xml when they say none)."""
    return next(
        (t for kind, t in _relationships(zf, "").values() if kind.endswith("/officeDocument")), "xl/workbook.xml"
    )


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member -> the sheet's name as Excel shows it: found the way a reader finds them, from the
    package's relationships to the workbook and from the workbook's to its sheets, whatever their folder,
    case or namespace prefix."""
    book = _workbook_part(zf)
    member = _member(zf, book)
    if member is None:
        return {}
    targets = _relationships(zf, book)
    out = {}
    for tag in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", zf.read(member)):
        rid = re.search(rb'\s(?:\w+:)?id="([^"]*)"', tag)
        target = targets.get(rid.group(1).decode("utf-8", "replace") if rid else "", ("", ""))[1]
        found = _member(zf, target) if target else None
        if found:
            out[found] = _attr(tag, b"name")
    return out


def check_xlsx_sheets(zf: zipfile.ZipFile, file: str, max_cells: int, max_rows: int, max_text: int) -> None:
    """Every worksheet a reader would open — by the relationships, and any part under xl/worksheets — is
    measured, and its rows, cells and text are added up: a hundred sheets each within a limit are together
    what the reader holds."""
    names = _sheet_names(zf)
    parts = list(
        dict.fromkeys(
            [
                *names,
                *(
                    i.filename
                    for i in zf.infolist()
                    if i.filename.lower().startswith("xl/worksheets/") and i.filename.lower().endswith(".xml")
                ),
            ]
        )
    )
    longest: int | None = None  # shared strings are scanned once for all sheets
    sizes: list[int] = []
    rows_sum = cells_sum = text_sum = 0
    for part in parts:
        rows, cols = _xlsx_extent(zf, part)
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
        if longest is None:
            longest = _longest_shared_string(zf)
        if text_sum + longest * rows * cols + zf.getinfo(part).file_size > max_text:
            sizes = sizes or _shared_string_sizes(zf)
            text_sum += _cell_text(zf, part, sizes)
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
        if b"<c " in chunk and ext.cols < 26:
            found = _letters_after(ext.cols).findall(chunk)  # one pass for the columns beyond those seen
            ext.cols = max(ext.cols, 1, *(letter[0] - 64 for letter in set(found)))
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
        events = sorted(
            [(m.start(), True, m.group(1)) for m in _ANY_ROW.finditer(chunk)]
            + [(m.start(), False, m.group(1)) for m in _ANY_CELL.finditer(chunk)]
        )
        for _, is_row, attrs in events:
            ref = _ATTR_R.search(attrs)
            if is_row:
                self.row = int(ref.group(2)) if ref and ref.group(2) else self.row + 1
                self.col = 0
            else:
                self.col = _col_number(ref.group(1)) if ref and ref.group(1) else self.col + 1
                if ref and ref.group(2):
                    self.row = max(self.row, int(ref.group(2)))
            self.rows, self.cols = max(self.rows, self.row), max(self.cols, self.col)


_SHARED_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\bt="s"[^>]*>\s*<(?:\w+:)?v>\s*(\d+)\s*</')


def _cell_text(zf: zipfile.ZipFile, name: str, sizes: list[int]) -> int:
    """Bytes of text a reader gives a worksheet's cells: each shared-string cell a copy of its string
    (whatever the cell's form), and the part's own bytes as the bound of every inline text."""
    total = zf.getinfo(name).file_size
    for chunk in chunks(zf, name):
        for k in _SHARED_CELL.findall(chunk):
            k = int(k)
            total += sizes[k] if k < len(sizes) else 0
    return total
