"""One workspace driven through June–December 2020 with an injected clock
(--today on every command): units report in July and August on the month
before, close-outs in September, a callback in October reopens a task. The
monthly reports equal counts made here by hand from the story, October made
again in December is the same, and track, annex 2 and the report agree on
the same day (issue #23)."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from openpyxl import load_workbook

from rectikit.base.stats import wilson
from rectikit.documents.annextable import build_table
from rectikit.documents.monthly import monthly_report
from rectikit.documents.satisfaction import satisfaction_report
from rectikit.steps.callbacks import SHEET as CALL_SHEET
from rectikit.steps.callbacks import call_sheets
from rectikit.steps.dispatch import dispatch
from rectikit.steps.ingest import import_files
from rectikit.steps.returns import take_back
from rectikit.steps.tracking import close_out, track

from helpers import fill_sheet, items_by_id, set_items, write_xlsx

D = dt.date
A, B, C = "市住建局", "市教育局", "市交通运输局"
# item -> (lead unit, deadline)
PLAN = {
    1: (A, "2020-07-31"),
    2: (A, "2020-07-31"),
    3: (A, "2020-09-30"),
    4: (A, "2020-09-30"),
    5: (A, "2020-07-31"),
    6: (B, "2020-08-31"),
    7: (B, "2020-08-31"),
    8: (B, "2020-07-31"),
    9: (B, "2020-12-31"),
    10: (C, "2020-08-31"),
    11: (C, "2020-12-31"),
    12: (C, "2020-07-15"),
}


def _done(result: str, on: str) -> dict:
    return {"整改进展": "已完成", "整改成效": result, "完成时间": on, "佐证材料": "现场照片"}


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    from rectikit.store.workspace import init_workspace

    tmp = tmp_path_factory.mktemp("months")
    ws = init_workspace(tmp / "ws", office="测试市绩效办", year=2020)
    rows = [["意见建议内容", "联系电话"]] + [
        [f"第{k}号问题：某路段路灯不亮，请尽快修复。", f"1391234{k:04d}"] for k in PLAN
    ]
    import_files(ws, [write_xlsx(tmp / "意见.xlsx", rows)], batch="2020年中期")
    for i, (unit, deadline) in PLAN.items():
        set_items(ws, "id=?", (i,), lead_unit=unit, deadline=deadline, deadline_text=deadline, is_key_task=1)
    june = dispatch(ws, tmp / "交办1", today=D(2020, 6, 15)).files
    # July 5: the first returns, about June
    a1 = fill_sheet(
        june[A],
        {
            1: _done("已修复", "2020-06-20"),
            2: _done("已修复", "2020-06-28"),
            3: {"整改进展": "推进中", "整改成效": "已采购灯具"},
        },
        tmp / "住建局-1.xlsx",
    )
    b1 = fill_sheet(june[B], {6: _done("已整改", "2020-06-30")}, tmp / "教育局-1.xlsx")
    take_back(ws, [a1, b1], today=D(2020, 7, 5))
    july = monthly_report(ws, month="2020-07", out_dir=tmp / "月报", today=D(2020, 8, 2))  # before August's returns
    august_sheets = dispatch(ws, tmp / "交办2", today=D(2020, 8, 1)).files
    # August 5: the second round, about July; a day later the nightly run takes round 1 again
    a2 = fill_sheet(
        august_sheets[A], {3: _done("全部更换", "2020-07-15"), 4: _done("已修复", "2020-07-20")}, tmp / "住建局-2.xlsx"
    )
    b2 = fill_sheet(august_sheets[B], {7: _done("已整改", "2020-07-31")}, tmp / "教育局-2.xlsx")
    take_back(ws, [b2, a2], today=D(2020, 8, 5))
    again = take_back(ws, [a1], today=D(2020, 8, 6))
    july_late = monthly_report(ws, month="2020-07", out_dir=tmp / "月报-8月6日", today=D(2020, 8, 6))
    close_out(ws, [1, 2, 3, 6], on=D(2020, 9, 10), today=D(2020, 9, 10))
    # October: one callback run (all finished items), calls made on 10-10, taken back on 10-12
    sheets = call_sheets(ws, tmp / "回访", today=D(2020, 10, 8))
    answers = {
        1: {"是否联系上": "是", "满意度": "满意"},
        2: {"是否联系上": "是", "满意度": "不满意", "群众意见": "又坏了"},
        3: {"是否联系上": "是", "满意度": "基本满意"},
        4: {"是否联系上": "是", "满意度": "满意"},
        6: {"是否联系上": "否", "未联系上原因": "停机", "满意度": "不满意"},
        7: {"是否联系上": "是", "满意度": "满意"},
    }
    for a in answers.values():
        a.update({"回访人": "李某", "回访时间": "2020-10-10"})
    back = [
        fill_sheet(p, answers, tmp / f"回访-{k}.xlsx", sheet=CALL_SHEET) for k, p in enumerate(sheets.files.values())
    ]
    called = take_back(ws, back, today=D(2020, 10, 12))
    return {
        "ws": ws,
        "tmp": tmp,
        "july_early": july,
        "july_late": july_late,
        "again": again,
        "called": called,
        "sheets": sheets,
        "a1": a1,
    }


# Counted by hand from the story above: (tasks, done this month, done, closed this month, closed, overdue)
EXPECTED = {
    "2020-06": (12, 3, 3, 0, 0, 0),  # 1, 2, 6 finished in June; nothing due yet
    "2020-07": (12, 3, 6, 0, 0, 1),  # 3, 4, 7 in July; 12 (due 07-15) overdue; due 07-31 is not late on 07-31
    "2020-08": (12, 0, 6, 0, 0, 3),  # 5, 8 (07-31) and 12 overdue; 10 is due on 08-31
    "2020-09": (12, 0, 6, 4, 4, 4),  # 1, 2, 3, 6 closed on 09-10; 10 now overdue too
    "2020-10": (12, 0, 5, 0, 3, 4),  # 2 reopened on 10-10 with a new deadline: neither done, closed nor late
}
KEYS = ("tasks", "done_this_month", "done", "closed_this_month", "closed", "overdue")


@pytest.mark.parametrize("month", EXPECTED)
def test_monthly_reports_equal_the_story(story, month):
    res = monthly_report(story["ws"], month=month, out_dir=story["tmp"] / "月报", today=D(2020, 11, 5))
    assert tuple(res["figures"]["total"][k] for k in KEYS) == EXPECTED[month]


def test_units_that_reported_in_a_month(story):
    fig = monthly_report(story["ws"], month="2020-08", out_dir=story["tmp"] / "月报", today=D(2020, 11, 5))["figures"]
    assert fig["not_reported"] == [C] and fig["units"][0]["unit"] in (A, B, C)
    sept = monthly_report(story["ws"], month="2020-09", out_dir=story["tmp"] / "月报", today=D(2020, 11, 5))
    assert sorted(sept["figures"]["not_reported"]) == sorted([A, B, C])


def test_a_month_made_before_late_returns_says_what_arrived_late(story):
    early = story["july_early"]  # made on 08-02, before the August returns about July
    assert early["figures"]["total"]["done"] == 3 and early["late"] is None
    later = story["july_late"]  # made on 08-06, after them
    assert later["figures"]["total"]["done"] == 6
    late = later["late"]
    assert late["changed"] == [3, 4, 7] and late["edition"] == 1
    assert "编号3：市住建局报回已完成，完成于2020年7月15日，2020年8月5日录入" in late["text"]
    from docx import Document

    assert any(late["text"] == p.text for p in Document(later["files"]["docx"]).paragraphs)
    again = monthly_report(story["ws"], month="2020-07", out_dir=story["tmp"] / "月报", edition=1)
    assert again["figures"]["total"] == early["figures"]["total"]  # the first edition, made again as it was


def test_october_made_again_in_december_is_the_same(story):
    ws, out = story["ws"], story["tmp"] / "月报"
    nov = monthly_report(ws, month="2020-10", out_dir=out, today=D(2020, 11, 3))
    dec = monthly_report(ws, month="2020-10", out_dir=out, today=D(2020, 12, 5))
    assert dec["figures"] == nov["figures"] and dec["overview"] == nov["overview"] and dec["late"] is None
    assert "截至2020年10月31日" in dec["overview"]
    running = monthly_report(ws, month="2020-12", out_dir=out, today=D(2020, 12, 5))
    assert running["as_of"] == "2020-12-05" and "截至2020年12月5日" in running["overview"]


def test_track_and_annex2_agree_with_the_report_on_the_same_day(story):
    ws = story["ws"]
    day = D(2020, 10, 31)
    lights = track(ws, today=day).counts()
    fig = monthly_report(ws, month="2020-10", out_dir=story["tmp"] / "月报", today=D(2020, 11, 3))["figures"]["total"]
    assert lights.get("红灯", 0) == fig["overdue"]
    assert lights.get("已完成", 0) + lights.get("已销号", 0) == fig["done"] and lights.get("已销号", 0) == fig["closed"]
    # before the close-outs, the same task list on an earlier day
    aug = track(ws, today=D(2020, 8, 31)).counts()
    assert (aug.get("红灯"), aug.get("已销号", 0), aug.get("已完成")) == (3, 0, 6)
    rows = {r[1]: r for kind, r in build_table(ws, "annex2", today=day).rows if kind == "row"}
    assert len(rows) == 12


def test_a_reopened_task_leaves_its_old_result_behind(story):
    ws = story["ws"]
    got = items_by_id(ws)[2]
    assert (got["progress"], got["closed"], got["result"], got["evidence"], got["done_on"]) == (
        "推进中",
        None,
        None,
        None,
        None,
    )
    assert got["reopened"] == "回访不满意" and got["reopened_on"] == "2020-10-10"
    assert got["deadline"] > "2020-11-01"  # 20 working days from the reopening, not the old 07-31
    assert story["called"].reopened == [2]  # 6 said 不满意 but was never reached: nothing reopens
    table = build_table(ws, "annex2", today=D(2020, 10, 31))
    head = [h for h, *_ in table.layout.columns]
    row = next(r for kind, r in table.rows if kind == "row" and "第2号问题" in r[1])
    cell = dict(zip(head, row))
    assert (
        "重新整改" in cell["完成情况"]
        and cell["整改成效"] == ""
        and cell["佐证材料"] == ""
        and cell["是否销号"] == "否"
    )
    # on 09-30 the same annex still showed it finished and closed
    sept = build_table(ws, "annex2", today=D(2020, 9, 30))
    row = dict(zip(head, next(r for kind, r in sept.rows if kind == "row" and "第2号问题" in r[1])))
    assert row["整改成效"] == "已修复" and row["是否销号"] == "是"
    # and the next dispatch carries it, marked
    sent = dispatch(ws, story["tmp"] / "交办3", today=D(2020, 10, 15)).files[A]
    sh = load_workbook(sent)["整改任务"]
    head_row = next(r for r in sh.iter_rows(values_only=True) if r and r[0] == "编号")
    line = next(r for r in sh.iter_rows(values_only=True) if r and r[0] == 2)
    assert "重新整改" in dict(zip(head_row, line))["备注"]


def test_an_older_round_never_undoes_a_newer_one(story):
    ws = story["ws"]
    codes = [i.code for i in story["again"].report.issues]
    assert story["again"].changed == 0 and "stale-book" in codes  # item 3 stays done
    assert items_by_id(ws)[3]["progress"] == "已完成"
    # the round-1 sheet taken again after the reopening changes nothing either
    res = take_back(ws, [story["a1"]], today=D(2020, 10, 20))
    assert res.changed == 0 and items_by_id(ws)[2]["progress"] == "推进中"


def test_one_callback_run_is_one_round(story):
    ws = story["ws"]
    assert len(story["sheets"].files) >= 2  # several sheets …
    res = satisfaction_report(ws, out=story["tmp"] / "满意度.xlsx", today=D(2020, 10, 31))
    (rnd,) = res["rounds"]  # … one round
    assert (rnd["called"], rnd["reached"], rnd["satisfied"], rnd["sheets"]) == (6, 5, 4, len(story["sheets"].files))
    n, k, z = 5, 4, 1.96  # the Wilson interval, worked out here
    p = k / n
    centre, half = (
        (p + z * z / (2 * n)) / (1 + z * z / n),
        z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5 / (1 + z * z / n),
    )
    assert (rnd["low"], rnd["high"]) == pytest.approx((centre - half, centre + half))
    assert (rnd["low"], rnd["high"]) == pytest.approx(wilson(4, 5))
    assert rnd["first_call"] == rnd["last_call"] == "2020-10-10" and rnd["rate_of_called"] == pytest.approx(4 / 6)


def test_a_second_round_is_compared_in_percentage_points(story, tmp_path):
    from rectikit.store.workspace import Workspace

    ws = Workspace(tmp_path / "copy")
    shutil.copytree(story["ws"].root, ws.root)
    sheets = call_sheets(ws, tmp_path / "回访2", today=D(2020, 11, 20))
    answers = {i: {"是否联系上": "是", "满意度": "满意", "回访时间": "2020-11-21"} for i in (1, 3, 4, 6, 7)}
    take_back(
        ws,
        [
            fill_sheet(p, answers, tmp_path / f"r{k}.xlsx", sheet=CALL_SHEET)
            for k, p in enumerate(sheets.files.values())
        ],
        today=D(2020, 11, 22),
    )
    res = satisfaction_report(ws, out=tmp_path / "满意度.xlsx", today=D(2020, 11, 30))
    first, second = res["rounds"]
    assert second["rate"] == 1.0 and second["change_points"] == pytest.approx(20.0)
    cells = [
        str(c)
        for sh in load_workbook(res["path"]).worksheets
        for row in sh.iter_rows(values_only=True)
        for c in row
        if c
    ]
    assert any("第2轮（2020-11-21" in c and "比上一轮提高 20.0 个百分点" in c for c in cells)
    assert any("比上一轮提高 20.0 个百分点" in line for line in res["round_lines"])


def test_the_command_line_takes_today(story, cli):
    r = cli("track", "--today", "2020-08-31", "--json", "-w", story["ws"].root)
    assert r.code == 0, r.err
    assert json.loads(r.out)["counts"]["红灯"] == 3
    bad = cli("track", "--today", "2020-13-01", "-w", story["ws"].root)
    assert bad.code == 2


@pytest.mark.parametrize(
    "command",
    [
        c.split()
        for c in (
            "import status export dedupe unmerge classify assign render dispatch collect track supervise closeout reopen "
            "callback satisfaction boards plan analyse notice demo"
        ).split()
    ]
    + [["report", "monthly"], ["report", "investigation"], ["frame", "templates"], ["frame", "merge"]],
    ids=" ".join,
)
def test_every_command_takes_today(cli, command):
    r = cli(*command, "--help")
    assert r.code == 0 and "--today" in r.out
