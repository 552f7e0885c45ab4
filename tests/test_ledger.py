import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rectikit.store.ledger as ledger_mod
from rectikit.base.errors import LedgerBusyError, WorkspaceError
from rectikit.store.ledger import SCHEMA_VERSION, Ledger
from rectikit.store.sources import original_rows
from rectikit.store.workspace import find_workspace, init_workspace


def test_migrations_are_recorded_and_wal_is_on(ws):
    con = sqlite3.connect(ws.ledger_path)
    assert con.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_version_4_ledger_keeps_its_raw_rows_and_merges(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    monkeypatch.setattr(ledger_mod, "MIGRATIONS", ledger_mod.MIGRATIONS[:4])
    monkeypatch.setattr(ledger_mod, "SCHEMA_VERSION", 4)
    with Ledger.open(path) as led, led.transaction() as conn:
        conn.execute("INSERT INTO batches(name, created_at) VALUES ('b', 'x')")
        conn.execute(
            "INSERT INTO source_files(batch_id, file_name, file_path, sha256, sheet, header_row, headers,"
            " mapping, row_count, imported_at) VALUES (1, 'a.xlsx', 'a.xlsx', 's', 'S', 1, '[]', '{}', 2, 'x')"
        )
        # 4 was merged into 3, then 3 into 2: a chain in items, flat in raw_items
        for n, row, owner, into in (
            (2, '["1", "路灯不亮", 3.5]', 2, None),
            (3, '["2", "=1+1", null]', 2, 2),
            (4, '["3", "路灯坏了"]', 2, 3),
        ):
            conn.execute("INSERT INTO items(id, batch_id, text, merged_into) VALUES (?, 1, 't', ?)", (n, into))
            conn.execute(
                "INSERT INTO raw_items(file_id, row_number, cells, item_id, home_item_id) VALUES (1, ?, ?, ?, ?)",
                (n, row, owner, n),
            )
    monkeypatch.undo()
    with Ledger.open(path) as led:
        assert led.schema_version() == SCHEMA_VERSION
        assert [r["cells"] for r in original_rows(led, 2)] == [
            ["1", "路灯不亮", 3.5],
            ["2", "=1+1", None],
            ["3", "路灯坏了"],
        ]
        assert [
            tuple(r) for r in led.conn.execute("SELECT id, file_id, row_number, merged_into FROM items ORDER BY id")
        ] == [(2, 1, 2, None), (3, 1, 3, 2), (4, 1, 4, 2)]
        assert [i["raw_count"] for i in led.working_items()] == [3]


def test_reopening_does_not_migrate_again(ws):
    with ws.ledger() as led:
        before = led.conn.execute("SELECT applied_at FROM schema_migrations").fetchall()
    with ws.ledger() as led:
        assert led.conn.execute("SELECT applied_at FROM schema_migrations").fetchall() == before


def test_history_is_append_only(ws):
    with ws.ledger() as led:
        with led.transaction():
            led.record("test", "item", 1, field="text", old="a", new="b")
        for sql in ("UPDATE history SET new='x'", "DELETE FROM history"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                with led.transaction() as conn:
                    conn.execute(sql)
        assert [tuple(r) for r in led.conn.execute("SELECT new FROM history")] == [("b",)]


def test_transaction_is_all_or_nothing(ws):
    with ws.ledger() as led:
        with pytest.raises(RuntimeError):
            with led.transaction():
                led.batch_id("甲", create=True)
                raise RuntimeError("boom")
        assert led.batch_id("甲") is None
        assert led.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0] == 0


def test_second_writer_waits_then_stops_clearly(ws, monkeypatch):
    monkeypatch.setattr(ledger_mod, "BUSY_TIMEOUT_S", 0.3)
    holder = Ledger.open(ws.ledger_path)
    other = Ledger.open(ws.ledger_path)
    try:
        with holder.transaction():
            t0 = time.monotonic()
            with pytest.raises(LedgerBusyError, match="另一个 rectikit 进程"):
                with other.transaction():
                    pass
            assert time.monotonic() - t0 >= 0.25
        with other.transaction():  # free again once the first commits
            other.batch_id("乙", create=True)
    finally:
        holder.close()
        other.close()


def test_newer_ledger_is_refused(ws):
    con = sqlite3.connect(ws.ledger_path)
    con.execute("INSERT INTO schema_migrations VALUES (?, 'future', 'x')", (SCHEMA_VERSION + 1,))
    con.commit()
    con.close()
    with pytest.raises(WorkspaceError, match="更新版本"):
        ws.ledger()


def test_not_a_database(tmp_path):
    p = tmp_path / "台账.sqlite"
    p.write_text("not a database at all" * 100)
    with pytest.raises(WorkspaceError, match="损坏"):
        Ledger.open(p)


def test_workspace_found_from_a_subfolder_and_by_env(ws, tmp_path, monkeypatch):
    sub = ws.root / "a" / "b"
    sub.mkdir(parents=True)
    assert find_workspace(sub).root == ws.root
    monkeypatch.setenv("RECTIKIT_WORKSPACE", str(ws.root))
    assert find_workspace(tmp_path).root == ws.root


def test_no_workspace(tmp_path, monkeypatch):
    monkeypatch.delenv("RECTIKIT_WORKSPACE", raising=False)
    with pytest.raises(WorkspaceError, match="rectikit init"):
        find_workspace(tmp_path)


def test_init_refuses_an_existing_workspace(ws):
    with pytest.raises(WorkspaceError, match="已经是"):
        init_workspace(ws.root)


def _big_csv(path, n):
    with open(path, "w", encoding="utf-8") as f:
        f.write("序号,意见建议内容,县区,反映时间\n")
        for i in range(n):
            f.write(f"{i},第{i}号意见：民主路路灯不亮，晚上出行不安全，希望尽快维修。,城中区,2020/6/{i % 28 + 1}\n")


def test_killed_import_leaves_the_ledger_as_before(ws, tmp_path):
    """SIGKILL while the import transaction is being written: all or nothing."""
    n = 300_000
    big = tmp_path / "big.csv"
    _big_csv(big, n)
    wal = ws.ledger_path.with_name(ws.ledger_path.name + "-wal")
    start = wal.stat().st_size if wal.exists() else 0
    env = dict(os.environ, RECTIKIT_WORKSPACE=str(ws.root))
    proc = subprocess.Popen(
        [sys.executable, "-m", "rectikit", "import", str(big), "--batch", "大"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > start + (4 << 20):
            break  # the transaction is writing pages
        time.sleep(0.002)
    assert proc.poll() is None, "the import finished before it could be killed; make the file bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    con = sqlite3.connect(ws.ledger_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 0
    assert con.execute("SELECT COUNT(*) FROM source_files").fetchone()[0] == 0
    assert con.execute("SELECT COUNT(*) FROM batches").fetchone()[0] == 0
    con.close()
    # and the same file imports completely afterwards
    from rectikit.steps.ingest import import_files

    assert import_files(ws, [big], batch="大").added == n


@given(st.sets(st.integers(1, 500)))
def test_id_ranges_name_exactly_the_ids(ids):
    """A run's history row names its items as runs ("1-5,7"): read back, exactly the ids, each once."""
    from rectikit.store.ledger import id_ranges

    text = id_ranges(ids)
    back = []
    for part in filter(None, text.split(",")):
        a, _, b = part.partition("-")
        back.extend(range(int(a), int(b or a) + 1))
    assert back == sorted(ids) and (text == "" or len(text.split(",")) <= len(ids))
