import datetime as dt
import shutil

import pytest
from openpyxl import load_workbook

from rectikit.base.errors import InvalidDataError
from rectikit.base.resources import examples_dir
from rectikit.steps.assign import RULES_FILE, assign
from rectikit.steps.assignreview import apply_assignments, export_assignments
from rectikit.steps.deadlines import DeadlineError, add_workdays, parse_deadline
from rectikit.steps.ingest import import_files
from rectikit.steps.units import UNITS_FILE
from rectikit.steps.units import load as load_units

from helpers import items_by_id, ledger_snapshot, write_xlsx

D = dt.date


@pytest.mark.parametrize(
    "start,n,expected",
    [
        (D(2020, 9, 30), 1, D(2020, 10, 9)),  # National Day 10-01..10-08 off
        (D(2020, 9, 30), 2, D(2020, 10, 10)),  # Saturday 10-10 is a make-up working day
        (D(2020, 9, 25), 1, D(2020, 9, 27)),  # Sunday 09-27 is a make-up working day
        (D(2020, 9, 30), 5, D(2020, 10, 14)),
        (D(2021, 2, 10), 1, D(2021, 2, 18)),  # Spring Festival 2021: 02-11..02-17 off
        (D(2021, 2, 5), 2, D(2021, 2, 8)),  # Saturday 02-07 is a make-up day: 02-07, 02-08
        (D(2023, 1, 20), 1, D(2023, 1, 28)),  # Spring Festival 2023: 01-21..01-27 off, Sat 01-28 worked
        (D(2024, 2, 9), 1, D(2024, 2, 18)),  # Spring Festival 2024: 02-10..02-17 off, Sun 02-18 worked
    ],
)
def test_working_days_follow_the_official_calendar(start, n, expected):
    assert add_workdays(start, n) == expected


@pytest.mark.parametrize(
    "phrase,expected",
    [
        ("2020年11月30日", D(2020, 11, 30)),
        ("11月底", D(2020, 11, 30)),
        ("2月底", D(2020, 2, 29)),
        ("年底前", D(2020, 12, 31)),
        ("6月中旬", D(2020, 6, 20)),
        ("十二月底", D(2020, 12, 31)),
        ("30天", D(2020, 10, 30)),
        ("三十天内", D(2020, 10, 30)),
        ("5个工作日", D(2020, 10, 14)),
        ("2021年3月底前", D(2021, 3, 31)),
        (D(2020, 8, 1), D(2020, 8, 1)),
    ],
)
def test_deadline_phrases(phrase, expected):
    assert parse_deadline(phrase, start=D(2020, 9, 30), year=2020).date == expected


def test_long_term_has_a_yearly_checkpoint():
    d = parse_deadline("长期坚持", start=D(2020, 6, 10), year=2020)
    assert d.long_term and d.date is None and d.checkpoint == D(2020, 12, 31)


@pytest.mark.parametrize("phrase", ["下周", "", "13月底", "尽快"])
def test_unparseable_deadline(phrase):
    with pytest.raises(DeadlineError):
        parse_deadline(phrase, start=D(2020, 6, 10), year=2020)


def test_years_the_calendar_does_not_know_yet():
    with pytest.raises(DeadlineError, match="chinesecalendar"):
        add_workdays(D(2099, 1, 1), 3)


# -- units and rules in a workspace -----------------------------------------

UNITS = [
    ["单位全称", "简称/别名（用;分隔）", "层级", "责任领导", "联系人", "联系电话"],
    ["某市住房和城乡建设局", "市住建局;市住房城乡建设局", "市直", "副市长 李某", "覃某", "0770-1"],
    ["某市教育局", "市教育局", "市直", "副市长 周某", "陈某", "0770-2"],
    ["某市城中区人民政府", "城中区政府", "县区", "", "", ""],
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
    [10, "", "", "", "", "学校 学位", "市教育局", "{县区}政府", "", "", "年底前", "增加学位", "学位够用"],
    [10, "", "", "", "", "路灯", "市住房城乡建设局", "", "", "王某", "15个工作日", "维修路灯", "路灯全亮"],
    [0, "", "", "", "", "", "{县区}政府", "", "", "", "长期坚持", "属地处理", "妥善处理"],
]
ITEMS = [
    ["意见建议", "县区"],
    ["民主路路灯不亮，晚上出行不安全。", "城中区"],
    ["实验小学学位紧张。", "城中区"],
    ["广场舞太吵。", "城中区"],
]


