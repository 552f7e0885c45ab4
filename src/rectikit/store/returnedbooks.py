"""Workbooks coming back (报回): read safely, recognised by the identity sheet they were sent with, each row
checked against the book as it was sent (its items, their fixed text, the unit's role) and against the
ledger (what happened since it was sent); returns of several rounds taken oldest first."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from rectikit.base.problems import ERROR, At, Issue, Report
from rectikit.files.cells import IDENTITY_SHEET
from rectikit.store.books import KINDS, LABELS, Book, digest, workspace_id
from rectikit.text.dates import parse_date

MAX_RETURNED_SHEETS = 20  # what rectikit sends has at most four (the table, 说明, 选项, the identity)


@dataclass
class Returned:
    """A workbook that came back, read once: every sheet, and what its identity sheet says (``tag``,
    None when it has none). Whoever takes it back — the router, the step, the row checks — reads
    these, never the file again. ``error`` is why it could not be read at all."""

    path: Path
    sheets: list
    tag: dict[str, str] | None = None
    error: Exception | None = None

    @property
    def name(self) -> str:
        return self.path.name

    def __fspath__(self) -> str:  # Path(returned) is its file, for messages and names
        return str(self.path)

    @property
    def kind(self) -> str | None:
        return (self.tag or {}).get("类型")

    def table(self, required, *, sheet: str, what: str, hint: str = ""):
        """The data sheet by its header (:func:`rectikit.files.readers.headed`); an unreadable file raises."""
        from rectikit.files.readers import headed

        if self.error is not None:
            raise self.error
        return headed(
            self.name, [s for s in self.sheets if s.name != IDENTITY_SHEET], required, sheet=sheet, what=what, hint=hint
        )


def read_returned(path) -> Returned:
    """Open a returned workbook once (guarded like any input) and keep every sheet; a file that cannot be
    read is kept with its error, for whoever takes it to report. Already read: as it is."""
    from rectikit.base.errors import InputFileError
    from rectikit.files.readers import read_sheets

    if isinstance(path, Returned):
        return path
    path = Path(path)
    sheets = []
    try:
        for sheet in read_sheets(path, "all"):  # sheet by sheet: a crafted book of thousands stops early
            sheets.append(sheet)
            if len(sheets) > MAX_RETURNED_SHEETS:
                raise InputFileError(
                    f"{path.name} 有 {MAX_RETURNED_SHEETS} 个以上的工作表，不是 rectikit 发出的表格"
                    "（发出的表只有几个工作表），拒绝读取。"
                )
    except InputFileError as e:
        return Returned(path, [], None, e)
    ident = next((s for s in sheets if s.name == IDENTITY_SHEET), None)
    tag = {str(r[0]).strip(): str(r[1]).strip() for r in ident.rows if len(r) >= 2} if ident else None
    return Returned(path, sheets, tag)


def carries_identity(path: Path) -> bool:
    """Whether a workbook is one some rectikit sent out (it has the identity sheet): read from the workbook
    part's sheet list only, so an ordinary import pays nothing for asking."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            book = next((i for i in z.infolist() if i.filename.lower() == "xl/workbook.xml"), None)
            if book is None or book.file_size > 16 << 20:  # a workbook part that large is the guard's to refuse
                return False
            with z.open(book) as part:
                return f'name="{IDENTITY_SHEET}"'.encode() in part.read(16 << 20)
    except Exception:  # encrypted, damaged, an unknown method: not ours, and the guard says what it is
        return False


def identity_rows(tag: dict[str, str]) -> list[tuple[str, str]]:
    """A received book's identity as its hidden sheet holds it, for writing it back unchanged."""
    return [(label, tag.get(label, "")) for label, _key in LABELS]


def sent_order(led, ret: Returned) -> int:
    """When the book a returned workbook came from was sent (the ledger's order of books; 0 when
    unknown): older rounds are taken back before newer ones."""
    row = led.conn.execute("SELECT id FROM sent_books WHERE token=?", ((ret.tag or {}).get("标识", ""),)).fetchone()
    return row[0] if row else 0


