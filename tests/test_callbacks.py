"""The satisfaction loop on the demo (issue #15): a stratified sample, call
sheets, filled returns (one unsatisfied, one unreachable, one tampered row),
figures checked independently, the unsatisfied item back in track."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rectikit.base.errors import InvalidDataError, UsageError
from rectikit.base.stats import wilson
from rectikit.demo import run_demo
from rectikit.documents.annextable import build_table
from rectikit.documents.satisfaction import satisfaction_report
from rectikit.steps.callbacks import SHEET, call_sheets, draw
from rectikit.steps.returns import take_back
from rectikit.steps.tracking import track
from rectikit.store.workspace import Workspace

from helpers import fill_sheet, ledger_snapshot, set_items


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    ws = Workspace(Path(run_demo(tmp_path_factory.mktemp("loop") / "演示")["workspace"]))
    set_items(
        ws,
        "id IN (SELECT id FROM items WHERE lead_unit IS NOT NULL AND merged_into IS NULL ORDER BY id LIMIT 60)",
        progress="已完成",
        result="已修复",
    )
    return ws


def test_the_draw_is_stratified_reproducible_and_explained():
    items = [{"id": k, "township": "甲镇" if k < 60 else "乙镇" if k < 90 else "丙镇"} for k in range(100)]
    a, b = draw(items, sample="20%", by="乡镇", seed=7), draw(items, sample="20%", by="乡镇", seed=7)
    assert a.picked == b.picked and len(a.picked) == 20
    assert {s["name"]: s["picked"] for s in a.strata} == {"甲镇": 12, "乙镇": 6, "丙镇": 2}
    assert draw(items, sample="20%", by="乡镇", seed=8).picked != a.picked
    assert "按乡镇分层" in a.explain() and "随机种子 7" in a.explain()
    with pytest.raises(UsageError):
        draw(items, sample="很多")


def test_the_whole_loop(finished, tmp_path):
    ws = finished
    sheets = call_sheets(ws, tmp_path / "回访", sample="50%", by="单位", seed=3, today=dt.date(2020, 10, 8))
    assert sum(sheets.counts.values()) == 30  # half of the 60 finished
    name = max(sheets.counts, key=sheets.counts.get)
    path = sheets.files[name]
    rows = list(load_workbook(path)[SHEET].values)
    assert rows[0][0].startswith("回访记录表（内部资料")
    head = rows[2]
    ids = [r[0] for r in rows[3:]]
    assert head[:4] == ("编号", "意见建议内容", "联系人", "联系电话") and len(ids) >= 3
    satisfied, unhappy, unreached = ids[0], ids[1], ids[2]
    answers = {
        satisfied: {"是否联系上": "是", "满意度": "满意", "回访人": "李某", "回访时间": "2020-10-09"},
        unhappy: {"是否联系上": "是", "满意度": "不满意", "群众意见": "路灯又坏了", "回访时间": "2020-10-09"},
        unreached: {"是否联系上": "否", "未联系上原因": "停机"},
    }
    # a tampered row: 编号 changed to an item this sheet never carried
    tampered = fill_sheet(path, answers, tmp_path / "改过.xlsx", sheet=SHEET, ids={satisfied: 999999})
    before = ledger_snapshot(ws)
    with pytest.raises(InvalidDataError) as e:
        take_back(ws, [tampered])
    assert e.value.report.errors[0].code == "not-in-book" and ledger_snapshot(ws) == before
    back = fill_sheet(path, answers, tmp_path / "回访.xlsx", sheet=SHEET)
    res = take_back(ws, [back])
    assert res.rows == 3 and res.reopened == [unhappy]
    assert take_back(ws, [back]).rows == 0  # the same sheet again changes nothing
    # figures, worked out here independently
    report = satisfaction_report(ws, by="单位", out=tmp_path / "满意度.xlsx")
    row = next(r for r in report["rows"] if r["name"] == name)
    assert (row["called"], row["reached"], row["满意"], row["不满意"]) == (3, 2, 1, 1)
    (rnd,) = report["rounds"]  # one callback run is one round, however many sheets
    assert (rnd["called"], rnd["reached"], rnd["satisfied"]) == (3, 2, 1)
    assert (rnd["low"], rnd["high"]) == pytest.approx(wilson(1, 2))
    # the unsatisfied item is back in track, to be done again
    tasks = {t["id"]: t for t in track(ws, today=dt.date(2020, 10, 10)).tasks}
    assert tasks[unhappy]["progress"] == "推进中" and tasks[unhappy]["light"] in ("红灯", "黄灯", "绿灯")
    con = sqlite3.connect(ws.ledger_path)
    assert (
        con.execute(
            "SELECT COUNT(*) FROM history WHERE action='callback-reopen' AND entity_id=? AND field LIKE '%progress%'",
            (str(unhappy),),
        ).fetchone()[0]
        == 1
    )
    con.close()
    # public outputs never carry the citizens' contact data
    phones = {r[3] for r in rows[3:] if r[3]}
    cells = " ".join(" ".join(r) for kind, r in build_table(ws, "annex2", key_only=False).rows if kind == "row")
    assert phones and not any(p in cells for p in phones)


def test_wilson_interval():
    lo, hi = wilson(99, 117)
    assert 0.76 < lo < 0.78 and 0.90 < hi < 0.91
    assert wilson(0, 0) == (0.0, 0.0) and wilson(5, 5)[1] == 1.0
