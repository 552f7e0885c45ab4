"""Offices in a chain (issue #29): a city dispatches; its county takes the city's task sheet in, works it
with its own units, reports up in one command; the city collects that file as any unit's return. A
second round updates the same items; tampering with the city's columns is refused by the city."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rectikit.base import clock
from rectikit.figures import tasks_on
from rectikit.steps.collect import collect
from rectikit.steps.dispatch import dispatch
from rectikit.steps.ingest import import_files
from rectikit.steps.upstream import report_up
from rectikit.store.workspace import init_workspace

from helpers import fill_sheet, set_items, write_xlsx

COUNTY = "兴业县人民政府"
ROWS = [
    ["意见建议内容", "县区"],
    ["兴业县城区路灯不亮。", "兴业县"],
    ["兴业县蒲塘镇村道坑洼。", "兴业县"],
    ["市区公交班次太少。", "城中区"],
]


def _rows(book: Path) -> dict[int, tuple]:
    return {r[0]: r for r in load_workbook(book)["整改任务"].iter_rows(min_row=5, values_only=True) if r and r[0]}


@pytest.fixture
def chain(tmp_path):
    city = init_workspace(tmp_path / "市", office="某市绩效办", year=2020)
    import_files(city, [write_xlsx(tmp_path / "市.xlsx", ROWS)], batch="2020年度")
    set_items(city, "id IN (1, 2)", is_key_task=1, deadline="2020-12-31", lead_unit=COUNTY)
    set_items(city, "id=3", is_key_task=1, deadline="2020-12-31", lead_unit="市交通运输局")
    county = init_workspace(tmp_path / "县", office="兴业县绩效办", year=2020)
    county.config_path.write_text(
        county.config_path.read_text(encoding="utf-8").replace(
            'place = ""', f'place = "兴业县"\nupstream_names = ["{COUNTY}"]', 1
        ),
        encoding="utf-8",
    )
    return city, county


def _county_month(city, county, tmp_path, month: int, done: set[int]):
    """The city dispatches; the county takes its sheet in, passes it to its units, takes their returns and
    reports up; returns the file the county sends up."""
    sent = dispatch(
        city, tmp_path / f"市交办{month}", today=dt.date(2020, month, 1), reply_by=dt.date(2020, month, 20)
    ).files
    got = import_files(county, [Path(sent[COUNTY])], batch="市交办")
    assert got.files[0].status in ("imported", "replaced"), got.files[0]
    with county.ledger() as led:
        ids = [r[0] for r in led.conn.execute("SELECT item_id FROM upstream_items ORDER BY number")]
    for unit, i in zip(("县住建局", "县交通局"), ids):
        set_items(county, "id=?", (i,), lead_unit=unit, deadline="2020-12-31")
    books = dispatch(county, tmp_path / f"县交办{month}", today=dt.date(2020, month, 3)).files
    returns = []
    for unit, i in zip(("县住建局", "县交通局"), ids):
        fill = (
            {
                "整改进展": "已完成",
                "完成时间": f"2020-{month:02d}-10",
                "整改成效": f"{unit}已整改。",
                "佐证材料": "照片",
            }
            if i in done
            else {"整改进展": "推进中"}
        )
        returns.append(fill_sheet(Path(books[unit]), {i: fill}, tmp_path / f"{unit}{month}.xlsx"))
    with clock.fixed(dt.date(2020, month, 12)):
        assert collect(county, returns).report.ok
    up = report_up(county, "市交办", today=dt.date(2020, month, 15), out_dir=tmp_path / f"上报{month}")
    return Path(up.files[0]), ids


def test_city_county_city(chain, tmp_path):
    city, county = chain
    with county.ledger() as led:
        assert led.batch_kinds() == {}
    first, ids = _county_month(city, county, tmp_path, 7, done={1})
    with county.ledger() as led:
        assert led.batch_kinds() == {"市交办": "上级交办"} and len(ids) == 2
    with clock.fixed(dt.date(2020, 7, 16)):
        taken = collect(city, [first])
    assert taken.report.ok and taken.rows == 2
    with city.ledger() as led:
        state = {t["id"]: t for t in tasks_on(led, [], dt.date(2020, 7, 16))}
    assert (state[1]["progress"], state[1]["done_on"], state[1]["result"]) == (
        "已完成",
        "2020-07-10",
        "县住建局已整改。",
    )
    assert state[2]["progress"] == "推进中" and state[3]["progress"] is None

    # a second month: a newer round of the same sheet updates the same items, never duplicates them
    second, again = _county_month(city, county, tmp_path, 8, done={1, 2})
    assert again == ids
    with county.ledger() as led:
        assert led.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 2
    with clock.fixed(dt.date(2020, 8, 16)):
        assert collect(city, [second]).report.ok
    with city.ledger() as led:
        state = {t["id"]: t for t in tasks_on(led, [], dt.date(2020, 8, 16))}
    assert state[2]["progress"] == "已完成" and state[2]["done_on"] == "2020-08-10"

    # the county may not change what the city wrote: the city refuses it as from any unit
    wb = load_workbook(second)
    sheet = wb["整改任务"]
    for row in sheet.iter_rows(min_row=5):
        if row[0].value == 1:
            row[3].value = "改过的内容"
    wb.save(tmp_path / "改过.xlsx")
    from rectikit.base.errors import InvalidDataError

    with pytest.raises(InvalidDataError) as e:
        collect(city, [tmp_path / "改过.xlsx"])
    assert [i.code for i in e.value.report.errors] == ["row-changed"]


def test_sheets_that_are_not_for_this_office_are_refused(chain, tmp_path):
    city, county = chain
    sent = dispatch(city, tmp_path / "市交办", today=dt.date(2020, 7, 1)).files
    other = import_files(county, [Path(sent["市交通运输局"])], batch="市交办")
    assert other.files[0].status == "unreadable" and "不是发给本单位" in other.files[0].message
    import_files(county, [Path(sent[COUNTY])], batch="市交办")
    with county.ledger() as led:
        ids = [r[0] for r in led.conn.execute("SELECT item_id FROM upstream_items")]
    for i in ids:
        set_items(county, "id=?", (i,), lead_unit="县住建局")
    own = dispatch(county, tmp_path / "县交办", today=dt.date(2020, 7, 3)).files
    mine = import_files(county, [Path(own["县住建局"])], batch="再导入")
    assert mine.files[0].status == "unreadable" and "rectikit collect" in mine.files[0].message


def test_the_upstream_deadline_is_a_ceiling():
    from rectikit.steps.assign import Assignment, AssignResult, _within_ceiling

    res = AssignResult()
    a = Assignment(1, "县住建局", "", "", "", "2021-03-31", "2021-03-31", 0, "", "", "r")
    _within_ceiling(a, "2020-12-31", res)
    assert a.deadline == "2020-12-31" and res.report.issues[0].code == "upstream-deadline"
    b = Assignment(2, "县住建局", "", "", "", "2020-11-30", "30天", 0, "", "", "r")
    _within_ceiling(b, "2020-12-31", res)
    assert b.deadline == "2020-11-30" and len(res.report.issues) == 1


def test_two_items_from_above_are_never_merged_without_a_person(chain, tmp_path):
    from rectikit.steps.dedupe import dedupe

    city, county = chain
    set_items(city, "id=2", text="兴业县城区路灯不亮。")  # the city sent the same text twice
    sent = dispatch(city, tmp_path / "市交办", today=dt.date(2020, 7, 1)).files
    import_files(county, [Path(sent[COUNTY])], batch="市交办")
    res = dedupe(county, auto=True, review=tmp_path / "合并审核.xlsx")
    assert res.merged_groups == 0 and res.groups  # proposed to a person, not merged


def test_a_dry_run_lists_what_changed_since_the_sheet_came(chain, tmp_path):
    city, county = chain
    _county_month(city, county, tmp_path, 7, done={1})
    seen = report_up(county, "市交办", today=dt.date(2020, 7, 15), dry_run=True)
    assert seen.files == [] and list(seen.changes.values()) == [[1, 2]]  # both rows now carry the county's news
