"""Read spreadsheet files into rows of Python values, defensively.

Files come from outside (region platforms, hotline systems, other offices),
so before a parser sees a file we check what it really is and refuse the
dangerous kinds: an empty or truncated file, a non-spreadsheet renamed .xlsx,
a zip whose contents would unpack to gigabytes, or XML with a DOCTYPE (entity
expansion tricks). Every refusal is an :class:`InputFileError` in Chinese.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rectikit.base.errors import InputFileError

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_ZIP_MEMBERS = 10_000
MAX_RATIO = 200  # compression ratio of one large member beyond which it is a bomb
RATIO_FLOOR = 16 << 20  # members smaller than this are never judged by ratio


@dataclass
class Sheet:
    """One sheet's cells: ``rows[i][j]`` is Excel row i+1, column j+1."""

    name: str
    rows: list[list]


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


def check_zip(path: Path, max_unpacked_bytes: int) -> str:
    """Refuse zip bombs and XML with DOCTYPE; return 'xlsx' or 'ods'."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise InputFileError(f"{path.name} 文件已损坏或不完整（{e}），请重新获取原文件。") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise InputFileError(f"{path.name} 内部文件数异常（{len(infos)} 个），拒绝读取。")
        total = sum(i.file_size for i in infos)
        if total > max_unpacked_bytes:
            raise InputFileError(
                f"{path.name} 解压后将达 {total / 2**20:.0f} MB，超过上限 "
                f"{max_unpacked_bytes / 2**20:.0f} MB，疑似“压缩炸弹”，拒绝读取。"
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
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise InputFileError(f"{path.name} 文件已损坏或不完整（{e}），请重新获取原文件。") from None
    return kind


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode a CSV as UTF-8 (with or without BOM) or GB18030 (covers GBK)."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise InputFileError(f"{name} 的文字编码无法识别（不是 UTF-8 也不是 GBK/GB18030）。")


def _read_text_table(path: Path) -> Sheet:
    text, _enc = decode_text(path.read_bytes(), path.name)
    if "\x00" in text:
        raise InputFileError(f"{path.name} 含有二进制内容，不是文本表格。")
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    else:
        first = text[:4096].split("\n", 1)[0]
        delimiter = max(",\t;", key=first.count) if any(d in first for d in ",\t;") else ","
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return Sheet(name=path.stem, rows=rows)


def read_sheets(
    path: Path, sheet: str | None = None, *, max_unpacked_bytes: int = 2 << 30
) -> Iterator[Sheet]:
    """Yield the requested sheet, or every sheet when ``sheet == 'all'``.

    ``sheet=None`` yields every sheet too; the caller picks the first usable
    one, which spares the user from naming it in the common case.
    """
    path = Path(path)
    kind = _checked_kind(path, max_unpacked_bytes)
    if kind == "text":
        yield _read_text_table(path)
        return
    wb = _open_workbook(path)
    names = list(wb.sheet_names)
    if sheet not in (None, "all"):
        if sheet not in names:
            raise InputFileError(f"{path.name} 中没有名为“{sheet}”的工作表。现有工作表：{'、'.join(names)}")
        names = [sheet]
    for name in names:
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as e:  # calamine raises several unrelated types
            raise InputFileError(f"{path.name} 的工作表“{name}”无法读取：{e}") from None
        yield Sheet(name=name, rows=rows)


def _checked_kind(path: Path, max_unpacked_bytes: int) -> str:
    kind = sniff_format(path)
    if kind == "zip":
        kind = check_zip(path, max_unpacked_bytes)
    return kind


def _open_workbook(path: Path):
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise InputFileError(f"{Path(path).name} 设有打开密码，请先在 Excel/WPS 中取消密码。") from None
    except Exception as e:
        raise InputFileError(f"{Path(path).name} 文件已损坏或不是有效表格（{e}）。") from None


def as_int(v) -> int | None:
    """A whole number from a cell (12, 12.0, "12"), or None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, float):
        return int(v) if v.is_integer() else None
    if isinstance(v, int):
        return v
    try:
        return int(str(v).strip())
    except ValueError:
        return None


@dataclass
class HeadedTable:
    """A sheet whose first row is its header: the shape of every rule table
    and review file rectikit reads back."""

    file: str
    sheet: str
    header: list[str]
    rows: list[list]  # data rows; rows[k] is Excel row k + 2

    def cell(self, row: list, name: str | None):
        j = self.header.index(name) if name in self.header else None
        return row[j] if j is not None and j < len(row) else ""

    def text(self, row: list, name: str | None) -> str:
        return str(self.cell(row, name)).strip()

    def records(self) -> Iterator[tuple[int, list]]:
        """(Excel row number, cells) for every row that is not blank."""
        for k, row in enumerate(self.rows, start=2):
            if any(str(v).strip() for v in row):
                yield k, row


def read_table(path: Path, required: Sequence[str], *, sheet: str | None = None, what: str = "表格",
               hint: str = "") -> HeadedTable:
    """The named sheet (else the first) with its header; a missing required
    column is reported with file, sheet and column, and stops the work."""
    from rectikit.base.errors import InvalidDataError
    from rectikit.base.problems import ERROR, Issue, Report

    path = Path(path)
    sheets = list(read_sheets(path, None))
    chosen = next((s for s in sheets if s.name == sheet), sheets[0] if sheets else None)
    if chosen is None or not chosen.rows:
        raise InvalidDataError(f"{what} {path.name} 是空的。")
    header = [str(h).strip() for h in chosen.rows[0]]
    report = Report()
    for col in required:
        if col not in header:
            report.add(Issue("missing-column", f"缺少“{col}”列。{hint}", ERROR, file=path.name, sheet=chosen.name,
                             row=1, column=col))
    if report.errors:
        raise InvalidDataError(f"{what} {path.name} 格式不对。", report=report)
    return HeadedTable(path.name, chosen.name, header, chosen.rows[1:])