@pytest.fixture
def ready(ws, tmp_path):
    write_xlsx(ws.rules_dir / UNITS_FILE, UNITS)
    write_xlsx(ws.rules_dir / RULES_FILE, RULES)
    ws.config_path.write_text(
        ws.config_path.read_text(encoding="utf-8").replace('start_date = ""', 'start_date = "2020-09-30"'),
        encoding="utf-8",
    )
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ITEMS)], batch="b")
    return ws


def test_unit_directory(ready):
    units = load_units(ready.rules_dir / UNITS_FILE)
    assert units.resolve("市住建局") == units.resolve(" 某市住房和城乡建设局 ") == "某市住房和城乡建设局"
    assert units.resolve("市住房局") is None
    assert "某市住房和城乡建设局" in units.unknown_message("市住房局")


def test_assign_by_rules(ready):
    res = assign(ready)
    assert len(res.assignments) == 3 and res.unassigned == []
    got = items_by_id(ready)
    assert (got[1]["lead_unit"], got[1]["person"], got[1]["leader"], got[1]["deadline"]) == (
        "某市住房和城乡建设局",
        "王某",
        "副市长 李某",
        "2020-10-28",
    )  # 15 working days after 09-30
    assert (got[2]["lead_unit"], got[2]["co_units"]) == ("某市教育局", "某市城中区人民政府")
    assert (got[3]["lead_unit"], got[3]["long_term"], got[3]["deadline"]) == ("某市城中区人民政府", 1, "2020-12-31")
    assert got[1]["assign_rule"] == f"{RULES_FILE} 第3行"
    snap = ledger_snapshot(ready)
    assert assign(ready).changed == 0  # idempotent
    assert ledger_snapshot(ready) == snap


def test_each_change_is_kept_once_in_its_event_and_the_run_once_in_the_history(ready, tmp_path):
    """An assign run writes an event per item (the values set, those replaced, the rule) and one history
    row naming those events with who ran it; a manual change in a returned file is recorded the same way,
    the replaced values in its event. A run that changes nothing writes neither."""
    import json
    import sqlite3

    def ledger():
        con = sqlite3.connect(ready.ledger_path)
        con.row_factory = sqlite3.Row
        return con

    assign(ready)
    con = ledger()
    runs = [dict(r) for r in con.execute("SELECT * FROM history WHERE action='assign'")]
    events = [dict(r) for r in con.execute("SELECT * FROM events WHERE kind='assign' ORDER BY id")]
    assert len(runs) == 1 and len(events) == 3
    assert runs[0]["entity"] == "events" and runs[0]["entity_id"] == f"{events[0]['id']}-{events[-1]['id']}"
    assert runs[0]["actor"] and runs[0]["command"]  # who ran it, and how
    assert json.loads(runs[0]["detail"]) == {"items": 3, "source": "rule"}
    first = events[0]
    assert json.loads(first["changes"])["lead_unit"] == "某市住房和城乡建设局" and first["before"] is None
    assert json.loads(first["detail"]) == {"rule": f"{RULES_FILE} 第3行"}
    assert not con.execute("SELECT 1 FROM history WHERE entity='item' AND action='assign'").fetchone()

    apply_assignments(ready, _edited_assignments(ready, tmp_path, 3, {"牵头单位": "市教育局"}))
    con = ledger()
    manual = dict(con.execute("SELECT * FROM events WHERE kind='assign' ORDER BY id DESC").fetchone())
    assert manual["source"] == "person" and json.loads(manual["changes"])["lead_unit"] == "某市教育局"
    assert json.loads(manual["before"])["lead_unit"] == "某市城中区人民政府"  # the value it replaced
    assert con.execute("SELECT COUNT(*) FROM history WHERE action='assign'").fetchone()[0] == 2

    before = con.execute("SELECT (SELECT COUNT(*) FROM history), (SELECT COUNT(*) FROM events)").fetchone()
    assign(ready)  # nothing to change
    con = ledger()
    assert con.execute("SELECT (SELECT COUNT(*) FROM history), (SELECT COUNT(*) FROM events)").fetchone() == before


def test_unassigned_items_are_listed(ready):
    write_xlsx(ready.rules_dir / RULES_FILE, RULES[:3])
    assert assign(ready).unassigned == [3]


def _rules_fail(ws, rows, column, message, row=2):
    write_xlsx(ws.rules_dir / RULES_FILE, rows)
    snap = ledger_snapshot(ws)
    with pytest.raises(InvalidDataError) as e:
        assign(ws)
    issue = e.value.report.errors[0]
    assert (issue.file, issue.sheet, issue.row, issue.column) == (RULES_FILE, "Sheet1", row, column)
    assert message in issue.message
    assert ledger_snapshot(ws) == snap


