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

LABELS = (
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
        return [(label, values[key]) for label, key in LABELS]


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
