"""A corrected copy of an imported file: refused by default, replaces the old
version with --replace (keeping the work done), or adds with --add (#12)."""

from __future__ import annotations

import sqlite3

import pytest

from rectikit.base.errors import InvalidDataError
from rectikit.figures import ledger_status
from rectikit.steps.ingest import import_files

from helpers import items_by_id, ledger_snapshot, set_items, write_xlsx

FIRST = [
    ["意见建议内容", "县区"],
    ["民主路路灯不亮。", "城中区"],
    ["村道坑洼。", "平山县"],
    ["学校门口拥堵。", "江南区"],
    ["菜市场脏乱。", "城中区"],
]
# the county of one row corrected, one row dropped, one added
SECOND = [
    ["意见建议内容", "县区"],
    ["民主路路灯不亮。", "城中区"],
    ["村道坑洼。", "青溪县"],
    ["学校门口拥堵。", "江南区"],
    ["公交班次太少。", "北湖区"],
]


@pytest.fixture
def imported(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "汇总.xlsx", FIRST)], batch="2019年度")
    set_items(ws, "id=1", category="基础设施建设", category_source="manual", lead_unit="市住建局")
    (tmp_path / "新").mkdir()
    return ws, write_xlsx(tmp_path / "新" / "汇总.xlsx", SECOND)


def test_a_new_version_is_refused_by_default(imported):
    ws, second = imported
    before = ledger_snapshot(ws)
    res = import_files(ws, [second], batch="2019年度")
    assert not res.ok and res.files[0].status == "changed-version"
    assert "--replace" in res.files[0].message and "3 条相同" in res.files[0].message
    assert ledger_snapshot(ws) == before


def test_replace_keeps_the_work_on_unchanged_rows(imported):
    ws, second = imported
    res = import_files(ws, [second], batch="2019年度", replace=True)
    assert res.ok and res.files[0].status == "replaced" and res.added == 1
    got = items_by_id(ws)
    assert (got[1]["category"], got[1]["lead_unit"]) == ("基础设施建设", "市住建局")  # the work stayed
    assert got[2]["county"] == "青溪县"  # the correction came in
    assert 4 not in got and [i["text"] for i in got.values()][-1] == "公交班次太少。"
    st = ledger_status(ws)["batches"][0]
    assert (st["files"], st["raw_items"]) == (1, 4)
    con = sqlite3.connect(ws.ledger_path)
    assert con.execute("SELECT COUNT(*) FROM history WHERE action='withdraw' AND entity_id='4'").fetchone()[0] == 1
    con.close()


def test_replace_stops_when_a_dropped_row_had_work(imported):
    ws, second = imported
    set_items(ws, "id=4", progress="推进中")
    before = ledger_snapshot(ws)
    with pytest.raises(InvalidDataError, match="编号 4"):
        import_files(ws, [second], batch="2019年度", replace=True)
    assert ledger_snapshot(ws) == before


def test_add_imports_it_as_more_items(imported):
    ws, second = imported
    assert import_files(ws, [second], batch="2019年度", add=True).added == 4


def test_replace_recognises_a_row_whose_text_was_corrected(imported, tmp_path):
    """The worked row's text is edited in the new version: same item, corrected text, its work kept."""
    ws, _ = imported
    edited = [
        ["意见建议内容", "县区"],
        ["民主路的路灯不亮，晚上很黑。", "城中区"],
        ["村道坑洼。", "平山县"],
        ["学校门口拥堵。", "江南区"],
        ["菜市场脏乱。", "城中区"],
    ]
    (tmp_path / "改").mkdir()
    res = import_files(ws, [write_xlsx(tmp_path / "改" / "汇总.xlsx", edited)], batch="2019年度", replace=True)
    assert res.ok and res.files[0].status == "replaced" and res.added == 0
    got = items_by_id(ws)
    assert (got[1]["text"], got[1]["lead_unit"], got[1]["category_source"]) == (
        "民主路的路灯不亮，晚上很黑。",
        "市住建局",
        "manual",
    )
    assert "1 条的内容有改正" in res.files[0].message
    con = sqlite3.connect(ws.ledger_path)
    assert (
        con.execute("SELECT old FROM history WHERE action='replace' AND entity_id='1' AND field='text'").fetchone()[0]
        == "民主路路灯不亮。"
    )
    con.close()


def test_replace_names_assigned_items_whose_county_changed(imported):
    ws, second = imported
    set_items(ws, "id=2", lead_unit="平山县政府", assign_source="rules")
    res = import_files(ws, [second], batch="2019年度", replace=True)
    assert res.files[0].reassign == [2] and "rectikit assign" in res.files[0].message


def test_replace_without_an_earlier_version_is_an_error(ws, tmp_path):
    before = ledger_snapshot(ws)
    res = import_files(ws, [write_xlsx(tmp_path / "新材料.xlsx", FIRST)], batch="2019年度", replace=True)
    assert not res.ok and res.files[0].status == "no-earlier" and "没有找到" in res.files[0].message
    assert ledger_snapshot(ws) == before


def test_a_corrected_workbook_of_several_sheets_is_recognised(ws, tmp_path):
    from openpyxl import Workbook

    def workbook(path, first_county):
        wb = Workbook()
        a = wb.active
        a.title = "城乡居民"
        for r in [["意见建议内容", "县区"], ["民主路路灯不亮。", first_county], ["村道坑洼。", "平山县"]]:
            a.append(r)
        b = wb.create_sheet("企业开办")
        for r in [["意见建议内容", "县区"], ["办证时间太长。", "城中区"], ["窗口人少。", "江南区"]]:
            b.append(r)
        wb.save(path)
        return path

    import_files(ws, [workbook(tmp_path / "汇总.xlsx", "城中区")], batch="b", sheet="all")
    (tmp_path / "新").mkdir()
    corrected = workbook(tmp_path / "新" / "汇总.xlsx", "江南区")
    before = ledger_snapshot(ws)
    res = import_files(ws, [corrected], batch="b", sheet="all")
    assert res.files[0].status == "changed-version" and "工作表" in res.files[0].message
    assert ledger_snapshot(ws) == before
    res = import_files(ws, [corrected], batch="b", sheet="all", replace=True)
    assert res.ok and res.files[0].status == "replaced" and res.added == 0
    got = items_by_id(ws)
    assert len(got) == 4 and got[1]["county"] == "江南区"
