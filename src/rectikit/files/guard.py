"""What a spreadsheet file really is, and whether it is safe to parse.

Files come from outside (region platforms, hotline systems, units' returns),
and a parser trusts what a file declares: python-calamine lays a sheet out as
one dense block from its first to its last cell, so a 5 KB workbook with one
cell at XFD1048576 asks for 17 billion cells and aborts the process, and a
zip that unpacks to gigabytes is read whole. Before any parser sees a file we
check its kind, its zip members, and — by a streaming scan that never holds
more than a chunk — how large each sheet's used area and its text really
are. Every refusal is an :class:`InputFileError` in Chinese saying which
limit was passed and where to raise it.

The scan reads the sheet XML once (about a quarter of the parse time on a
100k-row sheet) with byte searches on the form Excel, WPS and XlsxWriter
write (``<c r="B7" …``); any other form takes an exact, slower path.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from rectikit.base.errors import InputFileError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_ZIP_MEMBERS = 10_000
MAX_RATIO = 100  # compression ratio of one large member beyond which it is a bomb (real sheets: 5–20)
RATIO_FLOOR = 16 << 20  # members smaller than this are never judged by ratio
CHUNK = 1 << 20
HINT = "如确属正常文件，可调大 rectikit.toml 中 [import] 的相应上限。"


@dataclass(frozen=True)
class Limits:
    """How much a file may unpack to and a sheet may hold ([import] in rectikit.toml).

    Besides the absolute caps, what a sheet may hold grows with the file's
    size: real workbooks carry under 0.2 cells, 0.02 rows and 10 bytes of
    text per byte of file, while a crafted one packs thousands. The per-byte
    allowances (with floors for small files) keep any crafted file under
    5 MB below 1 GB of memory, and never stop a real file.
    """

    max_unpacked_bytes: int = 2 << 30
    max_cells: int = 50_000_000  # cells in one sheet's used area, empty ones included
    cells_per_byte: float = 1.0
    rows_per_byte: float = 0.1
    text_per_byte: float = 50.0  # bytes of text the cells hold once every shared string is in place

    def allowed(self, file_size: int) -> tuple[int, int, int]:
        """(cells, rows, text bytes) a file of this size may hold in one sheet."""
        cells = int(min(self.max_cells, max(1_000_000, self.cells_per_byte * file_size)))
        rows = int(min(cells, max(200_000, self.rows_per_byte * file_size)))
        text = int(max(64 << 20, self.text_per_byte * file_size))
        return cells, rows, text

    @classmethod
    def from_config(cls, section: dict) -> "Limits":
        d = cls()
        return cls(
            max_unpacked_bytes=int(section.get("max_unpacked_mb", d.max_unpacked_bytes >> 20)) << 20,
            max_cells=int(section.get("max_cells", d.max_cells)),
            cells_per_byte=float(section.get("cells_per_byte", d.cells_per_byte)),
            rows_per_byte=float(section.get("rows_per_byte", d.rows_per_byte)),
            text_per_byte=float(section.get("text_per_byte", d.text_per_byte)),
        )


def too_large(file: str, where: str, what: str, found: int, limit: int, keys: str) -> InputFileError:
    return InputFileError(
        f"{file}{where} {what}达 {found:,}，超过上限 {limit:,}（按文件大小计，见 {keys}），"
        f"疑似构造的异常文件，拒绝读取。{HINT}"
    )


def sniff_format(path: Path) -> str:
    """What the file really is: 'zip' (xlsx/xlsm/ods), 'xls', or 'text'."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"找不到文件：{path}")
    if path.is_dir():
        raise InputFileError(f"{path} 是文件夹，不是表格文件。")
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(f"{path.name} 是空文件（0 字节）。")
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head == OLE_MAGIC:
        return "xls"
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv", ".txt"}:
        return "text"
    with open(path, "rb") as f:
        sample = f.read(512).lstrip().lower()
    if sample.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        raise InputFileError(
            f"{path.name} 扩展名是 {suffix}，实际是网页或 XML 格式（常见于系统导出）。"
            "请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入。"
        )
    raise InputFileError(f"{path.name} 不是 Excel、WPS 或 CSV 表格文件，无法读取。")


