import datetime as dt
import json
import shutil
import sqlite3

import pytest

from rectikit.base.errors import InputFileError, UsageError
from rectikit.base.resources import examples_dir
from rectikit.steps.ingest import import_files, parse_mapping
from rectikit.store.sources import original_rows

from helpers import count, items_by_id, ledger_snapshot, write_xlsx

MESSY = [
    ["某市2019年度社会评价群众意见建议汇总表"],
    ["填报单位：某市绩效办（盖章）", None, None, None, "填报日期：2020年5月20日"],
    ["序号", "问卷类型", "意见建议内容", "反映地点", None, "反映时间", "河流"],
    [None, None, None, "县(市、区)", "乡(镇、街道)", None, None],
    ["一、城乡居民（2条）"],
    ["1", "城乡居民", "  民主路路灯不亮，晚上出行不安全。\n", "城中区", "中山街道", "2019年10月12日", "邕江"],
    [2, "城乡居民", '=HYPERLINK("x")希望修路', "江南区", "那洪镇", 43750, None],
    [None, None, None, None, None, None, None],
    ["二、企业开办（1条）"],
    [3, "企业开办", "办照要跑三次窗口。", "北湖区", "三塘镇", "2019.10.3", None],
    ["4"],
    [],
    ["合计：3条"],
    ["填表说明：联系方式仅供回访使用。"],
]


def items(ws):
    return list(items_by_id(ws).values())


def test_messy_workbook_imports_every_item_with_fields(ws, tmp_path):
    f = write_xlsx(tmp_path / "汇总.xlsx", MESSY, merges=["A1:G1", "D3:E3", "A3:A4", "B3:B4", "C3:C4"])
    res = import_files(ws, [f], batch="2019年度")
    assert res.ok and res.added == 3
    got = items(ws)
    assert [i["seq"] for i in got] == ["1", "2", "3"]
    assert got[0]["text"] == "民主路路灯不亮，晚上出行不安全。"
    assert got[0]["county"] == "城中区" and got[0]["township"] == "中山街道"
    assert [i["received_on"] for i in got] == ["2019-10-12", "2019-10-12", "2019-10-03"]
    assert got[1]["text"].startswith("=HYPERLINK")  # kept verbatim; exports keep it text
    sheet = res.files[0].sheets[0]
    assert sheet.header_row == 3 and sheet.skipped == 7 and sheet.rejected == 0
    codes = [i.code for i in res.report.issues]
    assert codes.count("group-row") == 2 and codes.count("note-row") == 2


def test_every_original_cell_and_its_origin_is_kept(ws, tmp_path):
    f = write_xlsx(tmp_path / "汇总.xlsx", MESSY)
    import_files(ws, [f], batch="b")
    with ws.ledger() as led:
        (first,) = original_rows(led, 1)
        assert len(original_rows(led, 3)) == 1
    assert first["row"] == 6 and first["file"] == "汇总.xlsx" and first["sheet"] == "Sheet1"
    assert len(first["sha256"]) == 64
    assert first["cells"] == [
        "1",
        "城乡居民",
        "  民主路路灯不亮，晚上出行不安全。\n",
        "城中区",
        "中山街道",
        "2019年10月12日",
        "邕江",
    ]


def test_same_file_again_adds_nothing(ws, tmp_path):
    f = write_xlsx(tmp_path / "a.xlsx", MESSY)
    import_files(ws, [f], batch="2019年度")
    before = count(ws, "items")
    res = import_files(ws, [f], batch="另一个批次")
    assert res.ok and res.added == 0 and res.files[0].status == "already"
    assert "2019年度" in res.files[0].message
    assert count(ws, "items") == before


def test_dry_run_writes_nothing(ws, tmp_path):
    f = write_xlsx(tmp_path / "a.xlsx", MESSY)
    snap = ledger_snapshot(ws)
    res = import_files(ws, [f], batch="b", dry_run=True)
    assert res.files[0].status == "would-import" and res.files[0].sheets[0].rows == 3
    assert ledger_snapshot(ws) == snap


def test_row_without_text_rejects_the_whole_file_and_is_listed(ws, tmp_path):
    rows = [["序号", "意见建议", "县区"], [1, "路灯不亮", "城中区"], [2, None, "江南区"], [3, "修路", "北湖区"]]
    f = write_xlsx(tmp_path / "a.xlsx", rows)
    snap = ledger_snapshot(ws)
    res = import_files(ws, [f], batch="b")
    assert not res.ok and res.files[0].status == "rejected"
    [err] = res.report.errors
    assert (err.code, err.file, err.sheet, err.row, err.column) == ("missing-text", "a.xlsx", "Sheet1", 3, "意见建议")
    assert ledger_snapshot(ws) == snap
    assert res.report_path and res.report_path.endswith(".xlsx")


