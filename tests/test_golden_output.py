"""What every command prints, exactly, at 80 columns (issue #28): a season of the office's work on a copy
of the demo workspace, each command's normal path and a failure, compared with the text kept in
tests/golden/cli/. People read stderr, so that is what is kept; paths are written as <工作区> and <输出>, file names stamped by the clock as <时刻>.

After a deliberate change of wording, regenerate with ``RECTIKIT_UPDATE_GOLDEN=1 pytest tests/test_golden_output.py``
and read the diff before committing it."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from rectikit.demo import run_demo

from helpers import set_items, write_xlsx

GOLDEN = Path(__file__).resolve().parent / "golden" / "cli"
DAY = ["--today", "2020-10-10"]

# (name, arguments, exit code), run in this order on one workspace: {W} the workspace, {T} a scratch folder.
SEASON = [
    ("init", ["init", "{T}/新工作区", "--office", "某县绩效办", "--year", "2020"], 0),
    ("init-again", ["init", "{T}/新工作区"], 1),
    ("import", ["import", "{T}/补充.xlsx", "--batch", "2020年补充", *DAY], 0),
    ("import-not-a-sheet", ["import", "{T}/说明.txt", "--batch", "2020年补充", *DAY], 1),
    ("status", ["status", *DAY], 0),
    ("export", ["export", "{T}/台账.xlsx", *DAY], 0),
    ("export-bad-kind", ["export", "{T}/台账.pdf", *DAY], 2),
    ("dedupe", ["dedupe", *DAY], 0),
    ("unmerge-not-found", ["unmerge", "99999", *DAY], 1),
    ("classify", ["classify", "--dry-run", *DAY], 0),
    ("classify-no-model", ["classify", "--model", *DAY], 1),
    ("assign", ["assign", "--dry-run", *DAY], 0),
    ("render", ["render", "附件1", "--out", "{T}/附件", *DAY], 0),
    ("render-unknown", ["render", "附件9", *DAY], 2),
    ("dispatch", ["dispatch", "--out", "{T}/交办", "--reply-by", "2020-10-20", *DAY], 0),
    ("collect-missing-file", ["collect", "{T}/没有这个文件.xlsx", *DAY], 1),
    ("track", ["track", "--out", "{T}/催办清单.xlsx", *DAY], 0),
    ("supervise", ["supervise", "--out", "{T}/督办", *DAY], 0),
    ("closeout", ["closeout", "{DONE}", "--date", "2020-10-09", *DAY], 0),
    ("closeout-not-found", ["closeout", "9999", *DAY], 1),
    ("callback", ["callback", "--out", "{T}/回访", *DAY], 0),
    ("satisfaction-before-callbacks", ["satisfaction", *DAY], 1),
    ("answer", ["answer", "--dry-run", *DAY], 0),
    ("reopen", ["reopen", "{DONE}", "--reason", "回访不满意", *DAY], 0),
    ("reopen-no-reason", ["reopen", "{DONE}", *DAY], 2),
    ("boards", ["boards", "--out", "{T}/公示牌.docx", *DAY], 0),
    ("frame-no-quotas", ["frame", "templates", *DAY], 1),
    ("survey-no-round", ["survey", "report", *DAY], 1),
    ("plan", ["plan", "--out", "{T}/方案", *DAY], 0),
    ("analyse", ["analyse", "--out", "{T}/分析报告.docx", *DAY], 0),
    ("notice", ["notice", "--out", "{T}/公示", *DAY], 0),
    ("report-monthly", ["report", "monthly", "--month", "2020-10", "--out", "{T}/月报", *DAY], 0),
    ("report-investigation", ["report", "investigation", "{DONE}", "--out", "{T}/调查报告", *DAY], 0),
    ("report-investigation-not-found", ["report", "investigation", "9999", *DAY], 1),
    ("report-upstream-not-taken", ["report", "upstream", "2020年中期", *DAY], 1),
    ("demo", ["demo", "{T}/演示", *DAY], 0),
    ("demo-not-empty", ["demo", "{T}/交办", *DAY], 1),  # a folder holding other files is never touched
]


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    return Path(run_demo(tmp_path_factory.mktemp("demo") / "演示")["workspace"])


def test_every_command_prints_what_it_printed_before(cli, demo_root, tmp_path, monkeypatch):
    from rectikit.store.workspace import find_workspace

    monkeypatch.setenv("COLUMNS", "80")
    w, t = tmp_path / "ws", tmp_path / "t"
    shutil.copytree(demo_root, w)
    t.mkdir()
    write_xlsx(t / "补充.xlsx", [["意见建议内容", "县(市、区)"], ["城中区民主路路灯不亮。", "城中区"]])
    (t / "说明.txt").write_text("这不是表格", encoding="utf-8")
    ws = find_workspace(explicit=w)
    with ws.ledger() as led:
        done = led.conn.execute("SELECT MIN(id) FROM items WHERE lead_unit IS NOT NULL AND merged_into IS NULL")
        done = done.fetchone()[0]
    set_items(ws, "id=?", (done,), progress="已完成", result="已修复", evidence="照片", on="2020-10-08")
    update = bool(os.environ.get("RECTIKIT_UPDATE_GOLDEN"))
    GOLDEN.mkdir(parents=True, exist_ok=True)
    differ = []
    for name, args, code in SEASON:
        argv = [a.format(W=w, T=t, DONE=done) for a in args]
        r = cli(*argv, *([] if argv[0] in ("init", "demo") else ["-w", w]))
        assert r.code == code, (name, r.code, r.err)
        text = r.err.replace(str(t), "<输出>").replace(str(w), "<工作区>").replace(f"编号 {done}", "编号 <已完成>")
        text = re.sub(r"-\d{8}-\d{6}\.", "-<时刻>.", text)  # a report named by the machine's clock
        path = GOLDEN / f"{name}.txt"
        if update:
            path.write_text(text, encoding="utf-8")
        elif path.read_text(encoding="utf-8") != text:
            differ.append(name)
    assert not differ, f"output changed: {differ} (see tests/golden/cli/; RECTIKIT_UPDATE_GOLDEN=1 rewrites them)"
