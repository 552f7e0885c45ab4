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
    (ws / "收件箱" / "2021年度" / "新意见.csv").write_text("意见建议内容,县区\n公交班次太少。,北湖区\n", encoding="utf-8")
    (ws / "报回").mkdir()
    book = next((ws / "交办").glob("*.xlsx"))
    first = next(r for r in load_workbook(book)["整改任务"].iter_rows(min_row=5, max_row=5, values_only=True))
    fill_sheet(book, {first[0]: {"整改进展": "推进中"}}, ws / "报回" / book.name)

    first = _run(ws)
    assert first.returncode == 0, (first.stderr, (ws / "报告" / "定时任务.log").read_text(encoding="utf-8"))
    log = (ws / "报告" / "定时任务.log").read_text(encoding="utf-8").splitlines()
    assert [line.split(" ", 2)[2] for line in log] == ["导入 2021年度/新意见.csv exit=0", "导入报回 1 份 exit=0",
                                                     "催办清单 exit=0"]
    assert list((ws / "报告").glob("催办清单-*.xlsx"))
    before = _history(ws)
    second = _run(ws)
    assert second.returncode == 0 and _history(ws) == before  # nothing new: nothing changes

    (ws / ".定时任务.lock").mkdir()
    busy = _run(ws)
    assert busy.returncode == 75 and "还在运行" in busy.stderr
