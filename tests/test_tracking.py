import datetime as dt

import pytest
from openpyxl import load_workbook

from rectikit.base.errors import InvalidDataError, NotReadyError
from rectikit.documents.annextable import build_table
from rectikit.steps.collect import collect
from rectikit.steps.dispatch import TASK_SHEET, dispatch
from rectikit.steps.ingest import import_files
from rectikit.steps.tracking import close_out, track

from helpers import fill_sheet, items_by_id, ledger_snapshot, set_items, write_xlsx

ROWS = [
    ["意见建议内容", "县区"],
    ["民主路路灯不亮，晚上出行不安全。", "城中区"],
    ["实验小学门口上下学拥堵。", "江南区"],
    ["石门村村道坑洼不平，希望硬化。", "平山县"],
    ["希望干部多下基层。", "城中区"],
    ["城区油烟扰民。", "城中区"],
]
# id: (lead unit, deadline, long term)
PLAN = {
    1: ("市住建局", "2020-09-30", 0),
    2: ("市教育局", "2020-10-05", 0),
    3: ("市住建局", "2020-12-31", 0),
    4: ("市民政局", None, 1),
    5: (None, None, 0),
}


@pytest.fixture
def tasks(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="2019年度")
    for i, (unit, deadline, long_term) in PLAN.items():
        set_items(ws, "id=?", (i,), lead_unit=unit, deadline=deadline, long_term=long_term, is_key_task=1)
    return ws


def _fill(path, values: dict[int, dict[str, object]], out):
    return fill_sheet(path, values, out)


def test_one_task_sheet_per_lead_unit(tasks, tmp_path):
    res = dispatch(tasks, tmp_path / "交办")
    assert res.tasks == {"市住建局": 2, "市教育局": 1, "市民政局": 1} and res.unassigned == [5]
    sh = load_workbook(res.files["市住建局"])[TASK_SHEET]
    rows = list(sh.values)
    assert rows[0][0] == "整改任务交办表（内部资料）" and rows[1][0].startswith(
        "承办单位：市住建局"
    )  # the sheet says what and whose
    assert "前报回" in rows[1][0] and rows[2][0].startswith("交办单位：测试市绩效办")
    head = rows[3]
    assert head[-5:] == ("整改进展", "整改成效", "完成时间", "佐证材料", "公示牌设立情况")
    assert [r[0] for r in rows[4:]] == [1, 3] and {r[1] for r in rows[4:]} == {"牵头"}
    assert sh.data_validations.dataValidation  # the progress column is a dropdown
    民政 = list(load_workbook(res.files["市民政局"])[TASK_SHEET].values)
    assert 民政[4][head.index("整改时限")] == "长期坚持"


def test_co_operating_units_get_their_tasks_marked(tasks, tmp_path):
    set_items(tasks, "id=1", co_units="市教育局、市公安局")
    res = dispatch(tasks, tmp_path / "交办")
    assert res.co_tasks == {"市教育局": 1, "市公安局": 1} and "市公安局" not in res.tasks
    rows = list(load_workbook(res.files["市公安局"])[TASK_SHEET].values)
    assert [(r[0], r[1]) for r in rows[4:]] == [(1, "配合")]
    # what a co-operating unit writes is not taken: the lead unit reports
    back = fill_sheet(
        res.files["市公安局"], {1: {"整改进展": "已完成", "整改成效": "配合巡逻"}}, tmp_path / "配合.xlsx"
    )
    got = collect(tasks, [back])
    assert got.changed == 0 and [i.code for i in got.report.issues] == ["co-unit-row"]


def test_dispatch_needs_assigned_tasks(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="b")
    with pytest.raises(NotReadyError) as e:
        dispatch(ws, tmp_path / "交办")
    assert e.value.exit_code == 1 and "rectikit assign" in e.value.hint


def test_collect_takes_what_units_report(tasks, tmp_path):
    sheet = dispatch(tasks, tmp_path / "交办").files["市住建局"]
    back = _fill(
        sheet,
        {
            1: {
                "整改进展": "已完成",
                "整改成效": "更换路灯 12 盏",
                "完成时间": "2020年9月20日",
                "佐证材料": "现场照片",
            },
            3: {"整改进展": "推进中", "整改成效": '=HYPERLINK("http://x")'},
        },
        tmp_path / "报回.xlsx",
    )
    res = collect(tasks, [back])
    assert res.rows == 2 and res.changed == 6 and res.report.ok
    got = items_by_id(tasks)
    assert (got[1]["progress"], got[1]["done_on"], got[1]["evidence"]) == ("已完成", "2020-09-20", "现场照片")
    assert got[3]["result"] == '=HYPERLINK("http://x")'  # kept as text
    assert collect(tasks, [back]).changed == 0  # the same file again changes nothing


@pytest.mark.parametrize(
    "values, message",
    [
        ({1: {"整改进展": "差不多了"}}, "整改进展应为"),
        ({1: {"整改进展": "推进中", "完成时间": "下个月"}}, "不是有效日期"),
        ({1: {"整改进展": "已完成"}}, "须填写整改成效"),
    ],
)
def test_nonsense_returns_change_nothing(tasks, tmp_path, values, message):
    sheet = dispatch(tasks, tmp_path / "交办").files["市住建局"]
    good = _fill(sheet, {3: {"整改进展": "推进中"}}, tmp_path / "好.xlsx")
    bad = _fill(sheet, values, tmp_path / "坏.xlsx")
    before = ledger_snapshot(tasks)
    with pytest.raises(InvalidDataError) as e:
        collect(tasks, [good, bad])
    assert message in e.value.report.errors[0].message and e.value.report.errors[0].file == "坏.xlsx"
    assert ledger_snapshot(tasks) == before


