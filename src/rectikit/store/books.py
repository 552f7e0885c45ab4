"""Workbooks that go out and come back: task sheets sent to units, review
files handed to staff.

Each carries, on a very hidden sheet, the workspace it came from, what kind
of book it is, and a token the ledger remembers together with every item it
carried and a digest of that item's fixed text. When it comes back, a book
from another workspace, of another kind, never sent, or a row whose 编号 is
not one the book carried (or was moved to another row's text) is refused —
a returned workbook proves where it came from.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from rectikit.base.fsutil import sha256_file
from rectikit.base.problems import ERROR, At, Issue, Report
from rectikit.files.cells import IDENTITY_SHEET

KINDS = {
    "dispatch": "交办表",
    "investigation": "调查表",
    "callback": "回访表",
    "frame": "样本框名单",
    "classify-review": "分类审核表",
    "dedupe-review": "合并审核表",
    "assign-review": "责任分解表",
    "survey": "摸底调查表",
}
_LABELS = (
    ("工作区", "workspace"),
    ("类型", "kind"),
    ("标识", "token"),
    ("单位", "unit"),
    ("批次", "batch"),
    ("轮次", "round"),
    ("生成时间", "created_at"),
)


def digest(item_id: int, text: str | None) -> str:
    """A short fingerprint of an item's fixed cells as sent."""
    return hashlib.sha256(f"{item_id}\x1f{(text or '').strip()}".encode()).hexdigest()[:16]


@dataclass
class Book:
    token: str
    kind: str
    unit: str | None
    batch: str | None
    round: int
    created_at: str
    items: dict[int, str]  # item id -> digest
    id: int = 0
    event_mark: int = 0  # the newest event when it was sent: events after it are news to the book
    roles: dict[int, str] | None = None  # item id -> 牵头 / 配合, as sent (None for books from before)
    run: str | None = None  # the books written by one command (one callback round)

    def role(self, item_id: int) -> str | None:
        return (self.roles or {}).get(item_id)

    def identity(self, workspace_id: str) -> list[tuple[str, str]]:
        """The hidden sheet's rows."""
        values = {
            "workspace": workspace_id,
            "kind": self.kind,
            "token": self.token,
            "unit": self.unit or "",
            "batch": self.batch or "",
            "round": str(self.round),
            "created_at": self.created_at,
        }
        return [(label, values[key]) for label, key in _LABELS]


def workspace_id(led) -> str:
    return led.conn.execute("SELECT value FROM meta WHERE key='workspace_id'").fetchone()[0]


def register(
    led,
    kind: str,
    items: dict[int, str | None],
    *,
    unit: str | None = None,
    batch: str | None = None,
    roles: dict[int, str] | None = None,
    run: str | None = None,
    reply_by: str | None = None,
) -> Book:
    """Remember a book about to be written (call inside a transaction); ``items`` maps id -> fixed text,
    ``roles`` what the unit is asked to do for each, ``run`` names the command's set of books,
    ``reply_by`` the day it is asked back by (ISO)."""
    from rectikit.base import clock
    from rectikit.store.items import last_event
    from rectikit.store.ledger import now

    rnd = 1 + led.conn.execute("SELECT COUNT(*) FROM sent_books WHERE kind=? AND unit IS ?", (kind, unit)).fetchone()[0]
    book = Book(
        secrets.token_hex(8),
        kind,
        unit,
        batch,
        rnd,
        now(),
        {i: digest(i, t) for i, t in items.items()},
        event_mark=last_event(led),
        roles=roles,
        run=run,
    )
    cur = led.conn.execute(
        "INSERT INTO sent_books(token, kind, unit, batch, round, created_at, items, event_mark, roles, run, sent_on,"
        " reply_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            book.token,
            kind,
            unit,
            batch,
            rnd,
            book.created_at,
            json.dumps(book.items),
            book.event_mark,
            json.dumps(roles, ensure_ascii=False) if roles else None,
            run,
            clock.today().isoformat(),
            reply_by,
        ),
    )
    book.id = cur.lastrowid
    led.record(
        "send",
        "book",
        book.token,
        detail={"kind": kind, "unit": unit, "batch": batch, "round": rnd, "items": len(items)},
    )
    return book


def new_run() -> str:
    """A name for the books one command writes together (one callback round is one run)."""
    return secrets.token_hex(6)


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
    except (OSError, zipfile.BadZipFile, KeyError):
        return False


def identity_rows(tag: dict[str, str]) -> list[tuple[str, str]]:
    """A received book's identity as its hidden sheet holds it, for writing it back unchanged."""
    return [(label, tag.get(label, "")) for label, _key in _LABELS]


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


@dataclass
class Outgoing:
    """A workbook about to go out: what kind of book, the items it carries (id -> fixed text) and the
    role asked of the unit for each, to whom, where it should go, and the table to write there (the
    keyword arguments of :func:`rectikit.files.xlsxout.write_table`, without path and identity)."""

    kind: str
    items: dict[int, str | None]
    path: Path
    table: dict
    unit: str | None = None
    batch: str | None = None
    roles: dict[int, str] | None = None
    reply_by: str | None = None  # ISO day the unit is asked to return it by


@dataclass
class Sent:
    """What :func:`send` did: the books, where each went, and the filled copies it left alone."""

    books: list[Book]
    paths: list[Path]
    kept: dict[str, str]  # the path a book was meant for -> where it went instead


def send(led, jobs: list[Outgoing]) -> Sent:
    """The one way a workbook goes out: every book registered (one run, the newest event marked), each
    written beside a file someone may have filled (:func:`free_path`), with its identity on a very hidden
    sheet, marked 内部资料 (it carries citizens' words), and its fingerprint kept — all in one transaction: if one file cannot be written, the ledger
    forgets them all. Many rows are written in two processes (``write_tables``)."""
    from rectikit.files.xlsxout import write_tables

    run = new_run()
    with led.transaction():
        wid = workspace_id(led)
        made, targets, kept = [], [], {}
        for job in jobs:
            book = register(
                led,
                job.kind,
                job.items,
                unit=job.unit,
                batch=job.batch,
                roles=job.roles,
                run=run,
                reply_by=job.reply_by,
            )
            target = free_path(led, Path(job.path))
            if target != Path(job.path):
                kept[str(job.path)] = str(target)
            made.append(book)
            targets.append(dict(job.table, path=target, identity=book.identity(wid), internal=True))
        paths = write_tables(targets)
        for book, path in zip(made, paths):
            remember_file(led, book, path)
    return Sent(made, [Path(p) for p in paths], kept)


def free_path(led, path: Path) -> Path:
    """Where to write a workbook meant for ``path``: there when nothing is there or what is there is a
    copy rectikit wrote and nobody changed; else beside it (名称（第2版）.xlsx …), so a sheet a unit or a
    colleague may have filled is never written over."""
    path = Path(path)
    if (
        not path.exists()
        or led.conn.execute("SELECT 1 FROM sent_books WHERE file_sha=?", (sha256_file(path),)).fetchone()
    ):
        return path
    k = 2
    while (beside := path.with_name(f"{path.stem}（第{k}版）{path.suffix}")).exists():
        k += 1
    return beside


def remember_file(led, book: Book, path: Path) -> None:
    """Keep the fingerprint of the file a book was written to (inside the transaction that registered it)."""
    led.conn.execute("UPDATE sent_books SET file_sha=? WHERE id=?", (sha256_file(Path(path)), book.id))


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
