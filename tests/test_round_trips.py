"""Workbooks that go out and come back never lose a person's work
(issue #24): a sheet someone may have filled is never written over, and
nonsense sample sizes are usage errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3

import pytest

from rectikit.base.errors import UsageError
from rectikit.steps.callbacks import call_sheets, sample_size
from rectikit.steps.classify import classify
from rectikit.steps.ingest import import_files
from rectikit.steps.tracking import dispatch

from helpers import fill_sheet, write_xlsx

D = dt.date


@pytest.fixture
def tasks(ws, tmp_path):
    rows = [["意见建议内容", "联系电话"], ["民主路路灯不亮。", "13912340001"], ["学校门口拥堵。", "13912340002"]]
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", rows)], batch="b")
    con = sqlite3.connect(ws.ledger_path)
    con.execute("UPDATE items SET lead_unit='市住建局', deadline='2020-12-31', is_key_task=1, progress='已完成',"
                " result='已修复'")
    con.commit()
    con.close()
    return ws


def _sha(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_a_filled_task_sheet_is_never_written_over(tasks):
    folder = tasks.root / "交办"
    first = dispatch(tasks, folder, today=D(2020, 9, 1))
    path = first.files["市住建局"]
    assert dispatch(tasks, folder, today=D(2020, 9, 2)).kept == {}  # an untouched copy may be replaced
    fill_sheet(path, {1: {"整改进展": "推进中", "整改成效": "已采购灯具"}}, path)  # the unit fills it where it lies
    before = _sha(path)
    again = dispatch(tasks, folder, today=D(2020, 9, 3))
    assert _sha(path) == before
    assert again.kept == {path: again.files["市住建局"]} and again.files["市住建局"].endswith("（第2版）.xlsx")


def test_a_filled_call_sheet_and_review_file_are_kept(tasks, tmp_path):
    sheets = call_sheets(tasks, tmp_path / "回访", today=D(2020, 10, 1))
    path = sheets.files["市住建局"]
    fill_sheet(path, {1: {"是否联系上": "是", "满意度": "满意"}}, path, sheet="回访记录")
    before = _sha(path)
    again = call_sheets(tasks, tmp_path / "回访", today=D(2020, 10, 2))
    assert _sha(path) == before and list(again.kept) == [path]
    review = tmp_path / "审核.xlsx"
    classify(tasks, review=review)
    write_xlsx(review, [["编号", "我的笔记"], [1, "先放一放"]])  # a colleague's own notes under that name
    before = _sha(review)
    res = classify(tasks, review=review)
    assert res.review_path.endswith("审核（第2版）.xlsx") and _sha(review) == before


@pytest.mark.parametrize("spec", ["120%", "inf%", "nan%", "0%", "-5", "很多", "0"])
def test_sample_sizes_that_make_no_sense(spec):
    with pytest.raises(UsageError):
        sample_size(spec, 40)


@pytest.mark.parametrize("spec,n", [("100%", 40), ("20%", 8), ("50", 40), ("3", 3), ("12.5％", 5), (None, 40)])
def test_sample_sizes(spec, n):
    assert sample_size(spec, 40) == n