def test_a_forged_sheet_and_a_deleted_column(tasks, tmp_path):
    before = ledger_snapshot(tasks)
    with pytest.raises(InvalidDataError) as e:
        collect(
            tasks,
            [
                write_xlsx(
                    tmp_path / "a.xlsx",
                    [
                        ["编号", "意见建议内容", "整改进展", "整改成效", "完成时间", "佐证材料"],
                        [999, "x", "推进中", "", "", ""],
                    ],
                    sheet=TASK_SHEET,
                )
            ],
        )
    assert e.value.report.errors[0].code == "no-identity"
    with pytest.raises(InvalidDataError) as e:
        collect(tasks, [write_xlsx(tmp_path / "b.xlsx", [["编号", "整改进展"], [1, "推进中"]], sheet=TASK_SHEET)])
    assert {i.column for i in e.value.report.errors} == {"意见建议内容", "整改成效", "完成时间", "佐证材料"}
    assert ledger_snapshot(tasks) == before


def test_lights_and_the_chase_list(tasks, tmp_path):
    set_items(tasks, "id=3", progress="已完成")
    res = track(tasks, today=dt.date(2020, 9, 28), out=tmp_path / "催办清单.xlsx")
    lights = {t["id"]: t["light"] for t in res.tasks}
    assert lights == {1: "黄灯", 2: "黄灯", 3: "已完成", 4: "长期坚持"}
    late = track(tasks, today=dt.date(2020, 10, 1))
    assert {t["id"]: t["light"] for t in late.tasks}[1] == "红灯"
    assert late.by_unit["市住建局"] == {"红灯": 1, "已完成": 1}
    rows = list(load_workbook(res.path)["催办清单"].values)
    assert [r[2] for r in rows[1:]] == [1, 2]  # nearest deadline first; done and long-term tasks left out


def test_close_out_needs_finished_work_with_evidence(tasks, tmp_path):
    sheet = dispatch(tasks, tmp_path / "交办").files["市住建局"]
    collect(
        tasks,
        [
            _fill(
                sheet,
                {
                    1: {"整改进展": "已完成", "整改成效": "更换路灯", "佐证材料": "照片"},
                    3: {"整改进展": "已完成", "整改成效": "村道已硬化"},
                },
                tmp_path / "报回.xlsx",
            )
        ],
        today=dt.date(2020, 10, 5),
    )
    before = ledger_snapshot(tasks)
    with pytest.raises(InvalidDataError) as e:
        close_out(tasks, [1, 3], on=dt.date(2020, 10, 8))
    assert [i.message for i in e.value.report.errors] == ["编号 3 不能销号：没有佐证材料。"]
    assert ledger_snapshot(tasks) == before
    close_out(tasks, [1], on=dt.date(2020, 10, 8))
    assert track(tasks, today=dt.date(2020, 10, 9)).tasks[0]["light"] == "已销号"
    table = build_table(tasks, "annex2")
    row = next(r for kind, r in table.rows if kind == "row" and r[1].startswith("民主路"))
    assert row[-5:] == ["已完成", "更换路灯", "是", "2020年10月8日", "照片"]


def test_supervision_notices_for_units_with_red_or_yellow_tasks(tasks, tmp_path):
    from docx import Document

    from rectikit.documents.supervision import supervise

    write_xlsx(
        tasks.rules_dir / "单位名录.xlsx",
        [
            ["单位全称", "简称/别名（用;分隔）", "层级", "责任领导", "联系人", "联系电话"],
            ["市住建局", "", "市直", "", "黄工", "0770-1234567"],
        ],
    )
    res = supervise(tasks, today=dt.date(2020, 10, 1), reply_by=dt.date(2020, 10, 10), out_dir=tmp_path / "督办")
    assert res["tasks"] == {"市住建局": 1, "市教育局": 1}  # 住建局: id 1 red; 教育局: id 2 yellow; 民政局 long-term
    doc = Document(res["files"]["市住建局"])
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "已过整改时限仍未完成1项" in text and "2020年10月10日前" in text and "黄工（0770-1234567）" in text
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[1][1] == "1" and rows[1][5] == "红灯" and rows[1][6] == "逾期1天"


def test_site_boards_for_unfinished_and_long_term_tasks(tasks, tmp_path):
    from docx import Document

    from rectikit.documents.boards import boards

    sheet = dispatch(tasks, tmp_path / "交办").files["市住建局"]
    collect(
        tasks,
        [
            fill_sheet(
                sheet,
                {3: {"整改进展": "推进中", "公示牌设立情况": "石门村口，9月1日，照片3张"}},
                tmp_path / "报回.xlsx",
            )
        ],
        today=dt.date(2020, 9, 1),
    )
    assert {t["id"]: t["board"] for t in track(tasks, today=dt.date(2020, 9, 2)).tasks}[
        3
    ] == "石门村口，9月1日，照片3张"
    res = boards(tasks, today=dt.date(2020, 9, 2), out=tmp_path / "公示牌.docx")
    assert res["items"] == [1, 2, 3, 4]  # 4 is long-term: boards stay up
    doc = Document(res["path"])
    assert len(doc.tables) == 4 and doc.tables[0].rows[0].cells[0].text == "项目"
    assert [r.cells[0].text for r in doc.tables[0].rows][1:] == [
        "群众反映的问题",
        "整改措施",
        "整改目标",
        "整改进度",
        "责任单位",
        "整改时限",
        "监督电话",
    ]
