"""Decisions a rerun never undoes, and returns that only the ledger can
authorise (issue #23): a reviewed key task stays when classify runs again, an
older review file is refused where a newer decision exists, a new lead unit
brings its own leader, a co-operating unit cannot report for the lead, a
former lead's sheet is stale, and relative deadlines count from each item's
own start."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from rectikit.base.errors import InvalidDataError
from rectikit.steps.assign import RULES_FILE, assign
from rectikit.steps.assignreview import apply_assignments, export_assignments
from rectikit.steps.classify import classify
from rectikit.steps.classreview import apply_review
from rectikit.steps.collect import collect
from rectikit.steps.dispatch import dispatch
from rectikit.steps.ingest import import_files
from rectikit.steps.units import UNITS_FILE

from helpers import fill_sheet, items_by_id, set_items, write_xlsx

D = dt.date
UNITS = [
    ["单位全称", "简称/别名（用;分隔）", "层级", "责任领导", "联系人", "联系电话"],
    ["某市住房和城乡建设局", "市住建局", "市直", "副市长 李某", "覃某", "0770-1"],
    ["某市教育局", "市教育局", "市直", "副市长 周某", "陈某", "0770-2"],
    ["某市城中区人民政府", "城中区政府", "县区", "区长 黄某", "韦某", "0770-3"],
]
RULES = [
    [
        "优先级",
        "类别",
        "来源",
        "县(市、区)",
        "乡(镇、街道)",
        "关键词",
        "牵头单位",
        "配合单位",
        "责任领导",
        "责任人",
        "整改时限",
        "整改措施",
        "整改目标",
    ],
    [10, "", "", "", "", "学校", "市教育局", "{县区}政府", "", "", "年底前", "增加学位", "学位够用"],
    [10, "", "", "", "", "路灯", "市住建局", "", "", "", "30天", "维修路灯", "路灯全亮"],
    [0, "", "", "", "", "", "{县区}政府", "", "", "", "长期坚持", "属地处理", "妥善处理"],
]
ITEMS = [
    ["意见建议", "县区", "留言时间"],
    ["民主路路灯不亮，晚上出行不安全。", "城中区", "2020-08-11"],
    ["实验学校学位紧张，孩子上学难。", "城中区", ""],
    ["广场舞太吵。", "城中区", ""],
]


@pytest.fixture
def ready(ws, tmp_path):
    write_xlsx(ws.rules_dir / UNITS_FILE, UNITS)
    write_xlsx(ws.rules_dir / RULES_FILE, RULES)
    ws.config_path.write_text(
        ws.config_path.read_text(encoding="utf-8").replace('start_date = ""', 'start_date = "2020-06-10"'),
        encoding="utf-8",
    )
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ITEMS)], batch="热线")
    set_items(ws, is_key_task=1, key_task_source="rules")
    return ws


def _edit(path, sheet: str, item_id: int, values: dict) -> None:
    wb = load_workbook(path)
    sh = wb[sheet]
    head_row = next(r for r in sh.iter_rows(max_row=10) if r[0].value == "编号")
    head = [c.value for c in head_row]
    for row in sh.iter_rows(min_row=head_row[0].row + 1):
        if row[0].value == item_id:
            for k, v in values.items():
                row[head.index(k)].value = v
    wb.save(path)


def test_relative_deadlines_count_from_each_items_own_start(ready, tmp_path):
    assign(ready, today=D(2020, 8, 20))
    got = items_by_id(ready)[1]
    assert got["deadline"] == "2020-09-10"  # 30 days from 08-11, the day the hotline received it: not 07-10
    dispatch(ready, tmp_path / "交办", today=D(2020, 8, 25))
    got = items_by_id(ready)[1]
    assert (got["started_on"], got["deadline"]) == ("2020-08-25", "2020-09-24")  # its first dispatch is its start
    dispatch(ready, tmp_path / "交办2", today=D(2020, 9, 25))
    assert items_by_id(ready)[1]["deadline"] == "2020-09-24"  # later dispatches move nothing


def test_a_new_lead_unit_brings_its_own_leader(ready, tmp_path):
    assign(ready, today=D(2020, 8, 20))
    path = export_assignments(ready, tmp_path / "分解.xlsx")
    _edit(path, "责任分解", 3, {"牵头单位": "市教育局"})
    res = apply_assignments(ready, path, today=D(2020, 8, 21))
    got = items_by_id(ready)[3]
    assert (got["lead_unit"], got["leader"], got["person"]) == ("某市教育局", "副市长 周某", "陈某")
    assert res.from_directory == [3]


def test_an_older_assignment_file_never_undoes_a_newer_one(ready, tmp_path):
    assign(ready, today=D(2020, 8, 20))
    old = export_assignments(ready, tmp_path / "旧.xlsx")
    new = export_assignments(ready, tmp_path / "新.xlsx")
    _edit(new, "责任分解", 3, {"牵头单位": "市教育局"})
    apply_assignments(ready, new, today=D(2020, 8, 21))
    _edit(old, "责任分解", 3, {"牵头单位": "市住建局"})
    with pytest.raises(InvalidDataError) as e:
        apply_assignments(ready, old, today=D(2020, 8, 22))
    assert e.value.report.errors[0].code == "newer-decision" and "2020-08-21" in e.value.report.errors[0].message
    assert items_by_id(ready)[3]["lead_unit"] == "某市教育局"
    assert apply_assignments(ready, new, today=D(2020, 8, 23)).changed == 0  # its own file again is fine


def test_a_reviewed_key_task_survives_a_plain_classify(ready, tmp_path):
    classify(ready)
    path = tmp_path / "审核.xlsx"
    classify(ready, review=path)
    _edit(path, "分类审核", 1, {"重点任务": "是"})  # the reviewer confirms what was suggested
    apply_review(ready, path, today=D(2020, 8, 1))
    ready.config_path.write_text(
        ready.config_path.read_text(encoding="utf-8").replace("key_task_min_score = 3", "key_task_min_score = 100"),
        encoding="utf-8",
    )
    classify(ready)  # no item scores 100: the automatic choice drops every key task but the person's
    got = items_by_id(ready)
    assert got[1]["is_key_task"] == 1 and got[2]["is_key_task"] == 0


def test_an_older_review_file_is_refused_where_a_newer_decision_exists(ready, tmp_path):
    classify(ready)
    old, new = tmp_path / "旧.xlsx", tmp_path / "新.xlsx"
    classify(ready, review=old)
    classify(ready, review=new)
    _edit(new, "分类审核", 2, {"处理方式": "解读说明"})
    apply_review(ready, new, today=D(2020, 8, 2))
    _edit(old, "分类审核", 2, {"处理方式": "立行立改"})
    with pytest.raises(InvalidDataError) as e:
        apply_review(ready, old, today=D(2020, 8, 3))
    assert {i.code for i in e.value.report.errors} == {"newer-decision"}
    assert items_by_id(ready)[2]["disposition"] == "解读说明"


def test_a_co_unit_cannot_report_for_the_lead_nor_a_former_lead_after_reassignment(ready, tmp_path):
    assign(ready, today=D(2020, 8, 20))
    sent = dispatch(ready, tmp_path / "交办", today=D(2020, 8, 25)).files
    co = sent["某市城中区人民政府"]  # co-operates on item 2 (school places)
    back = fill_sheet(
        co,
        {2: {"分工": "牵头", "整改进展": "已完成", "整改成效": "新建教学楼", "完成时间": "2020-08-30"}},
        tmp_path / "区政府.xlsx",
    )
    res = collect(ready, [back], today=D(2020, 9, 1))
    assert res.changed == 0 and items_by_id(ready)[2]["progress"] is None
    # item 3 moves from 城中区政府 to 市教育局: the former lead's sheet no longer speaks for it
    path = export_assignments(ready, tmp_path / "分解.xlsx")
    _edit(path, "责任分解", 3, {"牵头单位": "市教育局"})
    apply_assignments(ready, path, today=D(2020, 9, 2))
    former = fill_sheet(
        co, {3: {"整改进展": "已完成", "整改成效": "已劝导", "完成时间": "2020-09-01"}}, tmp_path / "区政府2.xlsx"
    )
    res = collect(ready, [former], today=D(2020, 9, 3))
    assert [i.code for i in res.report.issues if i.code == "stale-book"] == ["stale-book"]
    assert items_by_id(ready)[3]["progress"] is None


@pytest.mark.parametrize(
    "values,code",
    [
        ({"整改进展": "已完成", "整改成效": "修好了", "完成时间": "2099-01-01"}, "future-date"),
        ({"整改进展": "未启动", "完成时间": "2020-08-30"}, "done-on-unfinished"),
    ],
)
def test_a_return_cannot_date_what_has_not_happened(ready, tmp_path, values, code):
    assign(ready, today=D(2020, 8, 20))
    sent = dispatch(ready, tmp_path / "交办", today=D(2020, 8, 25)).files
    back = fill_sheet(sent["某市住房和城乡建设局"], {1: values}, tmp_path / "r.xlsx")
    with pytest.raises(InvalidDataError) as e:
        collect(ready, [back], today=D(2020, 9, 1))
    assert [i.code for i in e.value.report.errors] == [code]
