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
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Literal, overload

from rectikit.base.errors import LedgerBusyError, UsageError, WorkspaceError
from rectikit.base.jsontext import dumps
from rectikit.store.migrations import MIGRATIONS

BUSY_TIMEOUT_S = float(os.environ.get("RECTIKIT_BUSY_TIMEOUT", "5"))

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


def id_chunks(ids: Sequence[int], size: int = 900) -> Iterator[tuple[list[int], str]]:
    """The ids in parts small enough for one ``IN (…)`` each (sqlite's bound on parameters), with each
    part's placeholders."""
    ids = list(ids)
    for k in range(0, len(ids), size):
        part = ids[k : k + size]
        yield part, ",".join("?" * len(part))


def id_ranges(ids: Iterable[int]) -> str:
    """Ids as runs, "1-5,7,9-12": a run's history row names the items it touched in a few characters."""
    runs: list[list[int]] = []
    for i in sorted(ids):
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def new_id(cursor: sqlite3.Cursor) -> int:
    """The id SQLite gave the row an INSERT just made (set after every INSERT of one row)."""
    if cursor.lastrowid is None:
        raise RuntimeError("INSERT without a row id")
    return cursor.lastrowid


class Ledger:
    """A connection to one workspace ledger."""

    # Transactions committed by this process: the command line tells a user
    # whose command failed after a commit that the change was kept.
    commits = 0

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self.command = _command_line()
        self.actor = _actor()
        self._pending: list | None = None  # history rows of the open transaction
        self._stamp = ""

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
                raise WorkspaceError(f"台账由更新版本的 rectikit 创建（结构版本 {current}），请升级 rectikit。")
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
                    "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?,?,?)", (version, name, now())
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
        # History rows wait here and go in with one executemany before the
        # commit (800k single inserts were a third of a 100k-item assign);
        # they share the transaction's time: one command, one moment.
        self._pending, self._stamp = [], now()
        try:
            yield self.conn
            self._flush()
        except BaseException:
            self._pending = None
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
            Ledger.commits += 1
        finally:
            self._pending = None

    def _flush(self) -> None:
        if self._pending:
            self.conn.executemany(
                "INSERT INTO history(at, actor, command, action, entity, entity_id, field, old, new, detail)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                self._pending,
            )
        self._pending = []

    @contextlib.contextmanager
    def transaction(self, *, check_foreign_keys: bool = True) -> Iterator[sqlite3.Connection]:
        """All or nothing: the changes made inside commit together or not at all. Opened inside another
        transaction, it is part of that one.

        ``check_foreign_keys=False`` is for bulk inserts whose ids the caller
        assigns itself in this same transaction: the per-row checks made a
        100k-row import 0.5 s slower. Tests run ``PRAGMA foreign_key_check``
        after such writes.
        """
        if self._pending is not None:  # inside another transaction: part of it, all or nothing with it
            yield self.conn
            return
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
        """Append one row to the history; call inside :meth:`transaction` (it is written at the commit)."""
        row = (
            self._stamp if self._pending is not None else now(),
            self.actor,
            self.command,
            action,
            entity,
            None if entity_id is None else str(entity_id),
            field,
            None if old is None else str(old),
            None if new is None else str(new),
            dumps(detail) if detail else None,
        )
        if self._pending is None:
            self._pending = [row]  # outside a transaction: written at once
            self._flush()
            self._pending = None
        else:
            self._pending.append(row)

    def record_changes(self, action: str, item_id: int, changes: dict[str, tuple], detail: dict | None = None) -> None:
        """One history row for an item's changes in one run: a single field as :meth:`record` writes
        it; several as their names joined by commas, with old and new values as JSON objects keyed by
        field (query them with json_extract). Bulk steps wrote a row per field: 888k rows for 100k
        items."""
        if len(changes) == 1:
            ((fld, (old, new)),) = changes.items()
            self.record(action, "item", item_id, field=fld, old=old, new=new, detail=detail)
            return
        olds, news = {}, {}
        for f, (o, n) in changes.items():
            olds[f], news[f] = o, n
        self.record(action, "item", item_id, field=",".join(changes), old=dumps(olds), new=dumps(news), detail=detail)

    # -- small shared queries --------------------------------------------
    def people(self, item_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
        """Every citizen behind each item — its own row and the rows merged into it — as (name, phone)
        pairs, each once, in import order: a merged item must still let the office reach everyone who
        raised it."""
        out: dict[int, list[tuple[str, str]]] = {}
        for part, marks in id_chunks(item_ids):
            for home, name, phone in self.conn.execute(
                f"SELECT COALESCE(merged_into, id), contact_name, contact_phone FROM items WHERE id IN ({marks})"
                f" OR merged_into IN ({marks}) ORDER BY id",
                (*part, *part),
            ):
                pair = ((name or "").strip(), (phone or "").strip())
                got = out.setdefault(home, [])
                if any(pair) and pair not in got:
                    got.append(pair)
        return out

    def contacts(self, item_ids: Sequence[int]) -> dict[int, dict[str, str]]:
        """:meth:`people` as ``contact_name`` and ``contact_phone``, each joined with "；" (staff-only
        workbooks)."""
        return {
            i: {
                "contact_name": "；".join(dict.fromkeys(n for n, _ in pairs if n)),
                "contact_phone": "；".join(dict.fromkeys(t for _, t in pairs if t)),
            }
            for i, pairs in self.people(item_ids).items()
        }

    def working_items(
        self,
        batches: Sequence[str] = (),
        *,
        key_only: bool = False,
        columns: Sequence[str] = (),
        leave_out: Sequence[str] = (),
    ) -> list[dict]:
        """Items not merged into another, with their batch and how many raw
        items they stand for; ``key_only`` keeps key tasks (and items not yet
        triaged). An unknown batch name is a usage error. ``columns`` names the
        only fields a step reads (with id and batch_id), ``leave_out`` those it
        never reads: all sixty of 100k items take a second to read, the few a
        step needs a fifth of that."""
        if leave_out:
            every = [r[1] for r in self.conn.execute("PRAGMA table_info(items)")]
            columns = [c for c in every if c not in leave_out and c not in ("id", "batch_id")]
        fields = ", ".join(f"i.{c}" for c in ("id", "batch_id", *columns)) if columns else "i.*"
        sql = (
            f"SELECT {fields}, b.name AS batch,"
            " 1 + (SELECT COUNT(*) FROM items m WHERE m.merged_into=i.id) AS raw_count"
            " FROM items i JOIN batches b ON b.id=i.batch_id WHERE i.merged_into IS NULL"
        )
        for name in batches:
            self.require_batch(name)
        if batches:
            sql += f" AND b.name IN ({','.join('?' * len(batches))})"
        if key_only:
            sql += " AND COALESCE(i.is_key_task, 1) = 1"
        return self.dicts(sql + " ORDER BY b.id, i.id", tuple(batches))

    def dicts(self, sql: str, params: Sequence = ()) -> list[dict]:
        """Rows as plain dicts, made in one zip each: twice as fast as dict(sqlite3.Row) over 100k
        rows of sixty columns."""
        cur = self.conn.cursor()
        cur.row_factory = None
        cur.execute(sql, tuple(params))
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur]

    def require_batch(self, name: str) -> int:
        """The id of a batch the user named; a name the ledger lacks is a usage error."""
        found = self.batch_id(name)
        if found is None:
            raise UsageError(f"台账中没有批次“{name}”。")
        return found

    @overload
    def batch_id(self, name: str, *, create: Literal[True], kind: str | None = None) -> int: ...
    @overload
    def batch_id(self, name: str, *, create: bool = False, kind: str | None = None) -> int | None: ...
    def batch_id(self, name: str, *, create: bool = False, kind: str | None = None) -> int | None:
        """The batch's id (created when asked, of ``kind`` or the kind its name says); a ``kind`` given for
        an existing batch replaces the one it had."""
        from rectikit.store.values import kind_from_name

        row = self.conn.execute("SELECT id, kind FROM batches WHERE name=?", (name,)).fetchone()
        if row:
            if kind and kind != row[1]:
                self.conn.execute("UPDATE batches SET kind=? WHERE id=?", (kind, row[0]))
                self.record("update", "batch", row[0], field="kind", old=row[1], new=kind)
            return row[0]
        if not create:
            return None
        cur = self.conn.execute(
            "INSERT INTO batches(name, created_at, kind) VALUES (?,?,?)", (name, now(), kind or kind_from_name(name))
        )
        self.record("create", "batch", cur.lastrowid, new=name)
        return new_id(cur)

    def batch_kinds(self, names: Sequence[str] = ()) -> dict[str, str]:
        """Batch name -> its kind, for the named batches (all when none named)."""
        rows = self.conn.execute("SELECT name, COALESCE(kind, '社会评价') FROM batches ORDER BY id").fetchall()
        return {n: k for n, k in rows if not names or n in names}


def _busy_message(path: Path) -> str:
    return (
        f"台账 {path} 正被另一个 rectikit 进程写入，等待 {BUSY_TIMEOUT_S:g} 秒后仍未释放。"
        "请稍后再试；若确认没有其他程序在运行，可重新执行本命令。"
    )