def identify(led, ret: Returned, kind: str, report: Report) -> Book | None:
    """The book a returned workbook was sent as; problems go to ``report``."""
    name = ret.name
    what = KINDS[kind]
    tag = ret.tag
    if tag is None:
        report.add(
            Issue(
                "no-identity",
                f"不是本工作区生成的{what}（缺少 rectikit 标识），请使用 rectikit 生成的原表填写后报回。",
                ERROR,
                file=name,
            )
        )
        return None
    if tag.get("工作区") != workspace_id(led):
        report.add(
            Issue(
                "other-workspace",
                f"这份{what}来自另一个工作区，不能导入本工作区。",
                ERROR,
                file=name,
                sheet=IDENTITY_SHEET,
            )
        )
        return None
    row = led.conn.execute("SELECT * FROM sent_books WHERE token=?", (tag.get("标识", ""),)).fetchone()
    if row is None or row["kind"] != kind:
        found = KINDS.get(row["kind"], row["kind"]) if row else "未知"
        report.add(
            Issue(
                "unknown-book",
                f"不是本工作区发出的{what}（标识不符，类型：{found}）。",
                ERROR,
                file=name,
                sheet=IDENTITY_SHEET,
            )
        )
        return None
    return Book(
        row["token"],
        row["kind"],
        row["unit"],
        row["batch"],
        row["round"],
        row["created_at"],
        {int(k): v for k, v in json.loads(row["items"]).items()},
        row["id"],
        row["event_mark"] or 0,
        {int(k): v for k, v in json.loads(row["roles"]).items()} if row["roles"] else None,
        row["run"],
    )


def check_row(book: Book, item_id: int, text: str | None, where: At, report: Report) -> bool:
    """Whether a returned row is one the book carried, unchanged in its fixed cells."""
    if item_id not in book.items:
        owner = f"（本表是发给{book.unit}的）" if book.unit else ""
        report.add(
            Issue(
                "not-in-book",
                f"编号 {item_id} 不在这份{KINDS[book.kind]}中{owner}，不能导入。",
                ERROR,
                column="编号",
                value=str(item_id),
                **where,
            )
        )
        return False
    if text is not None and digest(item_id, text) != book.items[item_id]:
        report.add(
            Issue(
                "row-changed",
                f"编号 {item_id} 与本行的意见建议内容不符（编号或内容被改动过），请按原表填写。",
                ERROR,
                column="编号",
                value=str(item_id),
                **where,
            )
        )
        return False
    return True


def returned(led, ret: Returned, kind: str, table, report: Report):
    """The book a returned review file was sent as, and a check for its rows:
    ``ok(row_number, item_id)`` says whether the row is one the book carried."""
    book = identify(led, ret, kind, report)

    def ok(r: int, item_id: int) -> bool:
        if book is None:
            return False
        row = table.row(r)
        text = table.text(row, "意见建议内容") if "意见建议内容" in table.header else None
        return check_row(book, item_id, text, dict(file=table.file, sheet=table.sheet, row=r), report)

    return book, ok


def returned_rows(led, files, kind: str, *, sheet: str, required: list[str], what: str, hint: str, report: Report):
    """Every row of returned workbooks of ``kind`` (paths, or workbooks already read) that its book
    carried, unchanged in 编号 and text: (table, book, Excel row number, cells, item id). Everything
    else is reported and left out."""
    from rectikit.files.readers import as_int

    for f in files:
        ret = read_returned(f)
        t = ret.table(required, sheet=sheet, what=what, hint=hint)
        book = identify(led, ret, kind, report)
        if book is None:
            continue
        for r, row in t.records():
            where = At(file=t.file, sheet=t.sheet, row=r)
            item_id = as_int(t.cell(row, "编号"))
            if item_id is None:
                report.add(Issue("bad-id", "编号应为整数。", ERROR, column="编号", value=t.text(row, "编号"), **where))
            elif check_row(book, item_id, t.text(row, "意见建议内容"), where, report):
                yield t, book, r, row, item_id


def returned_date(cell, written: str, column: str, today: dt.date, where: At, report: Report) -> str | None:
    """A date a unit or caller wrote in a returned row (完成时间, 回访时间), as ISO; None when it is not a
    date or comes after today, each said in the report."""
    day = parse_date(cell)
    if day is None:
        report.add(Issue("bad-date", f"{column}不是有效日期。", ERROR, column=column, value=written, **where))
        return None
    if day > today:
        report.add(
            Issue(
                "future-date",
                f"{column} {day.isoformat()} 晚于今天（{today.isoformat()}）。",
                ERROR,
                column=column,
                value=written,
                **where,
            )
        )
        return None
    return day.isoformat()
