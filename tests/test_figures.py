"""The figures every document prints: counted once, the same everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectikit.base.errors import UsageError
from rectikit.documents.notice import notice
from rectikit.figures import LIGHTS, batch_counts, count_by, ledger_status, overview, task_light, totals
from rectikit.steps.ingest import import_files
from rectikit.steps.merging import merge_summary

from helpers import set_items, write_xlsx

ROWS_A = [
    ["意见建议内容", "县(市、区)", "乡(镇、街道)", "反映时间"],
    ["民主路路灯不亮。", "城中区", "中山街道", "2020-06-01"],
    ["民主路路灯不亮了。", "城中区", "中山街道", "2020-06-02"],
    ["石门村村道坑洼。", "平山县", "石门镇", "2020-06-03"],
    ["学校门口拥堵。", "", "", "2020-06-04"],
]
ROWS_B = [["意见建议内容"], ["希望多建公园。"], ["公交班次太少。"]]


@pytest.fixture
def ledger(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS_A)], batch="A")
    import_files(ws, [write_xlsx(tmp_path / "b.xlsx", ROWS_B)], batch="B")
    set_items(ws, "id = 2", merged_into=1)
    set_items(ws, "id IN (1, 3)", is_key_task=1, category="基础设施建设", lead_unit="市住建局")
    set_items(ws, "id = 1", deadline="2020-09-30")
    set_items(ws, "id = 3", progress="已完成", closed=1)
    set_items(ws, "id = 4", is_key_task=0, category="教育")
    return ws


def test_batch_counts_in_one_place(ledger):
    with ledger.ledger() as led:
        a, b = batch_counts(led)
        assert batch_counts(led, ["B"]) == [b]
        with pytest.raises(UsageError, match="没有批次“C”"):
            batch_counts(led, ["C"])
    assert (a["batch"], a["files"], a["raw_items"], a["items"], a["classified"], a["unclassified"]) == (
        "A",
        1,
        4,
        3,
        3,
        0,
    )
    assert (a["key_tasks"], a["assigned"], a["done"], a["closed"]) == (2, 2, 1, 1)
    assert (a["first_date"], a["last_date"]) == ("2020-06-01", "2020-06-04")
    assert (b["raw_items"], b["items"], b["unclassified"], b["key_tasks"], b["first_date"]) == (2, 2, 2, 0, None)
    assert totals([a, b])["items"] == 5


def test_status_dedupe_and_notice_print_the_same_numbers(ledger):
    st_ = ledger_status(ledger)
    with ledger.ledger() as led:
        merged = merge_summary(led)
    assert [(b["raw_items"], b["items"]) for b in st_["batches"]] == [(m["raw_items"], m["items"]) for m in merged]
    assert (st_["total_raw_items"], st_["total_items"]) == (6, 5)
    opening = notice(ledger, today=dt.date(2020, 10, 1))["opening"]
    assert "A社会评价群众意见建议共4条、B社会评价群众意见建议共2条" in opening
    assert "A共归纳为3条" in opening and "B共归纳为" not in opening
    assert "重点整改任务2项" in opening and "已完成整改1项，已销号1项" in opening


def test_overview_counts_what_the_report_prints(ledger):
    with ledger.ledger() as led:
        fig = overview(led, [], dt.date(2020, 9, 25), warn_days=10)
    assert (fig["raw_items"], fig["items"], fig["key_tasks"]) == (6, 5, 2)
    assert fig["by_county"] == [("未注明", 3), ("城中区", 1), ("平山县", 1)]
    assert fig["top_townships"]["rows"] == [("城中区中山街道", 1), ("平山县石门镇", 1)] and fig["townships"] == 2
    assert fig["by_category"] == [("基础设施建设", 2), ("未分类", 2), ("教育", 1)]  # the unstated last on a tie
    assert fig["by_unit"] == [("市住建局", 2)]
    assert fig["progress"]["lights"] == {"黄灯": 1, "已销号": 1}
    assert (fig["progress"]["tasks"], fig["progress"]["done"], fig["progress"]["closed"]) == (2, 1, 1)


def test_count_by_ranks_most_first_and_the_unstated_last():
    items = [{"c": "乙"}, {"c": None}, {"c": "甲"}, {"c": "甲"}, {"c": ""}, {"c": "乙"}]
    assert count_by(items, "c") == [("乙", 2), ("甲", 2), ("未注明", 2)]


@given(st.integers(-400, 400), st.integers(0, 60))
def test_a_task_is_red_only_past_its_deadline_and_yellow_only_near_it(offset, warn):
    today = dt.date(2020, 9, 30)
    item = {
        "closed": None,
        "progress": "推进中",
        "long_term": 0,
        "deadline": (today + dt.timedelta(days=offset)).isoformat(),
    }
    light, left = task_light(item, today, warn)
    assert left == offset and light in LIGHTS
    assert (light == "红灯") == (offset < 0)
    assert (light == "黄灯") == (0 <= offset <= warn)


def test_done_closed_and_long_term_tasks_are_never_lit():
    today = dt.date(2020, 9, 30)
    base = {"closed": None, "progress": None, "long_term": 0, "deadline": "2020-01-01"}
    assert task_light({**base, "closed": 1}, today, 10) == ("已销号", None)
    assert task_light({**base, "progress": "已完成"}, today, 10) == ("已完成", None)
    assert task_light({**base, "long_term": 1}, today, 10) == ("长期坚持", None)
    assert task_light({**base, "deadline": None}, today, 10) == ("未定时限", None)


def test_a_top_list_never_cuts_through_a_tie_nor_swells():
    from rectikit.figures import top_n

    rows = [("甲", 5), ("乙", 4), ("丙", 3), ("丁", 3), ("戊", 3), ("己", 1)]
    assert top_n(rows, 3) == {"rows": rows[:2], "tied": 3, "tied_each": 3}  # 甲、乙, and 3 more with 3 each
    assert top_n(rows, 5)["rows"] == rows[:5] and top_n(rows, 2)["rows"] == rows[:2] and top_n(rows, 9)["rows"] == rows
    towns = [("甲镇", 5), ("乙镇", 4), *[(f"镇{k}", 2) for k in range(20)]]
    assert top_n(towns, 10) == {"rows": [("甲镇", 5), ("乙镇", 4)], "tied": 20, "tied_each": 2}