def test_report_workbook_lists_the_problem(ws, tmp_path):
    from python_calamine import CalamineWorkbook

    rows = [["意见建议", "县区"], [None, "江南区"]]
    res = import_files(ws, [write_xlsx(tmp_path / "a.xlsx", rows)], batch="b")
    sheet = CalamineWorkbook.from_path(res.report_path).get_sheet_by_index(0).to_python()
    assert sheet[0][:5] == ["级别", "文件", "工作表", "行号", "列"]
    assert sheet[1][:5] == ["错误", "a.xlsx", "Sheet1", 2.0, "意见建议"]


def test_skip_invalid_imports_the_valid_rows(ws, tmp_path):
    rows = [["意见建议", "县区"], ["路灯不亮", "城中区"], [None, "江南区"]]
    res = import_files(ws, [write_xlsx(tmp_path / "a.xlsx", rows)], batch="b", skip_invalid=True)
    assert res.ok and res.added == 1 and len(res.report.errors) == 1


def test_title_used_when_text_is_empty(ws, tmp_path):
    rows = [["留言主题", "留言详情"], ["路灯不亮", ""], ["噪音", "夜宵摊太吵"]]
    res = import_files(ws, [write_xlsx(tmp_path / "a.xlsx", rows)], batch="b")
    assert res.added == 2
    assert [i["text"] for i in items(ws)] == ["路灯不亮", "夜宵摊太吵"]


def test_another_text_column_fills_in_before_the_title(ws, tmp_path):
    rows = [
        ["留言主题", "留言详情", "主题+详情"],
        ["路灯不亮", "", "路灯不亮民主路晚上一片黑"],
        ["噪音", "夜宵摊太吵", "噪音夜宵摊太吵"],
    ]
    res = import_files(ws, [write_xlsx(tmp_path / "a.xlsx", rows)], batch="b")
    assert res.ok and res.added == 2
    assert [i["text"] for i in items(ws)] == ["路灯不亮民主路晚上一片黑", "夜宵摊太吵"]
    [note] = res.report.issues
    assert (note.code, note.row, note.column) == ("text-from-other-column", 2, "主题+详情")


def test_bad_date_is_a_warning_and_the_raw_value_is_kept(ws, tmp_path):
    rows = [["意见建议", "反映时间"], ["路灯不亮", "去年秋天"]]
    res = import_files(ws, [write_xlsx(tmp_path / "a.xlsx", rows)], batch="b")
    assert res.ok and res.added == 1
    [w] = res.report.issues
    assert (w.code, w.severity, w.row, w.value) == ("bad-date", "warning", 2, "去年秋天")
    assert items(ws)[0]["received_on"] is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(ws, tmp_path, encoding):
    f = tmp_path / "热线.csv"
    f.write_bytes(
        "编号,诉求内容,区县,来电时间\nA1,小区停水三天了,城中区,2020/6/26\nA2,“噪音”扰民,江南区,2020年6月27日\n".encode(
            encoding
        )
    )
    res = import_files(ws, [f], batch="b")
    assert res.added == 2
    got = items(ws)
    assert got[1]["text"] == "“噪音”扰民" and got[1]["received_on"] == "2020-06-27"
    f.unlink()  # the ledger keeps its own copy
    with ws.ledger() as led:
        assert original_rows(led, 2)[0]["cells"] == ["A2", "“噪音”扰民", "江南区", "2020年6月27日"]


def test_a_file_changed_while_importing_is_refused(ws, tmp_path, monkeypatch):
    f = write_xlsx(tmp_path / "a.xlsx", [["意见建议"], ["路灯不亮"]])
    monkeypatch.setattr("rectikit.steps.ingest.sha256_file", lambda path: "0" * 64)
    with pytest.raises(InputFileError, match="被改动"):
        import_files(ws, [f], batch="b")
    assert count(ws, "items") == 0


