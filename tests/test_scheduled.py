"""The nightly script an office schedules (issue #17): imports new files,
takes returns, tracks, writes the chase list; a second run changes nothing;
two runs never overlap."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rectikit.demo import run_demo

from helpers import fill_sheet

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "scheduled" / "nightly.sh"
pytestmark = pytest.mark.skipif(shutil.which("bash") is None or sys.platform == "win32", reason="needs bash")


def _run(ws: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(["bash", str(SCRIPT), str(ws)], capture_output=True, text=True, env=env, timeout=300)


def _history(ws: Path) -> int:
    con = sqlite3.connect(ws / "台账.sqlite")
    try:
        return con.execute("SELECT COUNT(*) FROM history").fetchone()[0]
    finally:
        con.close()


def test_nightly_twice(tmp_path):
    ws = Path(run_demo(tmp_path / "演示")["workspace"])
    (ws / "收件箱" / "2021年度").mkdir(parents=True)
    (ws / "收件箱" / "2021年度" / "新意见.csv").write_text(
        "意见建议内容,县区\n公交班次太少。,北湖区\n", encoding="utf-8"
    )
    (ws / "交办" / "报回").mkdir()
    book = next((ws / "交办").glob("*.xlsx"))
    first = next(r for r in load_workbook(book)["整改任务"].iter_rows(min_row=5, max_row=5, values_only=True))
    fill_sheet(book, {first[0]: {"整改进展": "推进中"}}, ws / "交办" / "报回" / book.name)

    first = _run(ws)
    assert first.returncode == 0, (first.stderr, (ws / "报告" / "定时任务.log").read_text(encoding="utf-8"))
    log = (ws / "报告" / "定时任务.log").read_text(encoding="utf-8").splitlines()
    assert [line.split(" ", 2)[2] for line in log] == [
        "导入 2021年度/新意见.csv exit=0",
        f"报回 已导入 {book.name}",
        "导入报回 1 份 exit=0",
        "催办清单 exit=0",
    ]
    assert list((ws / "报告").glob("催办清单-*.xlsx"))
    before = _history(ws)
    second = _run(ws)
    assert second.returncode == 0 and _history(ws) == before  # nothing new: nothing changes

    (ws / ".定时任务.lock").mkdir()
    busy = _run(ws)
    assert busy.returncode == 75 and "还在运行" in busy.stderr


def _lead_rows(book: Path) -> list[tuple]:
    sh = load_workbook(book)["整改任务"]
    return [r for r in sh.iter_rows(values_only=True) if r and isinstance(r[0], int) and r[1] == "牵头"]


def test_nights_with_returns_in_any_order_a_bad_file_and_a_killed_run(tmp_path):
    """Several nights over one returns folder: every good return is taken, in the order the sheets were
    sent; a bad file is reported each night and stops nothing; a reopening is never undone overnight; a
    lock left by a killed run is taken over."""
    import datetime as dt

    from rectikit.steps.dispatch import dispatch
    from rectikit.steps.tracking import close_out, reopen
    from rectikit.store.workspace import Workspace

    from helpers import items_by_id, write_xlsx

    ws = Path(run_demo(tmp_path / "演示")["workspace"])
    w = Workspace(ws)
    returns = ws / "交办" / "报回"
    returns.mkdir()
    book = next(p for p in sorted((ws / "交办").glob("*.xlsx")) if _lead_rows(p))
    task = _lead_rows(book)[0][0]
    # night 1: round 1 says 推进中; beside it, a workbook that is none of ours
    fill_sheet(book, {task: {"整改进展": "推进中", "整改成效": "已采购"}}, returns / "z-第1轮.xlsx")
    write_xlsx(returns / "乱放的.xlsx", [["编号", "意见建议内容"], [1, "随便"]])
    night = _run(ws)
    log = (ws / "报告" / "定时任务.log").read_text(encoding="utf-8")
    assert night.returncode == 1 and "报回 已导入 z-第1轮.xlsx" in log and "报回 未导入 乱放的.xlsx：" in log
    assert items_by_id(w)[task]["progress"] == "推进中"
    # night 2: round 2 (sent later) says 已完成; its file sorts before round 1's, both are in the folder
    round2 = dispatch(w, tmp_path / "交办2", today=dt.date(2020, 7, 10)).files
    book2 = next(p for p in round2.values() if any(r[0] == task for r in _lead_rows(Path(p))))
    fill_sheet(
        book2,
        {task: {"整改进展": "已完成", "整改成效": "已修好", "完成时间": "2020-07-20", "佐证材料": "照片"}},
        returns / "a-第2轮.xlsx",
    )
    assert _run(ws).returncode == 1  # the bad file is still there
    assert items_by_id(w)[task]["progress"] == "已完成"  # round 1 did not come after round 2
    # the office closes it, a callback sends it back; night 3 takes everything again and undoes nothing
    close_out(w, [task], on=dt.date(2020, 8, 1), today=dt.date(2020, 8, 1))
    reopen(w, [task], reason="回访不满意", today=dt.date(2020, 8, 10))
    before = _history(ws)
    _run(ws)
    got = items_by_id(w)[task]
    assert (got["progress"], got["closed"], got["reopened"]) == ("推进中", None, "回访不满意")
    assert _history(ws) == before  # nothing taken twice
    # a killed run left its lock (its process is gone): the next night goes on
    lock = ws / ".定时任务.lock"
    lock.mkdir()
    (lock / "pid").write_text("999999", encoding="utf-8")
    killed = _run(ws)
    assert killed.returncode == 1 and not lock.exists()
    assert "已中止，清除它留下的锁后继续" in (ws / "报告" / "定时任务.log").read_text(encoding="utf-8")


def test_a_step_killed_at_the_memory_cap_is_explained_in_the_log(tmp_path):
    """The nightly script runs each step under RECTIKIT_MEMORY_MB; a step the system kills (a crafted file
    the guard missed would be stopped there) gets a Chinese line saying the ledger is unchanged."""
    ws = Path(run_demo(tmp_path / "演示")["workspace"])
    (ws / "收件箱" / "2021年度").mkdir(parents=True)
    (ws / "收件箱" / "2021年度" / "异常.xlsx").write_bytes(b"PK\x03\x04")
    fake = tmp_path / "rectikit"
    fake.write_text('#!/bin/bash\nif [ "$1" = import ]; then kill -ABRT $$; fi\nexit 0\n')
    fake.chmod(0o755)
    env = {**os.environ, "RECTIKIT": str(fake), "RECTIKIT_MEMORY_MB": "2048"}
    done = subprocess.run(["bash", str(SCRIPT), str(ws)], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1
    log = (ws / "报告" / "定时任务.log").read_text(encoding="utf-8")
    assert "导入 2021年度/异常.xlsx exit=134（被终止：内存超过 2048 MB 上限或程序崩溃，台账未改动" in log
    assert "催办清单 exit=0\n" in log
