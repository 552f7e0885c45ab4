"""The ledger (台账): one SQLite file per workspace.

Why SQLite in WAL mode: readers never block the writer, a crash or a killed
process leaves the last committed state, and the file is one thing an office
can copy or back up.  Every change goes through :meth:`Ledger.transaction`,
which takes the write lock up front (``BEGIN IMMEDIATE``) so two processes
never interleave, and writes a row to the append-only ``history`` table.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import os
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from rectikit.base.errors import LedgerBusyError, WorkspaceError

BUSY_TIMEOUT_S = float(os.environ.get("RECTIKIT_BUSY_TIMEOUT", "5"))

# Each migration is (version, name, statements).  Statements run one by one
# inside one transaction: sqlite3's executescript would commit half-way.
MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "batches, files, raw and working items, units, layouts, history",
        [
            """CREATE TABLE batches(
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL)""",
            """CREATE TABLE source_files(
                id INTEGER PRIMARY KEY,
                batch_id INTEGER NOT NULL REFERENCES batches(id),
                file_name TEXT NOT NULL,
                file_path TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                sheet TEXT NOT NULL,
                header_row INTEGER NOT NULL,
                headers TEXT NOT NULL,
                mapping TEXT NOT NULL,
                row_count INTEGER NOT NULL,
                imported_at TEXT NOT NULL,
                UNIQUE(sha256, sheet))""",
            """CREATE TABLE items(
                id INTEGER PRIMARY KEY,
                batch_id INTEGER NOT NULL REFERENCES batches(id),
                seq TEXT,
                title TEXT,
                text TEXT NOT NULL,
                county TEXT,
                township TEXT,
                village TEXT,
                source TEXT,
                received_on TEXT,
                contact_name TEXT,
                contact_phone TEXT,
                category_given TEXT)""",
            "CREATE INDEX items_batch ON items(batch_id)",
            """CREATE TABLE raw_items(
                id INTEGER PRIMARY KEY,
                file_id INTEGER NOT NULL REFERENCES source_files(id),
                row_number INTEGER NOT NULL,
                cells TEXT NOT NULL,
                item_id INTEGER NOT NULL REFERENCES items(id),
                UNIQUE(file_id, row_number))""",
            "CREATE INDEX raw_items_item ON raw_items(item_id)",
            """CREATE TABLE units(
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                short_names TEXT,
                level TEXT,
                leader TEXT,
                contact TEXT,
                phone TEXT)""",
            """CREATE TABLE layouts(
                signature TEXT PRIMARY KEY,
                mapping TEXT NOT NULL,
                updated_at TEXT NOT NULL)""",
            """CREATE TABLE history(
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                command TEXT NOT NULL,
                action TEXT NOT NULL,
                entity TEXT NOT NULL,
                entity_id TEXT,
                field TEXT,
                old TEXT,
                new TEXT,
                detail TEXT)""",
            """CREATE TRIGGER history_no_update BEFORE UPDATE ON history
                BEGIN SELECT RAISE(ABORT, 'history is append-only'); END""",
            """CREATE TRIGGER history_no_delete BEFORE DELETE ON history
                BEGIN SELECT RAISE(ABORT, 'history is append-only'); END""",
        ],
    ),
]

MIGRATIONS.append(
    (
        2,
        "merging: merged_into, repeat_of, home items of raw items, pairs people kept apart",
        [
            "ALTER TABLE items ADD COLUMN merged_into INTEGER REFERENCES items(id)",
            "ALTER TABLE items ADD COLUMN repeat_of INTEGER REFERENCES items(id)",
            "ALTER TABLE items ADD COLUMN repeat_score REAL",
            "CREATE INDEX items_merged_into ON items(merged_into)",
            "ALTER TABLE raw_items ADD COLUMN home_item_id INTEGER REFERENCES items(id)",
            "UPDATE raw_items SET home_item_id = item_id",
            """CREATE TABLE not_duplicates(
                item_a INTEGER NOT NULL REFERENCES items(id),
                item_b INTEGER NOT NULL REFERENCES items(id),
                at TEXT NOT NULL,
                PRIMARY KEY(item_a, item_b),
                CHECK(item_a < item_b))""",
        ],
    )
)

MIGRATIONS.append(
    (
        3,
        "classification: category, disposition, key task, each with its source",
        [
            "ALTER TABLE items ADD COLUMN category TEXT",
            "ALTER TABLE items ADD COLUMN category_source TEXT",
            "ALTER TABLE items ADD COLUMN category_confidence REAL",
            "ALTER TABLE items ADD COLUMN category_basis TEXT",
            "ALTER TABLE items ADD COLUMN disposition TEXT",
            "ALTER TABLE items ADD COLUMN disposition_source TEXT",
            "ALTER TABLE items ADD COLUMN is_key_task INTEGER",
            "ALTER TABLE items ADD COLUMN key_task_source TEXT",
        ],
    )
)

MIGRATIONS.append(
    (
        4,
        "assignment: units, leader, person, deadline, measures, goal, the rule that made it",
        [
            "ALTER TABLE items ADD COLUMN lead_unit TEXT",
            "ALTER TABLE items ADD COLUMN co_units TEXT",
            "ALTER TABLE items ADD COLUMN leader TEXT",
            "ALTER TABLE items ADD COLUMN person TEXT",
            "ALTER TABLE items ADD COLUMN deadline TEXT",
            "ALTER TABLE items ADD COLUMN deadline_text TEXT",
            "ALTER TABLE items ADD COLUMN long_term INTEGER",
            "ALTER TABLE items ADD COLUMN measures TEXT",
            "ALTER TABLE items ADD COLUMN goal TEXT",
            "ALTER TABLE items ADD COLUMN assign_rule TEXT",
            "ALTER TABLE items ADD COLUMN assign_source TEXT",
        ],
    )
)

MIGRATIONS.append(
    (
        5,
        "raw cells kept once per imported sheet, not per row; merged_into indexed only where set",
        [
            # A JSON object {"row number": [cells]}: one value per sheet instead of 100k
            # small ones made a 100k-row import ~0.2 s faster and the ledger smaller.
            "ALTER TABLE source_files ADD COLUMN rows TEXT",
            "UPDATE source_files SET rows = (SELECT json_group_object(r.row_number, json(r.cells))"
            " FROM raw_items r WHERE r.file_id = source_files.id)",
            "ALTER TABLE raw_items DROP COLUMN cells",
            # Nearly every item is unmerged: a partial index costs imports nothing.
            "DROP INDEX items_merged_into",
            "CREATE INDEX items_merged_into ON items(merged_into) WHERE merged_into IS NOT NULL",
        ],
    )
)

MIGRATIONS.append(
    (
        6,
        "each item carries the file and row it was imported from; raw_items folded into items",
        [
            # Every spreadsheet row becomes exactly one item at import, so the
            # row-to-item table only repeated items: dropping it took a third
            # off the per-row cost of an import. An item stands for its own
            # row plus the rows of the items merged into it (merged_into kept flat).
            "ALTER TABLE items ADD COLUMN file_id INTEGER REFERENCES source_files(id)",
            "ALTER TABLE items ADD COLUMN row_number INTEGER",
            "UPDATE items SET (file_id, row_number) = (SELECT r.file_id, r.row_number FROM raw_items r"
            " WHERE r.home_item_id = items.id)",
            "UPDATE items SET merged_into = (SELECT NULLIF(r.item_id, items.id) FROM raw_items r"
            " WHERE r.home_item_id = items.id) WHERE merged_into IS NOT NULL",
            "DROP TABLE raw_items",
        ],
    )
)

MIGRATIONS.append(
    (
        7,
        "imported files kept byte for byte",
        [
            # The original file is the most faithful record of every cell, and
            # one blob (5 MB for 100k rows) writes far faster than the cells as
            # JSON (20 MB). Ledgers from before keep theirs in source_files.rows.
            "CREATE TABLE source_blobs(sha256 TEXT PRIMARY KEY, content BLOB NOT NULL)",
        ],
    )
)

MIGRATIONS.append(
    (
        8,
        "tracking: progress, results, completion date and evidence reported by units; close-out",
        [
            "ALTER TABLE items ADD COLUMN progress TEXT",
            "ALTER TABLE items ADD COLUMN result TEXT",
            "ALTER TABLE items ADD COLUMN done_on TEXT",
            "ALTER TABLE items ADD COLUMN evidence TEXT",
            "ALTER TABLE items ADD COLUMN reported_at TEXT",
            "ALTER TABLE items ADD COLUMN closed INTEGER",
            "ALTER TABLE items ADD COLUMN closed_on TEXT",
        ],
    )
)

SCHEMA_VERSION = MIGRATIONS[-1][0]


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _actor() -> str:
    try:
        return os.environ.get("RECTIKIT_USER") or getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def _command_line() -> str:
    return " ".join(["rectikit", *sys.argv[1:]]) if sys.argv and sys.argv[0] else "rectikit"


class Ledger:
    """A connection to one workspace ledger."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self.command = _command_line()
        self.actor = _actor()

    @classmethod
    def open(cls, path: Path) -> "Ledger":
        try:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as e:
            raise WorkspaceError(f"无法打开台账数据库 {path}：{e}") from None
        conn.row_factory = sqlite3.Row
        led = cls(conn, Path(path))
        try:
            # Only takes effect on a new, empty file. 64 KiB pages made bulk
            # imports of 100k rows ~30% faster than the 4 KiB default.
            conn.execute("PRAGMA page_size=65536")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            led._migrate()
        except sqlite3.DatabaseError as e:
            conn.close()
            if "locked" in str(e):
                raise LedgerBusyError(_busy_message(path)) from None
            raise WorkspaceError(f"台账数据库 {path} 已损坏或不是 rectikit 台账：{e}") from None
        return led

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema ---------------------------------------------------------
    def schema_version(self) -> int:
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
        ).fetchone()
        if not exists:
            return 0
        return self.conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]

    def _migrate(self) -> None:
        if self.schema_version() == SCHEMA_VERSION:
            return
        with self._write_lock():
            current = self.schema_version()  # re-read under the lock
            if current > SCHEMA_VERSION:
                raise WorkspaceError(
                    f"台账由更新版本的 rectikit 创建（结构版本 {current}），请升级 rectikit。"
                )
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            for version, name, statements in MIGRATIONS:
                if version <= current:
                    continue
                for sql in statements:
                    self.conn.execute(sql)
                self.conn.execute(
                    "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?,?,?)",
                    (version, name, now()),
                )

    # -- transactions ---------------------------------------------------
    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[sqlite3.Connection]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            if "locked" in str(e) or "busy" in str(e):
                raise LedgerBusyError(_busy_message(self.path)) from None
            raise
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def transaction(self, *, check_foreign_keys: bool = True) -> Iterator[sqlite3.Connection]:
        """All or nothing: the changes made inside commit together or not at all.

        ``check_foreign_keys=False`` is for bulk inserts whose ids the caller
        assigns itself in this same transaction: the per-row checks made a
        100k-row import 0.5 s slower. Tests run ``PRAGMA foreign_key_check``
        after such writes.
        """
        if not check_foreign_keys:
            self.conn.execute("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction
        try:
            with self._write_lock() as conn:
                yield conn
        finally:
            if not check_foreign_keys:
                self.conn.execute("PRAGMA foreign_keys=ON")

    def record(
        self,
        action: str,
        entity: str,
        entity_id=None,
        *,
        field: str | None = None,
        old=None,
        new=None,
        detail: dict | None = None,
    ) -> None:
        """Append one row to the history; call inside :meth:`transaction`."""
        self.conn.execute(
            "INSERT INTO history(at, actor, command, action, entity, entity_id, field, old, new, detail)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                now(),
                self.actor,
                self.command,
                action,
                entity,
                None if entity_id is None else str(entity_id),
                field,
                None if old is None else str(old),
                None if new is None else str(new),
                json.dumps(detail, ensure_ascii=False) if detail else None,
            ),
        )

    # -- small shared queries --------------------------------------------
    def original_rows(self, item_id: int) -> list[dict]:
        """The spreadsheet rows an item stands for, every cell as imported, with file, sheet and row number."""
        rows = self.conn.execute(
            "SELECT f.file_name, f.sheet, f.sha256, m.row_number, json_extract(f.rows, '$.\"' || m.row_number || '\"')"
            " FROM items m JOIN source_files f ON f.id = m.file_id WHERE m.id = ? OR m.merged_into = ? ORDER BY m.id",
            (item_id, item_id),
        ).fetchall()
        sheets: dict[tuple[str, str], list[list]] = {}
        out = []
        for name, sheet, sha, n, cells in rows:
            if cells is not None:  # imported before version 7
                values = json.loads(cells)
            else:
                if (sha, sheet) not in sheets:
                    sheets[sha, sheet] = self._original_sheet(sha, name, sheet)
                values = sheets[sha, sheet][n - 1]
            out.append({"file": name, "sheet": sheet, "sha256": sha, "row": n, "cells": values})
        return out

    def _original_sheet(self, sha: str, file_name: str, sheet: str) -> list[list]:
        import tempfile

        from rectikit.files.readers import read_sheets

        content, = self.conn.execute("SELECT content FROM source_blobs WHERE sha256 = ?", (sha,)).fetchone()
        with tempfile.TemporaryDirectory() as d:
            copy = Path(d) / ("original" + Path(file_name).suffix.lower())
            copy.write_bytes(content)
            return next(iter(read_sheets(copy, sheet))).rows  # a CSV's one sheet, whatever its name

    def working_items(self, batches: Sequence[str] = (), *, key_only: bool = False) -> list[dict]:
        """Items not merged into another, with their batch and how many raw
        items they stand for; ``key_only`` keeps key tasks (and items not yet
        triaged). An unknown batch name is a usage error."""
        from rectikit.base.errors import UsageError

        sql = ("SELECT i.*, b.name AS batch, 1 + (SELECT COUNT(*) FROM items m WHERE m.merged_into=i.id) AS raw_count"
               " FROM items i JOIN batches b ON b.id=i.batch_id WHERE i.merged_into IS NULL")
        for name in batches:
            if self.batch_id(name) is None:
                raise UsageError(f"台账中没有批次“{name}”。")
        if batches:
            sql += f" AND b.name IN ({','.join('?' * len(batches))})"
        if key_only:
            sql += " AND COALESCE(i.is_key_task, 1) = 1"
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY b.id, i.id", tuple(batches))]

    def batch_id(self, name: str, *, create: bool = False) -> int | None:
        row = self.conn.execute("SELECT id FROM batches WHERE name=?", (name,)).fetchone()
        if row:
            return row[0]
        if not create:
            return None
        cur = self.conn.execute("INSERT INTO batches(name, created_at) VALUES (?,?)", (name, now()))
        self.record("create", "batch", cur.lastrowid, new=name)
        return cur.lastrowid


def _busy_message(path: Path) -> str:
    return (
        f"台账 {path} 正被另一个 rectikit 进程写入，等待 {BUSY_TIMEOUT_S:g} 秒后仍未释放。"
        "请稍后再试；若确认没有其他程序在运行，可重新执行本命令。"
    )
