"""Per-item investigation (seed 000, issue #14): forms go to lead and
co-operating units, come back checked, and make one report per item in nine
sections, each unit's part under its name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document

from rectikit.base.errors import InvalidDataError
from rectikit.documents.investigation import investigation_reports
from rectikit.steps.dispatch import dispatch
from rectikit.steps.ingest import import_files
from rectikit.steps.investigation import SHEET, collect_investigation, dispatch_investigation
from rectikit.steps.returns import take_back

from helpers import fill_sheet, ledger_snapshot, set_items, write_xlsx


@pytest.fixture
def sent(ws, tmp_path):
    import_files(
        ws,
        [
            write_xlsx(
                tmp_path / "a.xlsx",
                [["序号", "意见建议内容"], [72, "希望政府工作人员多到基层了解情况。"], [73, "学校门口拥堵。"]],
            )
        ],
        batch="2020年度",
    )
    set_items(ws, "id=1", is_key_task=1, lead_unit="城中区教育局", co_units="城中区民政局")
    set_items(ws, "id=2", is_key_task=1, lead_unit="城中区公安分局")
    return ws, dispatch_investigation(ws, tmp_path / "调查", today=dt.date(2021, 5, 1))


def test_forms_come_back_and_make_a_report_in_nine_sections(sent, tmp_path):
    ws, res = sent
    assert set(res.files) == {"城中区教育局", "城中区民政局", "城中区公安分局"} and res.co_tasks == {"城中区民政局": 1}
    edu = fill_sheet(
        res.files["城中区教育局"],
        {
            1: {
                "调查时间": "2021年5月9日",
                "调查人员": "林某、陈某",
                "调查地点": "城中区教育局",
                "调查对象": "受助学生家长",
                "调查方式": "电话询问、查阅资料",
                "调查过程": "随机电话联系2位家长，均给予满意评价。",
                "调查结果": "补助发放及时，对象无遗漏。",
                "工作计划": "每学期回访一次。",
                "佐证材料清单": "通话记录、资助系统截图",
            }
        },
        tmp_path / "教育.xlsx",
        sheet=SHEET,
    )
    civil = fill_sheet(
        res.files["城中区民政局"],
        {1: {"调查过程": "走访特困对象3户。", "调查结果": "救助金按月发放。"}},
        tmp_path / "民政.xlsx",
        sheet=SHEET,
    )
    got = take_back(ws, [edu, civil])  # recognised as investigation forms by what they say they are
    assert got.rows == 2 and got.report.ok
    out = investigation_reports(ws, [1], today=dt.date(2021, 5, 20), out_dir=tmp_path / "报告")
    doc = Document(out["files"][1])
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert heads == [
        "一、整改事项",
        "二、调查时间及人员",
        "三、调查地点",
        "四、调查对象",
        "五、调查方式",
        "六、调查过程",
        "七、调查结果",
        "八、工作计划",
        "九、调查佐证材料清单",
    ]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "第72项：“希望政府工作人员多到基层了解情况。”" in text
    assert "城中区教育局（牵头）：调查时间：2021年5月9日；调查人员：林某、陈某" in text
    assert "针对群众反映的问题，城中区民政局组织相关工作人员进行调查：走访特困对象3户。" in text
    assert text.index("城中区教育局（牵头）：补助发放及时") < text.index("城中区民政局（配合）：救助金按月发放")
    assert "【尚无单位报送" not in text  # every section was reported by some unit
    assert "未报送调查情况" not in text  # both units asked have reported
    empty = investigation_reports(ws, [2], out_dir=tmp_path / "报告", today=dt.date(2021, 5, 20))["files"][2]
    said = "\n".join(p.text for p in Document(empty).paragraphs)
    assert "【尚无单位报送调查过程，请补充】" in said
    assert "截至2021年5月20日，城中区公安分局未报送调查情况。" in said  # a unit that said nothing is named


def test_a_form_of_another_unit_or_a_task_sheet_mixed_in_is_refused(sent, tmp_path):
    ws, res = sent
    before = ledger_snapshot(ws)
    swapped = fill_sheet(
        res.files["城中区公安分局"], {2: {"调查结果": "已疏导"}}, tmp_path / "x.xlsx", sheet=SHEET, ids={2: 1}
    )
    with pytest.raises(InvalidDataError) as e:
        collect_investigation(ws, [swapped])
    assert e.value.report.errors[0].code in ("not-in-book", "row-changed")
    assert ledger_snapshot(ws) == before
    task_sheet = next(iter(dispatch(ws, tmp_path / "交办").files.values()))
    got = take_back(ws, [task_sheet, swapped, res.files["城中区公安分局"]])  # kinds mixed: each taken by its own
    assert sorted(got.taken) == sorted([Path(task_sheet).name, Path(res.files["城中区公安分局"]).name])
    assert list(got.failed) == ["x.xlsx"] and ledger_snapshot(ws) != before
