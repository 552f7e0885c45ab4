"""Crafted files that would make a parser allocate gigabytes are refused
before parsing, with a Chinese message naming the limit; the ledger is
unchanged and the other files of the same import go on (issue #12)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from rectikit.files.guard import Limits, check_zip
from rectikit.steps.ingest import import_files

from helpers import ledger_snapshot, write_xlsx

SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><sheetData>'
)


def _workbook(path: Path, sheet_xml: str, strings: list[str]) -> Path:
    """A minimal valid .xlsx around one hand-written worksheet."""
    return _package(path, [("worksheets/sheet1.xml", sheet_xml)], strings)


def _refused(ws, path: Path, *expect: str) -> None:
    before = ledger_snapshot(ws)
    res = import_files(ws, [path], batch="b")
    assert res.files[0].status == "unreadable", res.files[0]
    assert all(e in res.files[0].message for e in expect), res.files[0].message
    assert ledger_snapshot(ws) == before


def test_one_cell_at_the_last_column_and_row(ws, tmp_path):
    wb = Workbook()
    wb.active["A1"], wb.active["A2"], wb.active["XFD1048576"] = "意见建议", "路灯不亮", "x"
    wb.save(tmp_path / "远.xlsx")
    assert (tmp_path / "远.xlsx").stat().st_size < 10_000
    _refused(ws, tmp_path / "远.xlsx", "工作表“Sheet”", "1,048,576", "拒绝读取", "rectikit.toml")


def test_a_wide_used_area(ws, tmp_path):
    wb = Workbook()
    wb.active["A1"], wb.active["A2"], wb.active["XFD100"] = "意见建议", "路灯不亮", "x"
    wb.save(tmp_path / "宽.xlsx")
    _refused(ws, tmp_path / "宽.xlsx", "使用区域（100 行 × 16384 列）")


def test_cells_written_without_positions_are_counted_one_after_another(ws, tmp_path):
    rows = '<row><c t="s"><v>0</v></c></row>' + '<row><c t="s"><v>1</v></c></row>' * 250_000
    path = _workbook(tmp_path / "无坐标.xlsx", SHEET_HEAD + rows + "</sheetData></worksheet>", ["意见建议", "路灯不亮"])
    _refused(ws, path, "行数达 250,001")


def test_a_position_hidden_behind_another_attribute(ws, tmp_path):
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c>'
        '<c t="s" r="XFD2"><v>1</v></c></row><row r="3"><c s="0" r="A900000" t="s"><v>1</v></c></row>'
    )
    path = _workbook(tmp_path / "藏.xlsx", SHEET_HEAD + rows + "</sheetData></worksheet>", ["意见建议", "路灯不亮"])
    _refused(ws, path, "超过上限")


def test_one_long_shared_string_in_every_cell(ws, tmp_path):
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>1</v></c></row>' for r in range(2, 4000)
    )
    path = _workbook(tmp_path / "长.xlsx", SHEET_HEAD + rows + "</sheetData></worksheet>", ["意见建议", "长" * 32_000])
    assert path.stat().st_size < 200_000
    with zipfile.ZipFile(path):
        pass
    try:
        check_zip(path, Limits(text_per_byte=0.001))
    except Exception as e:  # 4,000 cells × 96 KB of text each: 384 MB once read
        assert "读入后的文字" in str(e)
    else:
        raise AssertionError("the text bomb was read")


def test_ods_with_repeated_rows_and_columns(ws, tmp_path):
    cell = '<table:table-cell office:value-type="string"><text:p>意见建议</text:p></table:table-cell>'
    body = (
        f"<table:table-row>{cell}</table:table-row>"
        '<table:table-row table:number-rows-repeated="100000"><table:table-cell '
        'table:number-columns-repeated="100"/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="90"/>{cell}</table:table-row>'
    )
    _refused(ws, _ods(tmp_path / "重复.ods", body), "使用区域（100002 行 × 91 列）")


def _ods(path: Path, body: str) -> Path:
    """An ODS spreadsheet of one table with ``body`` as its rows."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
        'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        f'<table:table table:name="S">{body}</table:table></office:spreadsheet></office:body>'
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_a_csv_of_empty_lines(ws, tmp_path):
    (tmp_path / "空行.csv").write_text("意见建议\n路灯不亮\n" + "\n" * 300_000, encoding="utf-8")
    _refused(ws, tmp_path / "空行.csv", "行数达 300,002")


