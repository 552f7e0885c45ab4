"""Returned task sheets that are not the unit's own, or that would undo
closed work, change nothing (issue #12, high 1 and 2)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

import pytest
from openpyxl import load_workbook

from rectikit.base.errors import InvalidDataError, UsageError
from rectikit.steps.collect import collect
from rectikit.steps.dispatch import dispatch
from rectikit.steps.ingest import import_files
from rectikit.steps.tracking import close_out, reopen
from rectikit.store.workspace import init_workspace

from helpers import fill_sheet, items_by_id, ledger_snapshot, set_items, write_xlsx

ROWS = [["意见建议内容"], ["民主路路灯不亮。"], ["实验小学门口拥堵。"], ["石门村村道坑洼。"], ["没有交办的意见。"]]
PLAN = {1: "市住建局", 2: "市教育局", 3: "市住建局"}


def _ready(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="2019年度")
    for i, unit in PLAN.items():
        set_items(ws, "id=?", (i,), lead_unit=unit, deadline="2020-12-31", is_key_task=1)
    set_items(ws, "id=4", is_key_task=1)
    return dispatch(ws, tmp_path / "交办").files


@pytest.fixture
def sent(ws, tmp_path):
    return ws, _ready(ws, tmp_path)


def _fill(path, out, edits: dict[int, dict[str, object]], *, ids: dict[int, int] | None = None):
    return fill_sheet(path, edits, out, ids=ids)


def _refused(ws, files, code):
    before = ledger_snapshot(ws)
    with pytest.raises(InvalidDataError) as e:
        collect(ws, files)
    assert code in [i.code for i in e.value.report.errors], e.value.report.errors
    assert ledger_snapshot(ws) == before
    return e.value.report.errors


def test_a_row_of_another_units_task_is_refused(sent, tmp_path):
    ws, files = sent
    # 住建局 changes one of its rows to 编号 2, which was sent to 教育局
    back = _fill(files["市住建局"], tmp_path / "r.xlsx", {1: {"整改进展": "推进中"}}, ids={1: 2})
    errors = _refused(ws, [back], "not-in-book")
    assert (
        "发给市住建局" in errors[0].message and errors[0].row == 5 and errors[0].column == "编号"
    )  # below 3 title lines


def test_a_never_dispatched_item_is_refused(sent, tmp_path):
    ws, files = sent
    _refused(
        ws, [_fill(files["市住建局"], tmp_path / "r.xlsx", {1: {"整改进展": "推进中"}}, ids={1: 4})], "not-in-book"
    )


def test_swapped_ids_are_caught_by_the_text(sent, tmp_path):
    ws, files = sent
    back = _fill(
        files["市住建局"], tmp_path / "r.xlsx", {1: {"整改进展": "已完成", "整改成效": "已修复"}}, ids={1: 3, 3: 1}
    )
    _refused(ws, [back], "row-changed")


def test_a_sheet_from_another_workspace_is_refused(sent, tmp_path):
    ws, _ = sent
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    theirs = _ready(init_workspace(elsewhere / "ws", office="别处", year=2020), elsewhere)
    back = _fill(theirs["市住建局"], tmp_path / "r.xlsx", {1: {"整改进展": "推进中"}})
    _refused(ws, [back], "other-workspace")


def test_a_copied_book_with_a_second_report_of_one_task(sent, tmp_path):
    ws, files = sent
    a = _fill(files["市住建局"], tmp_path / "a.xlsx", {1: {"整改进展": "推进中"}})
    b = _fill(files["市住建局"], tmp_path / "b.xlsx", {1: {"整改进展": "未启动"}})
    errors = _refused(ws, [a, b], "duplicate-id")
    assert errors[0].file == "b.xlsx" and "a.xlsx 第5行" in errors[0].message


def test_closed_tasks_stay_closed_and_blanks_never_erase(sent, tmp_path):
    ws, files = sent
    done = _fill(
        files["市住建局"],
        tmp_path / "done.xlsx",
        {
            1: {"整改进展": "已完成", "整改成效": "更换路灯", "完成时间": "2020-09-20", "佐证材料": "照片"},
            3: {"整改进展": "推进中", "整改成效": "已进场", "佐证材料": "施工合同"},
        },
    )
    collect(ws, [done])
    close_out(ws, [1], on=dt.date(2020, 10, 1))
    # an older copy comes back later: 推进中, blanks where results were
    stale = _fill(files["市住建局"], tmp_path / "stale.xlsx", {1: {"整改进展": "推进中"}, 3: {"整改进展": "推进中"}})
    res = collect(ws, [stale])
    got = items_by_id(ws)
    assert (got[1]["closed"], got[1]["progress"], got[1]["result"], got[1]["evidence"]) == (
        1,
        "已完成",
        "更换路灯",
        "照片",
    )
    assert [(i.code, i.row) for i in res.report.issues if i.code == "closed"] == [("closed", 5)]
    assert (got[3]["result"], got[3]["evidence"]) == ("已进场", "施工合同")  # blank cells kept what was stored
    cleared = _fill(files["市住建局"], tmp_path / "clear.xlsx", {3: {"佐证材料": "清空"}})
    collect(ws, [cleared])
    assert items_by_id(ws)[3]["evidence"] is None


def test_reopen_is_the_way_back(sent, tmp_path):
    ws, files = sent
    collect(
        ws,
        [
            _fill(
                files["市住建局"],
                tmp_path / "d.xlsx",
                {1: {"整改进展": "已完成", "整改成效": "更换路灯", "佐证材料": "照片"}},
            )
        ],
        today=dt.date(2020, 9, 30),
    )
    with pytest.raises(InvalidDataError) as e:  # closed before the unit said it was finished
        close_out(ws, [1], on=dt.date(2020, 9, 29))
    assert "销号日期早于完成日期 2020-09-30" in e.value.report.errors[0].message
    close_out(ws, [1], on=dt.date(2020, 10, 1))
    with pytest.raises(UsageError, match="原因"):
        reopen(ws, [1], reason=" ")
    with pytest.raises(InvalidDataError, match="不能重新打开"):
        reopen(ws, [1, 3], reason="回访不满意")
    reopen(ws, [1], reason="回访不满意")
    got = items_by_id(ws)[1]
    assert (got["closed"], got["closed_on"], got["progress"]) == (None, None, "推进中")
    con = sqlite3.connect(ws.ledger_path)
    assert (
        con.execute("SELECT COUNT(*) FROM history WHERE action='reopen' AND detail LIKE '%回访不满意%'").fetchone()[0]
        == 1
    )
    con.close()
    # the sheet sent before the reopening is stale for that task; the next dispatch carries it again
    stale = _fill(files["市住建局"], tmp_path / "stale.xlsx", {1: {"整改进展": "已完成", "整改成效": "全部更换"}})
    res = collect(ws, [stale])
    assert "stale-book" in [i.code for i in res.report.issues] and items_by_id(ws)[1]["result"] is None
    fresh = dispatch(ws, tmp_path / "交办2").files["市住建局"]
    collect(ws, [_fill(fresh, tmp_path / "again.xlsx", {1: {"整改进展": "已完成", "整改成效": "全部更换"}})])
    assert items_by_id(ws)[1]["result"] == "全部更换"


def test_returning_the_same_book_twice_over_time_changes_nothing_more(sent, tmp_path):
    ws, files = sent
    back = _fill(files["市教育局"], tmp_path / "r.xlsx", {2: {"整改进展": "推进中", "整改成效": "错峰放学"}})
    assert collect(ws, [back]).changed == 2
    shutil.copy(back, tmp_path / "r2.xlsx")
    assert collect(ws, [tmp_path / "r2.xlsx"]).changed == 0


def test_review_files_from_another_workspace_are_refused(tmp_path):
    """A classify, dedupe or assign review file applies only where it was made."""
    from rectikit.steps.assignreview import apply_assignments, export_assignments
    from rectikit.steps.classify import classify
    from rectikit.steps.classreview import apply_review as apply_classify
    from rectikit.steps.dedupe import dedupe
    from rectikit.steps.mergereview import apply_review as apply_dedupe

    rows = [["意见建议内容"], ["民主路路灯不亮，晚上很黑。"], ["民主路路灯不亮，晚上很黑！"], ["学校门口拥堵。"]]
    made = []
    for name in ("这里", "别处"):
        folder = tmp_path / name
        folder.mkdir()
        ws = init_workspace(folder / "ws", office=name, year=2020)
        import_files(ws, [write_xlsx(folder / "a.xlsx", rows)], batch="2019年度")
        made.append(
            (
                ws,
                classify(ws, review=folder / "分类.xlsx").review_path,
                dedupe(ws, review=folder / "合并.xlsx").review_path,
                export_assignments(ws, folder / "分解.xlsx", include_all=True),
            )
        )
    here, (_, classify_there, dedupe_there, assign_there) = made[0][0], made[1]
    for apply, path in (
        (apply_classify, classify_there),
        (apply_dedupe, dedupe_there),
        (apply_assignments, assign_there),
    ):
        _refused_apply(here, apply, path)
    assert apply_classify(here, made[0][1]).changed == 0  # its own review file applies


def _refused_apply(ws, apply, path):
    before = ledger_snapshot(ws)
    with pytest.raises(InvalidDataError) as e:
        apply(ws, path)
    assert "other-workspace" in [i.code for i in e.value.report.errors]
    assert ledger_snapshot(ws) == before


def test_export_and_annex2_show_where_each_task_stands(sent, tmp_path):

    from rectikit.documents.annextable import build_table
    from rectikit.documents.export import export_ledger

    ws, files = sent
    collect(
        ws,
        [
            _fill(
                files["市住建局"],
                tmp_path / "d.xlsx",
                {1: {"整改进展": "已完成", "整改成效": "更换路灯", "佐证材料": "照片"}},
            )
        ],
        today=dt.date(2020, 9, 30),
    )
    close_out(ws, [1], on=dt.date(2020, 10, 1))
    path = export_ledger(ws, tmp_path / "台账.xlsx", today=dt.date(2021, 1, 5))["path"]
    rows = list(load_workbook(path)["台账"].values)
    head = rows[0]
    by_id = {r[0]: dict(zip(head, r)) for r in rows[1:]}
    assert (by_id[1]["整改进展"], by_id[1]["是否销号"], by_id[1]["整改状态"]) == ("已完成", "是", "已销号")
    assert (by_id[2]["是否销号"], by_id[2]["整改状态"]) == ("否", "红灯")  # deadline 2020-12-31 has passed
    annex2 = [r for kind, r in build_table(ws, "annex2").rows if kind == "row"]
    closed_col = [f for _, f, _ in build_table(ws, "annex2").layout.columns].index("closed")
    assert sorted(r[closed_col] for r in annex2) == ["", "否", "否", "是"]  # item 4 has no unit yet


def test_who_returned_the_task_sheet_on_time(ws, tmp_path):
    """The analysis report's "按时反馈，未出现迟报漏报" comes from the day each sheet was asked back by
    and the day its return was taken in."""
    from rectikit.base import clock
    from rectikit.figures import timeliness

    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="2019年度")
    for i, unit in {**PLAN, 4: "市民政局"}.items():
        set_items(ws, "id=?", (i,), lead_unit=unit, deadline="2020-12-31", is_key_task=1)
    book = dispatch(ws, tmp_path / "交办", today=dt.date(2020, 7, 1), reply_by=dt.date(2020, 7, 10)).files
    with clock.fixed(dt.date(2020, 7, 8)):
        collect(ws, [_fill(book["市住建局"], tmp_path / "住建.xlsx", {1: {"整改进展": "推进中"}})])
    with clock.fixed(dt.date(2020, 7, 15)):
        collect(ws, [_fill(book["市教育局"], tmp_path / "教育.xlsx", {2: {"整改进展": "推进中"}})])
    with ws.ledger() as led:
        assert timeliness(led, [], dt.date(2020, 7, 9)) == {"sheets": 0, "on_time": 0, "late": [], "missing": []}
        assert timeliness(led, [], dt.date(2020, 7, 20)) == {
            "sheets": 3,
            "on_time": 1,
            "late": [("市教育局", 5)],
            "missing": ["市民政局"],
        }
        # as of the 12th the education bureau's return had not come: it was missing then, not late
        assert timeliness(led, [], dt.date(2020, 7, 12))["missing"] == ["市教育局", "市民政局"]