def check_xls(path: Path, limits: Limits = Limits()) -> None:
    """Measure a legacy .xls (BIFF) by its own records before calamine lays it out.

    A 1.2 MB .xls can show one 30,000-character shared string in 78,000 cells,
    which calamine copies into every cell (gigabytes). xlrd keeps each shared
    string once and loads one sheet at a time, so the sheets' used area and
    text can be added up cheaply; a file xlrd cannot measure is refused.
    """
    import io

    import xlrd

    path = Path(path)
    max_cells, max_rows, max_text = limits.allowed(path.stat().st_size)
    try:
        book = xlrd.open_workbook(str(path), on_demand=True, ragged_rows=True, logfile=io.StringIO())
    except xlrd.XLRDError as e:
        if "encrypt" in str(e).lower():
            raise InputFileError(f"{path.name} 设有打开密码，请先在 Excel/WPS 中取消密码。") from None
        raise InputFileError(
            f"{path.name} 是旧版 .xls，但内容无法核验（{e}），请用 Excel 或 WPS 另存为 .xlsx 再导入。"
        ) from None
    except Exception as e:  # a damaged compound file fails in many ways
        raise InputFileError(f"{path.name} 文件已损坏或不完整（{type(e).__name__}），请重新获取原文件。") from None
    rows = cells = text = 0
    with book:
        for k in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(k)
            except Exception as e:
                raise InputFileError(
                    f"{path.name} 的第 {k + 1} 个工作表无法核验（{type(e).__name__}），"
                    "请用 Excel 或 WPS 另存为 .xlsx 再导入。"
                ) from None
            width = max((sheet.row_len(r) for r in range(sheet.nrows)), default=0)
            rows, cells = rows + sheet.nrows, cells + sheet.nrows * width
            if rows > max_rows:
                raise too_large(path.name, "", "行数（各表合计）", rows, max_rows, "rows_per_byte")
            if cells > max_cells:
                raise too_large(
                    path.name,
                    f" 的工作表“{sheet.name}”",
                    "使用区域（各表合计，单元格）",
                    cells,
                    max_cells,
                    "cells_per_byte、max_cells",
                )
            for r in range(sheet.nrows):
                # A character of Chinese is three bytes once read; ASCII is one.
                text += sum(len(v) * (1 if v.isascii() else 3) for v in sheet.row_values(r) if isinstance(v, str))
                if text > max_text:
                    raise too_large(
                        path.name,
                        f" 的工作表“{sheet.name}”",
                        "读入后的文字（字节，各表合计）",
                        text,
                        max_text,
                        "text_per_byte",
                    )
            book.unload_sheet(k)


def check_zip(path: Path, limits: Limits | int = Limits()) -> str:
    """Refuse zip bombs, XML with DOCTYPE and sheets too large to lay out; return 'xlsx' or 'ods'."""
    if isinstance(limits, int):
        limits = Limits(max_unpacked_bytes=limits)
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise InputFileError(f"{path.name} 文件已损坏或不完整（{e}），请重新获取原文件。") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise InputFileError(f"{path.name} 内部文件数异常（{len(infos)} 个），拒绝读取。")
        total = sum(i.file_size for i in infos)
        if total > limits.max_unpacked_bytes:
            raise InputFileError(
                f"{path.name} 解压后将达 {total / 2**20:.0f} MB，超过上限 "
                f"{limits.max_unpacked_bytes / 2**20:.0f} MB（max_unpacked_mb），疑似“压缩炸弹”，拒绝读取。{HINT}"
            )
        for i in infos:
            if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise InputFileError(
                    f"{path.name} 中的 {i.filename} 压缩比异常（{i.file_size // max(i.compress_size, 1)} 倍），"
                    "疑似“压缩炸弹”，拒绝读取。"
                )
        names = {i.filename for i in infos}
        if "mimetype" in names:
            kind = "ods"
        elif "[Content_Types].xml" in names:
            kind = "xlsx"
        else:
            raise InputFileError(f"{path.name} 是压缩包，但不是 Excel 或 WPS 表格。")
        try:
            for i in infos:
                if i.filename.endswith((".xml", ".rels")) and i.file_size:
                    with zf.open(i) as member:
                        head = member.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise InputFileError(
                            f"{path.name} 中的 {i.filename} 含有 DOCTYPE/实体声明，正常表格不会有，拒绝读取。"
                        )
            allowed = limits.allowed(path.stat().st_size)
            if kind == "xlsx":
                _check_xlsx_sheets(zf, path.name, *allowed)
            elif "content.xml" in names:
                _check_ods(zf, path.name, *allowed)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
            raise InputFileError(f"{path.name} 文件已损坏或不完整（{e}），请重新获取原文件。") from None
    return kind


# -- xlsx: the used area and the text of every worksheet --------------------------

_ROW_TAG = re.compile(rb'<row r="(\d+)"')
_ODD_CELL = re.compile(rb'<c(?! r=")[\s/>]')  # a cell whose first attribute is not its position
_PREFIXED = re.compile(rb"<\w+:(?:worksheet|sheetData|row|c)\b")
_ODD_ROW = re.compile(rb'<row(?! r=")[\s/>]')  # a row whose first attribute is not its number
_LETTERS_DOWN = [bytes([c]) for c in range(ord("Z"), ord("A") - 1, -1)]
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


def _chunks(zf: zipfile.ZipFile, name: str, overlap: int = 256):
    """The member's bytes in chunks that overlap, so no tag is cut in two unseen."""
    tail = b""
    with zf.open(name) as f:
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