def test_unknown_unit_names_the_cell_and_the_closest(ready):
    rows = [RULES[0], [10, "", "", "", "", "路灯", "市住房局", "", "", "", "年底前", "", ""]]
    _rules_fail(ready, rows, "牵头单位", "是否是：某市住房和城乡建设局")


def test_unparseable_deadline_names_the_cell(ready):
    _rules_fail(
        ready, [RULES[0], [10, "", "", "", "", "路灯", "市住建局", "", "", "", "尽快", "", ""]], "整改时限", "无法识别"
    )


def test_conflicting_rules(ready):
    rows = [
        RULES[0],
        [10, "", "", "", "", "路灯", "市住建局", "", "", "", "年底前", "", ""],
        [10, "", "", "", "", "路灯", "市教育局", "", "", "", "年底前", "", ""],
    ]
    _rules_fail(ready, rows, "牵头单位", "牵头单位不同", row=3)


def test_conflict_found_only_when_matching(ready):
    rows = [
        RULES[0],
        [10, "", "", "", "", "路灯", "市住建局", "", "", "", "年底前", "", ""],
        [10, "", "", "城中区", "", "", "市教育局", "", "", "", "年底前", "", ""],
    ]
    write_xlsx(ready.rules_dir / RULES_FILE, rows)
    res = assign(ready)  # the one item both rules match waits for a person; the others go on
    assert list(res.left) == [1] and "第2行、第3行" in res.left[1] and not res.complete
    assert {a.item_id for a in res.assignments} == {2, 3}


def test_rules_file_with_a_missing_column(ready):
    _rules_fail(
        ready,
        [[c for c in RULES[0] if c != "整改时限"], [10, "", "", "", "", "路灯", "市住建局"]],
        "整改时限",
        "缺少",
        row=1,
    )


def _edited_assignments(ws, tmp_path, item_id: int, cells: dict):
    """The responsibility file as exported, with one item's cells changed as a person would."""
    path = export_assignments(ws, tmp_path / "责任分解.xlsx")
    wb = load_workbook(path)
    sh = wb["责任分解"]
    head = [c.value for c in sh[1]]
    for row in sh.iter_rows(min_row=2):
        if row[0].value == item_id:
            for column, value in cells.items():
                row[head.index(column)].value = value
    wb.save(path)
    return path


def test_manual_overrides_round_trip(ready, tmp_path):
    assign(ready)
    res = apply_assignments(
        ready, _edited_assignments(ready, tmp_path, 3, {"牵头单位": "市教育局", "整改时限": "11月底"})
    )
    assert [a.item_id for a in res.assignments] == [3]
    got = items_by_id(ready)[3]
    assert (got["lead_unit"], got["deadline"], got["assign_source"]) == ("某市教育局", "2020-11-30", "manual")
    assign(ready)  # automatic again: the manual assignment stays
    assert items_by_id(ready)[3]["lead_unit"] == "某市教育局"
    assert assign(ready, reassign=True).changed >= 1  # unless asked
    assert items_by_id(ready)[3]["lead_unit"] == "某市城中区人民政府"


def test_overrides_with_nonsense_change_nothing(ready, tmp_path):
    assign(ready)
    path = export_assignments(ready, tmp_path / "责任分解.xlsx")
    wb = load_workbook(path)
    sh = wb["责任分解"]
    head = [c.value for c in sh[1]]
    sh.cell(row=2, column=head.index("牵头单位") + 1).value = "火星局"
    sh.cell(row=3, column=head.index("整改时限") + 1).value = "明年吧"
    wb.save(path)
    snap = ledger_snapshot(ready)
    with pytest.raises(InvalidDataError) as e:
        apply_assignments(ready, path)
    assert [(i.row, i.column) for i in e.value.report.errors] == [(2, "牵头单位"), (3, "整改时限")]
    assert ledger_snapshot(ready) == snap


def test_example_rules_assign_every_example_key_task(ws):
    shutil.copytree(examples_dir() / "rules", ws.rules_dir, dirs_exist_ok=True)
    ws.config_path.write_text(
        ws.config_path.read_text(encoding="utf-8").replace('start_date = ""', 'start_date = "2020-06-10"'),
        encoding="utf-8",
    )
    from rectikit.steps.classify import classify

    import_files(ws, [examples_dir() / "2019年度社会评价群众意见建议.xlsx"], batch="2019年度")
    classify(ws)
    res = assign(ws)
    assert res.unassigned == [] and 0.2 * 538 <= len(res.assignments) <= 0.26 * 538  # key tasks: about a quarter
