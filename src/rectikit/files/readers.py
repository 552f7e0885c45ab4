"""Read spreadsheet files into rows of Python values, defensively.

Files come from outside (region platforms, hotline systems, other offices),
so before a parser sees a file :mod:`rectikit.files.guard` checks what it
really is and how much it would unpack to, and refuses the dangerous kinds.
Every refusal is an :class:`InputFileError` in Chinese.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rectikit.base.errors import InputFileError
from rectikit.base.gcpause import gc_paused
from rectikit.base.names import without_control
from rectikit.base.parallel import Background
from rectikit.files.guard import Limits, check_xls, check_zip, sniff_format
from rectikit.files.guardparts import too_large

# One CSV cell may be long (a whole letter pasted in); longer than this it is not a table.
MAX_CSV_FIELD = 16 << 20
csv.field_size_limit(MAX_CSV_FIELD)


@dataclass
class Sheet:
    """One sheet's cells: ``rows[i][j]`` is Excel row i+1, column j+1."""

    name: str
    rows: list[list]


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


def _read_text_table(path: Path, limits: Limits) -> Sheet:
    data = path.read_bytes()
    _, max_rows, _ = limits.allowed(len(data))
    lines = data.count(b"\n")
    if lines > max_rows:
        raise too_large(path.name, "", "行数", lines, max_rows, "rows_per_byte")
    text, _enc = decode_text(data, path.name)
    del data
    if "\x00" in text:
        raise InputFileError(f"{path.name} 含有二进制内容，不是文本表格。")
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    else:
        first = text[:4096].split("\n", 1)[0]
        delimiter = max(",\t;", key=first.count) if any(d in first for d in ",\t;") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [list(r) for r in reader]
    except csv.Error as e:
        raise InputFileError(
            f"{path.name} 第 {reader.line_num} 行无法按表格读取（{_csv_problem(e)}）。"
            "请用 Excel 或 WPS 打开检查后另存为 .xlsx 再导入。"
        ) from None
    return Sheet(name=path.stem, rows=rows)


def _csv_problem(e: csv.Error) -> str:
    text = str(e)
    if "field larger than field limit" in text:
        return f"单元格超过 {MAX_CSV_FIELD // 2**20} MB"
    if "new-line character seen in unquoted field" in text or "unexpected end of data" in text:
        return "引号或换行不配对"
    return "格式有误"


def read_sheets(path: Path, sheet: str | None = None, *, limits: Limits = Limits()) -> Iterator[Sheet]:
    """Yield the requested sheet, or every sheet when ``sheet == 'all'``.

    ``sheet=None`` yields every sheet too; the caller picks the first usable
    one, which spares the user from naming it in the common case.
    """
    path = Path(path)
    kind, opening = _checked_kind(path, limits)
    if kind == "text":
        yield _read_text_table(path, limits)
        return
    wb = opening.result() if opening else _open_workbook(path)
    names = list(wb.sheet_names)
    if sheet not in (None, "all"):
        if sheet not in names:
            raise InputFileError(f"{path.name} 中没有名为“{sheet}”的工作表。现有工作表：{'、'.join(names)}")
        names = [sheet]
    for name in names:
        try:
            with gc_paused():
                rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except BaseException as e:  # calamine raises several unrelated types
            if not _calamine_failed(e):
                raise
            raise InputFileError(f"{path.name} 的工作表“{name}”无法读取：{e}") from None
        yield Sheet(name=name, rows=rows)


def _checked_kind(path: Path, limits: Limits) -> tuple[str, Background | None]:
    """The file's kind once the guard has passed it, and an xlsx workbook being opened meanwhile.

    Calamine opens an xlsx (its shared strings, styles and sheet list; no sheet yet) without the GIL, so
    it does so in a thread once the package has passed, while the guard measures the sheets in Python:
    0.04 s of a 100k-row import. An ODS it reads whole as it opens, so that waits for the guard."""
    kind = sniff_format(path)
    opening: list[Background] = []

    def open_meanwhile(kind: str) -> None:
        if kind == "xlsx":
            opening.append(Background(lambda: _open_workbook(path)))

    if kind == "zip":
        try:
            kind = check_zip(path, limits, package_passed=open_meanwhile)
        except BaseException:
            for b in opening:  # nothing is left working on a refused file
                b.wait()
            raise
    elif kind == "xls":
        check_xls(path, limits)
    return kind, opening[0] if opening else None


