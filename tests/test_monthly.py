"""The monthly report counts what happened in a month from the history, so
any month can be asked again and compared with the one before (issue #14)."""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document

from rectikit.documents.monthly import monthly_report
from rectikit.steps.collect import collect
from rectikit.steps.dispatch import dispatch
from rectikit.steps.ingest import import_files
from rectikit.steps.tracking import close_out

from helpers import fill_sheet, set_items, write_xlsx


@pytest.fixture
def october(ws, tmp_path):
    import_files(
        ws,
        [write_xlsx(tmp_path / "a.xlsx", [["意见建议内容"], ["路灯不亮。"], ["学校门口拥堵。"], ["村道坑洼。"]])],
        batch="2019年度",
    )
    for i, unit, deadline in (
        (1, "市住建局", "2020-10-20"),
        (2, "市教育局", "2020-09-30"),
        (3, "市住建局", "2020-12-31"),
    ):
        set_items(ws, "id=?", (i,), lead_unit=unit, deadline=deadline, is_key_task=1)
    book = dispatch(ws, tmp_path / "交办").files["市住建局"]
    fill_sheet(
        book,
        {1: {"整改进展": "已完成", "整改成效": "已修复", "完成时间": "2020-10-15", "佐证材料": "照片"}},
        tmp_path / "报回.xlsx",
    )
    collect(ws, [tmp_path / "报回.xlsx"], today=dt.date(2020, 10, 16))
    close_out(ws, [1], on=dt.date(2020, 10, 28), today=dt.date(2020, 10, 28))
    return ws


def test_what_moved_in_the_month_and_who_did_not_report(october, tmp_path):
    res = monthly_report(october, month="2020-10", out_dir=tmp_path / "月报", today=dt.date(2020, 11, 2))
    units = {u["unit"]: u for u in res["figures"]["units"]}
    assert (units["市住建局"]["done_this_month"], units["市住建局"]["closed_this_month"]) == (1, 1)
    assert units["市住建局"]["reported"] and not units["市教育局"]["reported"]
    assert res["figures"]["total"]["overdue"] == 1  # 教育局's task, due 2020-09-30
    assert res["figures"]["not_reported"] == ["市教育局"]
    assert "本月未报送整改进展的单位有1个：市教育局" in res["reporting"]
    doc = Document(res["files"]["docx"])
    assert [c.text for c in doc.tables[0].rows[0].cells][:3] == ["牵头单位", "任务数", "本月完成"]
    assert [c.text for c in doc.tables[0].rows[-1].cells][0] == "合计"


def test_a_later_month_keeps_the_totals_and_moves_nothing(october, tmp_path):
    res = monthly_report(october, month="2020-11", out_dir=tmp_path / "月报")
    t = res["figures"]["total"]
    assert (t["done"], t["done_this_month"], t["closed"], t["closed_this_month"]) == (1, 0, 1, 0)
    assert res["previous"]["done_this_month"] == 1 and "与上月持平" in res["overview"]
    earlier = monthly_report(october, month="2020-09", out_dir=tmp_path / "月报")["figures"]["total"]
    assert (earlier["done"], earlier["closed"]) == (0, 0)