def test_a_csv_cell_of_a_megabyte_is_read(ws, tmp_path):
    (tmp_path / "长.csv").write_text("意见建议\n" + "长" * 400_000 + "\n", encoding="utf-8")
    res = import_files(ws, [tmp_path / "长.csv"], batch="b")
    assert res.ok and res.added == 1


def test_each_file_of_an_import_is_reported_and_the_good_ones_go_in(ws, tmp_path):
    wb = Workbook()
    wb.active["A1"], wb.active["XFD1048576"] = "意见建议", "x"
    wb.save(tmp_path / "坏.xlsx")
    good = write_xlsx(tmp_path / "好.xlsx", [["意见建议"], ["路灯不亮"]])
    res = import_files(ws, [tmp_path / "坏.xlsx", good], batch="b")
    assert [f.status for f in res.files] == ["unreadable", "imported"] and res.added == 1


def test_real_workbooks_pass_the_scan(tmp_path):
    rows = [["序号", "意见建议内容", "县区"]] + [[i, f"第{i}条意见：路灯不亮", "城中区"] for i in range(3000)]
    assert check_zip(write_xlsx(tmp_path / "真.xlsx", rows)) == "xlsx"


def test_a_header_only_file_is_not_importable(ws, tmp_path):
    (tmp_path / "表头.csv").write_text("意见建议内容,县区\n", encoding="utf-8")
    before = ledger_snapshot(ws)
    for dry in (True, False):
        res = import_files(ws, [tmp_path / "表头.csv"], batch="b", dry_run=dry)
        assert not res.ok and res.files[0].status == "empty" and "没有可导入" in res.files[0].message
    (tmp_path / "全错.csv").write_text("意见建议内容,县区\n,城中区\n", encoding="utf-8")
    res = import_files(ws, [tmp_path / "全错.csv"], batch="b", skip_invalid=True)
    assert res.files[0].status == "empty"
    assert ledger_snapshot(ws) == before


def test_two_imports_of_one_file_at_the_same_moment(ws, tmp_path, monkeypatch):
    """The second to take the write lock finds the file there and adds nothing."""
    import rectikit.steps.ingest as ingest

    good = write_xlsx(tmp_path / "同时.xlsx", [["意见建议"], ["路灯不亮"], ["道路坑洼"]])
    plan = ingest.plan_file
    calls = []

    def racing(*args, **kwargs):
        plans = plan(*args, **kwargs)
        if not calls:  # the other process finishes while this one is still reading
            calls.append(None)
            calls[0] = import_files(ws, [good], batch="b")
        return plans

    monkeypatch.setattr(ingest, "plan_file", racing)
    res = import_files(ws, [good], batch="b")
    assert calls[0].added == 2 and res.ok and res.added == 0 and res.files[0].status == "already"


def test_a_second_sheet_with_items_is_named_not_skipped_silently(ws, tmp_path):
    wb = Workbook()
    wb.active.title = "城区"
    wb.active.append(["意见建议"])
    wb.active.append(["路灯不亮"])
    other = wb.create_sheet("郊区")
    other.append(["意见建议"])
    other.append(["道路坑洼"])
    wb.create_sheet("统计").append(["合计", 2])
    wb.save(tmp_path / "两表.xlsx")
    res = import_files(ws, [tmp_path / "两表.xlsx"], batch="b")
    assert res.added == 1
    [warning] = [i for i in res.report.issues if i.code == "other-sheet"]
    assert warning.sheet == "郊区" and "--sheet all" in warning.message
    res = import_files(ws, [tmp_path / "两表.xlsx"], batch="b", sheet="all")
    assert res.added == 1 and [s.sheet for s in res.files[0].sheets if s.rows] == ["郊区"]


def test_a_cell_longer_than_excel_holds_says_where_the_rest_is(ws, tmp_path):
    from openpyxl import load_workbook

    from rectikit.documents.export import export_ledger

    long = "长" * 40_000
    (tmp_path / "长.csv").write_text(f"意见建议内容\n{long}\n", encoding="utf-8")
    import_files(ws, [tmp_path / "长.csv"], batch="b")
    out = export_ledger(ws, tmp_path / "台账.xlsx")["path"]
    cell = next(c for c in load_workbook(out)["台账"][2] if c.value and str(c.value).startswith("长"))
    assert len(cell.value) == 32_767 and cell.value.endswith("rectikit export 导出 .csv 查看）")
    csv = export_ledger(ws, tmp_path / "台账.csv")["path"]
    assert long in open(csv, encoding="utf-8-sig").read()