def test_tsv_and_semicolon(ws, tmp_path):
    (tmp_path / "a.tsv").write_text("意见建议\t县区\n路灯不亮, 很暗\t城中区\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("意见建议;县区\n修路;江南区\n", encoding="utf-8")
    res = import_files(ws, [tmp_path / "a.tsv", tmp_path / "b.csv"], batch="b")
    assert res.added == 2
    assert [i["text"] for i in items(ws)] == ["路灯不亮, 很暗", "修路"]


def test_mapping_is_remembered_for_the_next_file_of_that_layout(ws, tmp_path):
    rows = [["工单号", "诉求描述", "片区"], ["1", "路灯不亮", "东片"]]
    a = write_xlsx(tmp_path / "a.xlsx", rows)
    res = import_files(ws, [a], batch="b", mapping=parse_mapping(["诉求描述=意见建议内容", "片区=县区"]))
    assert res.added == 1
    b = write_xlsx(tmp_path / "b.xlsx", rows + [["2", "噪音扰民", "西片"]])
    res = import_files(ws, [b], batch="c")  # in batch b it would be taken for a new version of a.xlsx
    assert res.files[0].sheets[0].mapping == {"text": "诉求描述", "county": "片区", "seq": "工单号"}
    assert [i["county"] for i in items(ws)] == ["东片", "东片", "西片"]


def test_parse_mapping_rejects_bad_form():
    with pytest.raises(UsageError):
        parse_mapping(["诉求描述"])


def test_sheet_selection(ws, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表由系统导出"])
    a = wb.create_sheet("鼓楼区")
    a.append(["标题", "投诉件内容"])
    a.append(["河臭", "梅峰河很臭"])
    b = wb.create_sheet("仓山区")
    b.append(["标题", "投诉件内容"])
    b.append(["路灯", "金港河路灯不亮"])
    b.append(["噪音", "施工扰民"])
    f = tmp_path / "热线.xlsx"
    wb.save(f)
    assert import_files(ws, [f], batch="x", dry_run=True).files[0].sheets[0].sheet == "鼓楼区"
    assert import_files(ws, [f], batch="x", sheet="仓山区", dry_run=True).files[0].sheets[0].rows == 2
    res = import_files(ws, [f], batch="x", sheet="all")
    assert [(s.sheet, s.rows) for s in res.files[0].sheets] == [("鼓楼区", 1), ("仓山区", 2)]
    assert import_files(ws, [f], batch="x", sheet="all").added == 0


def test_unknown_sheet_names_the_sheets(ws, tmp_path):
    f = write_xlsx(tmp_path / "a.xlsx", [["意见建议"], ["x"]], sheet="汇总")
    res = import_files(ws, [f], batch="b", sheet="明细")
    assert not res.ok and "汇总" in res.report.errors[0].message


def test_batch_is_required(ws, tmp_path):
    with pytest.raises(UsageError):
        import_files(ws, [write_xlsx(tmp_path / "a.xlsx", [["意见建议"], ["x"]])], batch=" ")


def test_bundled_examples_import_completely(ws):
    ex = examples_dir()
    res = import_files(ws, [ex / "2019年度社会评价群众意见建议.xlsx"], batch="2019年度")
    assert res.ok and res.added == 547 and not res.report.errors
    res = import_files(ws, [ex / "2020年中期社会评价群众意见建议.csv"], batch="2020年中期")
    assert res.ok and res.added == 447
    got = items(ws)
    assert all(i["received_on"] for i in got), "every example date is understood"
    assert len({i["source"] for i in got if i["batch_id"] == 1}) == 15


def test_history_records_the_import(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", MESSY)], batch="b")
    con = sqlite3.connect(ws.ledger_path)
    rows = con.execute("SELECT action, entity, detail FROM history ORDER BY id").fetchall()
    assert [r[:2] for r in rows] == [("create", "batch"), ("import", "source_file")]
    detail = json.loads(rows[1][2])
    assert detail["items"] == [1, 3] and detail["file"] == "a.xlsx"


def test_dates_of_every_kind_in_one_column(ws, tmp_path):
    rows = [
        ["意见建议", "时间"],
        ["a", dt.datetime(2020, 6, 26, 9)],
        ["b", "2020.6.26"],
        ["c", 44008],
        ["d", "二〇二〇年六月二十六日"],
        ["e", "06/26/2020"],
    ]
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", rows)], batch="b")
    assert {i["received_on"] for i in items(ws)} == {"2020-06-26"}


def test_bulk_write_keeps_foreign_keys_consistent(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", MESSY)], batch="b")
    import_files(ws, [examples_dir() / "2020年中期社会评价群众意见建议.csv"], batch="c")
    con = sqlite3.connect(ws.ledger_path)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert (
        con.execute(
            "SELECT COUNT(*) FROM items i LEFT JOIN source_files f ON f.id=i.file_id WHERE f.id IS NULL"
        ).fetchone()[0]
        == 0
    )


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice is needed to make .xls and .ods files (apt-get install libreoffice-calc)",
)
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_xls_and_ods(ws, tmp_path, fmt):
    """Real .xls (BIFF) and .ods files, as LibreOffice and old Excel save them."""
    import subprocess

    src = write_xlsx(tmp_path / "来源.xlsx", MESSY, merges=["A1:G1", "D3:E3", "A3:A4", "B3:B4", "C3:C4"])
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [soffice, "--headless", "--convert-to", fmt, "--outdir", str(tmp_path / "out"), str(src)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    res = import_files(ws, [tmp_path / "out" / f"来源.{fmt}"], batch="b")
    assert res.ok and res.added == 3
    assert [i["received_on"] for i in items(ws)] == ["2019-10-12", "2019-10-12", "2019-10-03"]


@pytest.mark.parametrize("n", [0, 1, 99, 100, 101, 250])
def test_bulk_insert_writes_every_row_whatever_its_count(n):
    """Rows go in a hundred to a statement and the rest in one more: none lost, none doubled."""
    from rectikit.steps.importwrite import _insert_many

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b INTEGER)")
    ids, texts, numbers = range(1, n + 1), [f"第{k}条" for k in range(n)], [k * 7 for k in range(n)]
    _insert_many(conn, "INSERT INTO t(id, a, b) VALUES ", "(?, ?, ?)", [ids, texts, numbers])
    assert conn.execute("SELECT id, a, b FROM t ORDER BY id").fetchall() == list(zip(ids, texts, numbers))