def _open_workbook(path: Path):
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise InputFileError(f"{Path(path).name} 设有打开密码，请先在 Excel/WPS 中取消密码。") from None
    except BaseException as e:
        if not _calamine_failed(e):
            raise
        raise InputFileError(f"{Path(path).name} 文件已损坏或不是有效表格（{e}）。") from None


def _calamine_failed(e: BaseException) -> bool:
    """An error of the file, as calamine reports it: its own exceptions, or a Rust panic, which pyo3 raises
    as PanicException, a BaseException it gives no importable name (a MemoryError or Ctrl+C is not)."""
    return (isinstance(e, Exception) and not isinstance(e, MemoryError)) or type(e).__name__ == "PanicException"


def cell_text(v) -> str:
    """A cell as the person who typed it sees it: 13912345678 not 13912345678.0, 2020-12-01 not
    2020-12-01 00:00:00, 是/否 for a tick box, no surrounding spaces."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime) and v.time() == dt.time():
        return v.date().isoformat()
    if isinstance(v, (dt.date, dt.datetime, dt.time)):
        return v.isoformat()
    return str(v).strip()


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
    """A sheet read by its header row: the shape of every rule table and
    review file rectikit reads back (title lines above the header allowed)."""

    file: str
    sheet: str
    header: list[str]
    rows: list[list]  # data rows; rows[k] is Excel row first_row + k
    first_row: int = 2

    def cell(self, row: list, name: str | None):
        j = self.header.index(name) if name in self.header else None
        return row[j] if j is not None and j < len(row) else ""

    def text(self, row: list, name: str | None) -> str:
        """A cell as the person typed it, without the control characters text pasted from Word carries
        (they would break the workbooks and documents it goes into)."""
        return without_control(cell_text(self.cell(row, name)))

    def row(self, number: int) -> list:
        """The data row Excel shows as row ``number``."""
        return self.rows[number - self.first_row]

    def records(self) -> Iterator[tuple[int, list]]:
        """(Excel row number, cells) for every row that is not blank."""
        for k, row in enumerate(self.rows, start=self.first_row):
            if any(str(v).strip() for v in row):
                yield k, row


HEADER_SCAN = 8  # rows a header may sit below: a title, the unit, the date


def read_table(
    path: Path, required: Sequence[str], *, sheet: str | None = None, what: str = "表格", hint: str = ""
) -> HeadedTable:
    """The named sheet (else the first) with its header: see :func:`headed`."""
    path = Path(path)
    return headed(path.name, list(read_sheets(path, None)), required, sheet=sheet, what=what, hint=hint)


def headed(
    file: str,
    sheets: Sequence[Sheet],
    required: Sequence[str],
    *,
    sheet: str | None = None,
    what: str = "表格",
    hint: str = "",
) -> HeadedTable:
    """One of the sheets already read (the named one, else the first) with its header: the first of the
    top rows that holds every required column (else the first row). A missing required column is
    reported with file, sheet and column, and stops the work."""
    from rectikit.base.errors import InvalidDataError
    from rectikit.base.problems import ERROR, Issue, Report

    chosen = next((s for s in sheets if s.name == sheet), sheets[0] if sheets else None)
    if chosen is None or not chosen.rows:
        raise InvalidDataError(f"{what} {file} 是空的。")
    at = next(
        (
            k
            for k, r in enumerate(chosen.rows[:HEADER_SCAN])
            if required and set(required) <= {str(h).strip() for h in r}
        ),
        0,
    )
    header = [str(h).strip() for h in chosen.rows[at]]
    report = Report()
    for col in required:
        if col not in header:
            report.add(
                Issue(
                    "missing-column",
                    f"缺少“{col}”列。{hint}",
                    ERROR,
                    file=file,
                    sheet=chosen.name,
                    row=at + 1,
                    column=col,
                )
            )
    if report.errors:
        raise InvalidDataError(f"{what} {file} 格式不对。", report=report)
    return HeadedTable(file, chosen.name, header, chosen.rows[at + 1 :], at + 2)
