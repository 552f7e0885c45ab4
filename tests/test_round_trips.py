"""Workbooks that go out and come back never lose a person's work
(issue #24): a sheet someone may have filled is never written over, and
nonsense sample sizes are usage errors."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from rectikit.base.errors import UsageError
from rectikit.steps.callbacks import call_sheets, sample_size
from rectikit.steps.classify import classify
from rectikit.steps.dispatch import dispatch
from rectikit.steps.ingest import import_files

from helpers import fill_sheet, set_items, write_xlsx

D = dt.date


@pytest.fixture
def tasks(ws, tmp_path):
    rows = [["意见建议内容", "联系电话"], ["民主路路灯不亮。", "13912340001"], ["学校门口拥堵。", "13912340002"]]
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", rows)], batch="b")
    set_items(ws, lead_unit="市住建局", deadline="2020-12-31", is_key_task=1, progress="已完成", result="已修复")
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


def test_a_co_units_sheet_names_the_lead_unit_and_its_contact(ws, tmp_path):
    from openpyxl import load_workbook

    from rectikit.steps.assign import RULES_FILE, assign
    from rectikit.steps.units import UNITS_FILE
    from test_decisions import ITEMS, RULES, UNITS

    write_xlsx(ws.rules_dir / UNITS_FILE, UNITS)
    write_xlsx(ws.rules_dir / RULES_FILE, RULES)
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ITEMS)], batch="热线")
    set_items(ws, is_key_task=1)
    assign(ws, today=D(2020, 8, 20))
    sent = dispatch(ws, tmp_path / "交办", today=D(2020, 8, 25)).files
    sh = load_workbook(sent["某市城中区人民政府"])["整改任务"]
    rows = [r for r in sh.iter_rows(values_only=True) if r and r[0] is not None]
    head = next(r for r in rows if r[0] == "编号")
    lines = [dict(zip(head, r)) for r in rows if isinstance(r[0], int)]
    co = next(r for r in lines if r["分工"] == "配合")
    assert co["牵头单位及联系人"] == "某市教育局（陈某　0770-2）"
    assert all(not r["牵头单位及联系人"] for r in lines if r["分工"] == "牵头")


def test_returns_are_cleaned_and_dated_like_imports(tasks, tmp_path):
    from rectikit.base.errors import InvalidDataError
    from rectikit.steps.collect import collect

    from helpers import items_by_id

    set_items(tasks, progress=None, result=None, received_on="2020-08-11")
    path = dispatch(tasks, tmp_path / "交办", today=D(2020, 9, 1)).files["市住建局"]
    # text pasted from Word: control characters, kept in the file as Excel escapes them
    pasted = fill_sheet(
        path, {1: {"整改进展": "推进中", "整改成效": "已采购_x0007_灯具_x001B_[31m"}}, tmp_path / "r.xlsx"
    )
    collect(tasks, [pasted], today=D(2020, 9, 5))
    assert items_by_id(tasks)[1]["result"] == "已采购灯具[31m"
    early = fill_sheet(
        path, {2: {"整改进展": "已完成", "整改成效": "已疏导", "完成时间": "2020-08-01"}}, tmp_path / "early.xlsx"
    )
    with pytest.raises(InvalidDataError) as e:
        collect(tasks, [early], today=D(2020, 9, 5))
    assert [i.code for i in e.value.report.errors] == ["done-before-raised"]


def test_one_item_without_a_county_never_blocks_assign(ws, tmp_path, cli):
    from openpyxl import load_workbook

    from rectikit.steps.assign import RULES_FILE, assign
    from rectikit.steps.assignreview import export_assignments
    from rectikit.steps.units import UNITS_FILE
    from test_decisions import RULES, UNITS

    write_xlsx(ws.rules_dir / UNITS_FILE, UNITS)
    write_xlsx(ws.rules_dir / RULES_FILE, RULES)
    items = [
        ["意见建议", "县区"],
        ["民主路路灯不亮。", "城中区"],
        ["广场舞太吵。", ""],
        ["菜市场脏乱。", "江北区"],
        ["小区停车难。", "城中区"],
    ]
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", items)], batch="b")
    set_items(ws, is_key_task=1)
    res = assign(ws, today=D(2020, 8, 20))
    assert {a.item_id for a in res.assignments} == {1, 4} and set(res.left) == {2, 3}
    assert "没有填写县(市、区)" in res.left[2] and "{县区}" not in res.left[2]
    assert "江北区政府" in res.left[3]
    path = export_assignments(ws, tmp_path / "分解.xlsx", left=res.left)
    rows = [r for r in load_workbook(path)["责任分解"].iter_rows(values_only=True)]
    assert [r[0] for r in rows[1:3]] == [2, 3] and rows[1][-1].startswith("未分解：")
    r = cli("assign", "--export", tmp_path / "分解2.xlsx", "--json", "-w", ws.root)
    assert r.code == 1, r.out + r.err
    assert r.json()["complete"] is False and (tmp_path / "分解2.xlsx").exists()


def _merge_review(ws, path, keep: int | None = None):
    from openpyxl import load_workbook

    from rectikit.steps.dedupe import dedupe

    dedupe(ws, review=path)
    wb = load_workbook(path)
    sh = wb["合并审核"]
    head = [c.value for c in sh[1]]
    if keep is not None:
        for row in sh.iter_rows(min_row=2):
            row[head.index("建议保留")].value = "是" if row[head.index("编号")].value == keep else ""
    wb.save(path)
    return path


MERGED = [
    ["意见建议内容", "联系人", "联系电话"],
    ["民主路路灯不亮，晚上出行很不安全，希望尽快维修。", "", ""],
    ["民主路路灯不亮,晚上出行很不安全,希望尽快维修", "张某", "13912345678"],
    ["建议：民主路路灯不亮，晚上出行很不安全，希望尽快维修，谢谢！", "李某", "13812345678"],
]


def test_a_merged_item_keeps_every_citizen(ws, tmp_path):
    from openpyxl import load_workbook

    from rectikit.documents.export import export_ledger
    from rectikit.steps.mergereview import apply_review

    from helpers import items_by_id

    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", MERGED)], batch="b")
    apply_review(ws, _merge_review(ws, tmp_path / "合并.xlsx"))
    kept = next(i for i, it in items_by_id(ws).items() if it["merged_into"] is None)
    rows = list(load_workbook(export_ledger(ws, tmp_path / "台账.xlsx")["path"])["台账"].values)
    line = dict(zip(rows[0], next(r for r in rows[1:] if r[0] == kept)))
    assert line["联系人"] == "张某；李某" and line["联系电话"] == "13912345678；13812345678"
    set_items(ws, "merged_into IS NULL", lead_unit="市住建局", is_key_task=1, progress="已完成", result="已修复")
    sheet = call_sheets(ws, tmp_path / "回访", today=D(2020, 10, 1)).files["市住建局"]
    cells = [c for r in load_workbook(sheet)["回访记录"].iter_rows(values_only=True) for c in r if c]
    assert "13912345678；13812345678" in cells


def test_the_text_a_reviewer_keeps_is_the_one_kept(ws, tmp_path):
    from rectikit.steps.mergereview import apply_review

    from helpers import items_by_id

    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", MERGED)], batch="b")
    apply_review(ws, _merge_review(ws, tmp_path / "合并.xlsx", keep=2))  # not the longest, the reviewer's choice
    kept = [i for i, it in items_by_id(ws).items() if it["merged_into"] is None]
    assert kept == [2]


@pytest.mark.parametrize(
    "old,new,key",
    [
        (
            'key_task_dispositions = ["立行立改"]',
            'key_task_dispositions = "立行立改"',
            "[classify] key_task_dispositions",
        ),
        ("counties = []", 'counties = "江南区"', "[analysis] counties"),
        ("warn_days = 10", "warn_days = -100", "[tracking] warn_days"),
        ("key_task_max_share = 0.22", "key_task_max_share = 5", "[classify] key_task_max_share"),
        ("threshold = 0.8", "threshold = nan", "[dedupe] threshold"),
        ('start_date = ""', 'start_date = "6月10日"', "[assign] start_date"),
        ('count_from = "dispatch"', 'count_from = "yesterday"', "[assign] count_from"),
        ('reopen_days = "20个工作日"', 'reopen_days = "下个月"', "[tracking] reopen_days"),
    ],
)
def test_a_wrong_setting_is_named_before_anything_changes(ws, old, new, key, cli):
    from rectikit.base.errors import WorkspaceError

    text = ws.config_path.read_text(encoding="utf-8")
    assert old in text
    ws.config_path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(WorkspaceError) as e:
        ws.config()
    assert key in str(e.value)
    r = cli("status", "-w", ws.root)
    assert r.code == 1 and key in r.err and "Traceback" not in r.err


def test_rule_tables_are_checked_when_loaded(ws, tmp_path):
    from rectikit.base.errors import InvalidDataError
    from rectikit.steps.assign import RULES_FILE, assign
    from rectikit.steps.units import UNITS_FILE
    from rectikit.steps.units import load as load_units
    from test_decisions import RULES, UNITS

    write_xlsx(ws.rules_dir / UNITS_FILE, UNITS + [["某市教育局", "教育局", "市直", "", "", ""]])
    with pytest.raises(InvalidDataError) as e:
        load_units(ws.rules_dir / UNITS_FILE)
    assert [(i.code, i.row) for i in e.value.report.errors] == [("duplicate-unit", 5)]
    write_xlsx(ws.rules_dir / UNITS_FILE, UNITS)
    write_xlsx(
        ws.rules_dir / RULES_FILE, RULES[:2] + [[10, "", "", "", "", "路灯", "市住建局", "", "", "", "99999天", "", ""]]
    )
    with pytest.raises(InvalidDataError) as e:
        assign(ws)
    assert [(i.code, i.row, i.column) for i in e.value.report.errors] == [("bad-deadline", 3, "整改时限")]


def test_staff_only_workbooks_say_so(tasks, tmp_path):
    from openpyxl import load_workbook

    from rectikit.documents.export import export_ledger
    from rectikit.steps.tracking import track

    made = [
        export_ledger(tasks, tmp_path / "台账.xlsx")["path"],
        track(tasks, today=D(2021, 1, 5), out=tmp_path / "催办清单.xlsx").path,
        dispatch(tasks, tmp_path / "交办", today=D(2020, 9, 1)).files["市住建局"],
        call_sheets(tasks, tmp_path / "回访", today=D(2020, 10, 1)).files["市住建局"],
    ]
    for path in made:
        wb = load_workbook(path)
        assert "内部资料" in (wb.properties.keywords or "") and "不得外传" in (wb.properties.subject or ""), path
        assert "内部资料" in wb.worksheets[0].oddHeader.center.text, path
    first = load_workbook(made[2]).worksheets[0]["A1"].value
    assert "内部资料" in first


def test_a_returned_workbook_of_many_sheets_is_refused_early(tasks, tmp_path):
    from openpyxl import Workbook

    from rectikit.base.errors import InputFileError
    from rectikit.steps.returns import take_back

    wb = Workbook()
    for k in range(30):
        wb.create_sheet(f"S{k}").append(["编号", "意见建议内容"])
    wb.save(tmp_path / "多表.xlsx")
    with pytest.raises(InputFileError, match="工作表"):
        take_back(tasks, [tmp_path / "多表.xlsx"])