def test_a_list_enumerated_with_chinese_numerals_is_items_not_headings(ws, tmp_path):
    rows = [["意见建议"], ["一、希望增加公交班次。"], ["二、路灯不亮。"], ["三、学校门口拥堵。"]]
    res = import_files(ws, [write_xlsx(tmp_path / "单列.xlsx", rows)], batch="b")
    assert res.added == 3 and not [i for i in res.report.issues if i.code == "group-row"]
    nested = [["意见建议"], ["一、城乡居民"], ["（一）教育"], ["学校门口拥堵。"], ["二、企业"], ["办照难。"]]
    res = import_files(ws, [write_xlsx(tmp_path / "分组.xlsx", nested)], batch="c")
    assert res.added == 2 and len([i for i in res.report.issues if i.code == "group-row"]) == 3


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '{sheets}<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def _in_package(target: str) -> str:
    """Where a workbook relationship's target lives in the zip."""
    return target[3:] if target.startswith("../") else "xl/" + target


def _package(path: Path, sheets: list[tuple[str, str]], strings: list[str]) -> Path:
    """A workbook whose sheets live where the relationships say (any folder, any case)."""
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    book = (
        '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        + "".join(f'<sheet name="S{k}" sheetId="{k}" r:id="rS{k}"/>' for k in range(1, len(sheets) + 1))
        + "</sheets></workbook>"
    )
    book_rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships">'
        + "".join(
            f'<Relationship Id="rS{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="{target}"/>'
            for k, (target, _) in enumerate(sheets, 1)
        )
        + '<Relationship Id="rSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    sst = (
        '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + "</sst>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            CONTENT_TYPES.format(
                sheets="".join(
                    f'<Override PartName="/{_in_package(target)}" ContentType="application/vnd.openxmlformats-officedocument.'
                    'spreadsheetml.worksheet+xml"/>'
                    for target, _ in sheets
                )
            ),
        )
        for name, data in (
            ("_rels/.rels", rels),
            ("xl/workbook.xml", book),
            ("xl/_rels/workbook.xml.rels", book_rels),
            ("xl/sharedStrings.xml", sst),
        ):
            z.writestr(name, data)
        for target, xml in sheets:
            z.writestr(_in_package(target), xml)
    return path


FAR = SHEET_HEAD + '<row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row></sheetData></worksheet>'
PREFIXED = (
    '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<x:row r="1048576"><x:c r="XFD1048576" t="s"><x:v>0</x:v></x:c></x:row></sheetData></worksheet>'
)


def test_sheets_anywhere_the_relationships_point_are_measured(ws, tmp_path):
    for k, (target, xml) in enumerate(
        [("../data/s.xml", FAR), ("worksheets/SHEET1.XML", FAR), ("worksheets/sheet1.xml", PREFIXED)]
    ):
        _refused(ws, _package(tmp_path / f"藏{k}.xlsx", [(target, xml)], ["意见建议"]), "“S1”", "超过上限")


def test_a_refused_workbook_is_not_left_opening(ws, tmp_path, monkeypatch):
    """The workbook is opened in a thread while its sheets are measured; when they are refused, the
    import waits for that opening to end rather than leave it working on the file."""
    import time

    from rectikit.files import readers

    ended = []

    def slow_open(path):
        time.sleep(0.3)
        ended.append(path)

    monkeypatch.setattr(readers, "_open_workbook", slow_open)
    _refused(ws, _package(tmp_path / "远.xlsx", [("worksheets/sheet1.xml", FAR)], ["意见建议"]), "超过上限")
    assert ended


def test_a_long_shared_string_in_columns_a_to_z_with_or_without_positions(ws, tmp_path):
    long = "长" * 10_000
    for refs in (True, False):
        rows = "".join(
            (f'<row r="{r}">' if refs else "<row>")
            + "".join((f'<c r="{chr(65 + c)}{r}" t="s">' if refs else '<c t="s">') + "<v>0</v></c>" for c in range(26))
            + "</row>"
            for r in range(1, 3001)
        )
        path = _package(
            tmp_path / f"长{refs}.xlsx",
            [("worksheets/sheet1.xml", SHEET_HEAD + rows + "</sheetData></worksheet>")],
            [long],
        )
        assert path.stat().st_size < 200_000
        _refused(ws, path, "读入后的文字")


