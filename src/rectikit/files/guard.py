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

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rectikit.base.errors import InputFileError
from rectikit.base.fsutil import INFLATE_ERRORS
from rectikit.files.guardods import check_ods
from rectikit.files.guardparts import HINT, part_key, too_large
from rectikit.files.guardsheets import check_xlsx_sheets
from rectikit.files.guardstrings import check_shared_strings

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

ZIP_MAGIC = b"PK\x03\x04"

MAX_ZIP_MEMBERS = 10_000

MAX_RATIO = 100  # compression ratio of one large member beyond which it is a bomb (real sheets: 5–20)

RATIO_FLOOR = 16 << 20  # members smaller than this are never judged by ratio


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
        _check_declared_areas(book, path.name, limits.max_cells)  # what calamine reserves, beyond what is there


BIFF_ROWS, BIFF_COLUMNS = 65_536, 256  # the most any .xls sheet can hold


def _check_declared_areas(book, file: str, max_cells: int) -> None:
    """Refuse a workbook whose DIMENSIONS records declare more than an .xls sheet can hold, or more cells
    over all sheets than ``max_cells`` (the absolute cap, 50 million by default).

    calamine sets aside room for every cell a sheet's DIMENSIONS records declare before it reads one (a
    5 KB file declaring a million rows by 16,384 columns made it ask for 655 GB and abort); xlrd keeps
    only the last such record and counts real cells. So each sheet's records are walked as calamine
    walks them, from the sheet's start to its EOF, and the area computed as it computes it. A writer
    that declares every sheet at the format's full size (65,536 x 256) is still read."""
    import struct

    mem = book.mem
    total = 0
    for start in book._sh_abs_posn:  # where each sheet's records begin (xlrd keeps no public name for it)
        pos, largest = start, 0
        while pos + 4 <= len(mem):
            kind, size = struct.unpack_from("<HH", mem, pos)
            if kind == 0x000A:  # EOF
                break
            if kind == 0x0200 and size in (10, 14):  # DIMENSIONS, BIFF5 or BIFF8
                fmt = "<HHHH" if size == 10 else "<IIHH"
                first_row, end_row, first_col, end_col = struct.unpack_from(fmt, mem, pos + 4)
                first_col = 0 if first_col > 0xFF or end_col < first_col else first_col
                rows, cols = ((end_row - first_row) % 2**32, end_col - first_col) if end_row and end_col else (1, 1)
                if rows > BIFF_ROWS or cols > BIFF_COLUMNS:
                    raise InputFileError(
                        f"{file} 的工作表声明了 {rows:,} 行 × {cols:,} 列，超出 .xls 格式本身的上限"
                        f"（{BIFF_ROWS:,} 行 × {BIFF_COLUMNS} 列），疑似构造的异常文件，拒绝读取。"
                    )
                largest = max(largest, rows * cols)
            pos += 4 + size
        total += largest
        if total > max_cells:
            raise too_large(file, "", "各工作表声明的使用区域（单元格）", total, max_cells, "max_cells")


# What reading a damaged package raises: its directory, its members' streams, their XML.
_DAMAGED: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,  # a compression method zipfile does not know
    *INFLATE_ERRORS,
)


def check_zip(
    path: Path, limits: Limits | int = Limits(), *, package_passed: Callable[[str], object] | None = None
) -> str:
    """Refuse zip bombs, XML with DOCTYPE and sheets too large to lay out; return 'xlsx' or 'ods'.

    ``package_passed(kind)`` is called once the package itself has passed (its members, their sizes and
    ratios, no DOCTYPE, shared strings calamine can hold) and before its sheets are measured: a reader may
    start opening it meanwhile."""
    if isinstance(limits, int):
        limits = Limits(max_unpacked_bytes=limits)
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except _DAMAGED as e:
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
        if any(i.flag_bits & 0x1 for i in infos):  # zip encryption: Excel's own passwords make an OLE file instead
            raise InputFileError(f"{path.name} 是加密的压缩包，请先解除密码（或用 Excel/WPS 另存为 .xlsx）再导入。")
        names = {i.filename for i in infos}
        if len({part_key(n) for n in names}) != len(infos):
            # readers differ on which of two same-named parts they take: the guard could measure the other
            raise InputFileError(f"{path.name} 内有重名的文件（只差大小写或斜杠也算），正常表格不会有，拒绝读取。")
        if "mimetype" in names:
            kind = "ods"
        elif "[Content_Types].xml" in names:
            kind = "xlsx"
            if path.suffix.lower() == ".xlsb" or any(n.lower().endswith("workbook.bin") for n in names):
                # calamine reads its binary sheets by their own records, which the guard does not measure
                raise InputFileError(
                    f"{path.name} 是 Excel 二进制工作簿（.xlsb），不能直接读取，请用 Excel 或 WPS 另存为 .xlsx 再导入。"
                )
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
            strings = check_shared_strings(zf, path.name, allowed[0]) if kind == "xlsx" else None  # before calamine
            if package_passed:
                package_passed(kind)
            if strings is not None:
                check_xlsx_sheets(zf, path.name, *allowed, strings)
            elif "content.xml" in names:
                check_ods(zf, path.name, *allowed)
        except _DAMAGED as e:
            raise InputFileError(f"{path.name} 文件已损坏或不完整（{e}），请重新获取原文件。") from None
    return kind