def _shared_string_sizes(zf: zipfile.ZipFile) -> list[int]:
    """Bytes of each shared string's XML, in order (the part the workbook's relationships name, else
    xl/sharedStrings.xml)."""
    book = _workbook_part(zf)
    named = next((t for kind, t in _relationships(zf, book).values() if kind.endswith("/sharedStrings")), None)
    name = _member(zf, named) if named else None
    name = name or next((n for n in zf.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    starts: list[int] = []
    offset = 0
    for chunk in _chunks(zf, name) if name else ():
        starts.extend(m.start() + offset for m in _SI.finditer(chunk))
        offset += len(chunk)
    return [b - a for a, b in zip(starts, [*starts[1:], offset])]


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


def _check_xlsx_sheets(zf: zipfile.ZipFile, file: str, max_cells: int, max_rows: int, max_text: int) -> None:
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
    sizes: list[int] | None = None  # shared strings are scanned once for all sheets
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
        if sizes is None:
            sizes = _shared_string_sizes(zf)
            longest = max(sizes, default=0)
        if text_sum + longest * rows * cols + zf.getinfo(part).file_size > max_text:
            text_sum += _cell_text(zf, part, sizes)
            if text_sum > max_text:
                raise too_large(file, where, "读入后的文字（字节）", text_sum, max_text, "text_per_byte")


def _xlsx_extent(zf: zipfile.ZipFile, name: str) -> tuple[int, int]:
    """(last row, last column) of one worksheet's cells."""
    ext = _Extent()
    for chunk in _chunks(zf, name):
        if not ext.exact and (_PREFIXED.search(chunk) or _ODD_CELL.search(chunk) or _ODD_ROW.search(chunk)):
            ext.exact = True  # a namespace prefix (<x:c …>) or another writer's form: follow every row and cell
        if ext.exact:
            ext.follow(chunk)
            continue
        # Every cell says where it is, Excel's way: rows, the last of columns A–Z, and far cells matter.
        for m in _ROW_TAG.findall(chunk):
            ext.rows = max(ext.rows, int(m))
        if b"<c " in chunk and ext.cols < 26:
            ext.cols = max(
                ext.cols, next((26 - k for k, letter in enumerate(_LETTERS_DOWN) if b'<c r="' + letter in chunk), 1)
            )
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
    for chunk in _chunks(zf, name):
        for k in _SHARED_CELL.findall(chunk):
            k = int(k)
            total += sizes[k] if k < len(sizes) else 0
    return total


# -- ods: repeated rows and columns ---------------------------------------------------

_ODS_EVENT = re.compile(rb"<table:(table-row|table-cell|covered-table-cell|table)\b([^>]*?)(/?)>|</table:table>")
_REPEAT = re.compile(rb'number-(?:rows|columns)-repeated="(\d+)"')


def _check_ods(zf: zipfile.ZipFile, file: str, max_cells: int, max_rows: int, max_text: int) -> None:
    """The used area of every table, added up over the tables: repeated rows or cells count as far as a
    cell with content reaches, as a parser lays them out; and the text, each cell's content once for every
    time it is repeated (a 30 KB cell repeated over 26 × 10,000 cells is 7.8 GB to a reader)."""
    done_rows = done_cells = text = 0
    rows = cols = 0  # the used area of the table being read
    next_row = row = n_rows = col = 0
    pending = 0  # the text of a cell cut at a chunk's end goes on, repeated this many times

    def check() -> None:
        if done_rows + rows > max_rows:
            raise too_large(file, "", "行数", done_rows + rows, max_rows, "rows_per_byte")
        if done_cells + rows * cols > max_cells:
            what = f"使用区域（{rows} 行 × {cols} 列）" if not done_cells else "各表合计的使用区域（单元格）"
            raise too_large(file, "", what, done_cells + rows * cols, max_cells, "cells_per_byte、max_cells")
        if text > max_text:
            raise too_large(file, "", "读入后的文字（字节）", text, max_text, "text_per_byte")

    for chunk in _chunks(zf, "content.xml"):
        events = list(_ODS_EVENT.finditer(chunk))
        text += pending * (events[0].start() if events else len(chunk))
        pending = 0
        for k, m in enumerate(events):
            kind, attrs, empty = m.group(1), m.group(2) or b"", m.group(3)
            rep = _REPEAT.search(attrs)
            n = int(rep.group(1)) if rep else 1
            if kind is None or kind == b"table":  # a table starts or ends: its area joins the sum
                done_rows, done_cells = done_rows + rows, done_cells + rows * cols
                rows = cols = next_row = 0
            elif kind == b"table-row":
                row, n_rows, col = next_row, n, 0
                next_row += n
            else:
                start, col = col, col + n
                if not empty:  # a cell with content: the area reaches it, on every repeat of its row
                    rows, cols = max(rows, row + n_rows), max(cols, start + n)
                    end = events[k + 1].start() if k + 1 < len(events) else len(chunk)
                    text += (end - m.end()) * n * n_rows
                    if k + 1 == len(events):
                        pending = n * n_rows
            check()
        check()