def test_many_sheets_each_within_its_limits_are_added_up(ws, tmp_path):
    sheet = (
        SHEET_HEAD
        + "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, 30_001))
        + "</sheetData></worksheet>"
    )
    path = _package(tmp_path / "多表.xlsx", [(f"worksheets/sheet{k}.xml", sheet) for k in range(1, 9)], ["意见建议"])
    _refused(ws, path, "合计", "行数")


def test_ods_text_repeated_over_many_cells(ws, tmp_path):
    cell = (
        '<table:table-cell table:number-columns-repeated="26" office:value-type="string"><text:p>'
        + "长" * 10_000
        + "</text:p></table:table-cell>"
    )
    body = f'<table:table-row table:number-rows-repeated="10000">{cell}</table:table-row>'
    _refused(ws, _ods(tmp_path / "文字.ods", body), "文字")


def _xls(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A legacy BIFF8 workbook, as old office systems still export."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                sheet.write(r, c, v)
    book.save(str(path))
    return path


def test_xls_showing_one_long_string_in_every_cell_is_refused(ws, tmp_path):
    rows = [["意见建议"], *([["长" * 30_000] * 26] * 3000)]
    path = _xls(tmp_path / "旧版.xls", {"s": rows})
    assert path.stat().st_size < 1_500_000  # one shared string, 78,000 cells pointing at it
    _refused(ws, path, "工作表“s”", "文字", "拒绝读取")


def test_xls_sheets_are_added_up(ws, tmp_path):
    small = Limits(max_cells=2_000, cells_per_byte=0.001)
    sheets = {f"表{k}": [["意见建议"], *([["路灯不亮"] * 10] * 50)] for k in range(6)}
    path = _xls(tmp_path / "多表.xls", sheets)
    from rectikit.base.errors import InputFileError
    from rectikit.files.guard import check_xls

    check_xls(path, Limits())
    try:
        check_xls(path, small)
    except InputFileError as e:
        assert "各表合计" in str(e) and "表3" in str(e)
    else:
        raise AssertionError("six sheets of 510 cells passed a 2,000-cell limit")


def test_a_real_xls_is_imported(ws, tmp_path):
    path = _xls(
        tmp_path / "热线.xls",
        {"Sheet1": [["意见建议", "县（市、区）"], ["路灯不亮", "兴业县"], ["道路坑洼", "博白县"]]},
    )
    res = import_files(ws, [path], batch="b")
    assert res.files[0].status == "imported", res.files[0]
    assert res.files[0].added == 2


def test_a_damaged_xls_is_refused_with_a_message(ws, tmp_path):
    good = _xls(tmp_path / "好.xls", {"Sheet1": [["意见建议"], ["路灯不亮"]]}).read_bytes()
    (tmp_path / "坏.xls").write_bytes(good[:1500])
    _refused(ws, tmp_path / "坏.xls", "坏.xls")


RELS_TO_BOOK = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.text(alphabet="a长b", min_size=30, max_size=200), min_size=1, max_size=12),
    st.sampled_from(["<si>", "<x:si>", '<si xml:space="preserve">']),
    st.sampled_from(["", "<!--<si>-->", "<![CDATA[<si>]]>", "<?pi <si>?>"]),
    st.integers(min_value=8, max_value=120),
)
def test_the_longest_shared_string_is_never_underestimated(texts, tag, hide, chunk):
    """The guard's measure of the longest shared string (split on ``<si>`` and carried over chunk ends, a
    regex for other forms of the tag, a parse where a comment, CDATA or processing instruction could hide
    a tag) is never below what calamine makes of any string, in chunks of any size."""
    from xml.sax.saxutils import escape

    from rectikit.files import guardparts, guardstrings

    close = tag.split()[0].rstrip(">").replace("<", "</") + ">"
    strings = [f"<t>{escape(t[: len(t) // 2])}</t>{hide}<t>{escape(t[len(t) // 2 :])}</t>" for t in texts]
    sst = (
        '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"{tag}{s}{close}" for s in strings)
        + "<si/></sst>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("_rels/.rels", RELS_TO_BOOK)
        z.writestr("xl/sharedStrings.xml", sst)
    with zipfile.ZipFile(buf) as z, mock.patch.object(guardparts, "CHUNK", chunk):
        longest = guardstrings.check_shared_strings(z, "f.xlsx", 1_000_000).longest
    assert longest >= max(len(t.encode()) for t in texts)
