"""The plain table writer: what a user sees when opening it (row heights, formulas, long cells)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from rectikit.files.cells import CELL_LIMIT, lines_needed
from rectikit.files.xlsxout import write_table


def test_wrapped_rows_get_the_height_their_text_needs(tmp_path):
    path = write_table(
        tmp_path / "t.xlsx",
        "表",
        ["编号", "内容"],
        [[1, "路灯不亮" * 10], [2, "短"], [3, "第一行\n第二行"]],
        widths=[8, 30],
    )
    sh = load_workbook(path)["表"]
    assert sh.row_dimensions[2].height == 15 * min(lines_needed("路灯不亮" * 10, 30), 12) > 15  # at most 12 lines
    assert sh.row_dimensions[3].height is None  # one line: Excel's own height
    assert sh.row_dimensions[4].height == 30


def test_text_stays_text_and_long_cells_say_where_the_rest_is(tmp_path):
    path = write_table(tmp_path / "t.xlsx", "表", ["内容"], [["=1+1"], ["字" * (CELL_LIMIT + 10)]], widths=[30])
    sh = load_workbook(path)["表"]
    assert sh["A2"].value == "=1+1" and sh["A2"].data_type == "s"
    assert len(sh["A3"].value) == CELL_LIMIT and sh["A3"].value.endswith("rectikit export 导出 .csv 查看）")


def test_many_tables_are_written_in_order_also_when_two_processes_share_them(tmp_path, monkeypatch):
    from rectikit.files import xlsxout

    monkeypatch.setattr(xlsxout, "PARALLEL_ROWS", 1)
    jobs = [dict(path=tmp_path / f"{k}.xlsx", sheet="表", headers=["编号"], rows=[[k]] * (k + 1)) for k in range(4)]
    paths = xlsxout.write_tables(jobs)
    assert paths == [tmp_path / f"{k}.xlsx" for k in range(4)]
    for k, p in enumerate(paths):
        assert [r[0].value for r in load_workbook(p)["表"].iter_rows(min_row=2)] == [k] * (k + 1)


def test_a_large_plain_table_through_the_fast_writer_is_the_same_table(tmp_path, monkeypatch):
    """Above FAST_ROWS a plain table goes through the Rust writer (issue #30): the same cells, dates as dates,
    text never a formula, title lines, frozen filtered header, widths, row heights for long text, print
    setup, and 内部资料 in the title, the page header and the file's properties."""
    import datetime as dt

    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    from rectikit.files import xlsxfast, xlsxout

    headers = ["编号", "意见建议内容", "反映时间", "条数", "备注"]
    rows = [
        [k, ("=1+2 长" * 40) if k == 2 else f"第{k}条", dt.date(2020, 6, k % 28 + 1), 1.5 if k == 3 else 2, None]
        for k in range(1, 40)
    ]
    slow = xlsxout.write_table(
        tmp_path / "慢.xlsx", "台账", headers, rows, widths=[8, 30, 12, 6, 10], title=["台账导出"], internal=True
    )
    monkeypatch.setattr(xlsxout, "FAST_ROWS", 1)
    monkeypatch.setattr(xlsxfast, "PARALLEL_ROWS", 10)  # heights measured in a second process while it writes
    fast = xlsxout.write_table(
        tmp_path / "快.xlsx", "台账", headers, rows, widths=[8, 30, 12, 6, 10], title=["台账导出"], internal=True
    )
    read = [CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0).to_python() for p in (slow, fast)]
    assert read[0] == read[1] and read[1][0][0] == "台账导出（内部资料）" and read[1][3][2] == dt.date(2020, 6, 3)
    wb = load_workbook(fast)
    ws = wb["台账"]
    assert ws["B4"].data_type == "s" and ws["B4"].value.startswith("=1+2")  # text, not a formula
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2") and ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape" and "内部资料" in ws.oddHeader.center.text
    assert round(ws.column_dimensions["B"].width) == round(load_workbook(slow)["台账"].column_dimensions["B"].width)
    assert ws.row_dimensions[4].height and ws.row_dimensions[4].height > 20  # the long text's row is tall
    heights = [
        {r: d.height for r, d in load_workbook(p)["台账"].row_dimensions.items() if d.height} for p in (slow, fast)
    ]
    assert heights[0] == heights[1] and set(heights[1]) == {1, 4}  # the title line and the long text
    assert "内部资料" in wb.properties.keywords and "不得外传" in wb.properties.subject


def test_the_fast_writer_leaves_one_row_element_per_row(tmp_path, monkeypatch):
    """Given the heights, rustpy-xlsxwriter 0.8 wrote the last row's as a second <row> of the same number,
    which Excel repairs on opening; set in the package pass instead, each row is one element with its height."""
    import re
    import zipfile

    from rectikit.files import xlsxout

    monkeypatch.setattr(xlsxout, "FAST_ROWS", 1)
    rows = [[k, "长" * (300 if k == 30 else 3)] for k in range(1, 31)]  # the last row is tall
    path = xlsxout.write_table(tmp_path / "a.xlsx", "表", ["编号", "内容"], rows, widths=[8, 20])
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    numbers = re.findall(r'<row r="(\d+)"', sheet)
    assert len(numbers) == len(set(numbers)) and re.search(r'<row r="31" ht="[\d.]+"', sheet)


def test_a_long_annex_through_the_fast_writer_is_the_same_annex(ws, tmp_path, monkeypatch):
    """The same cells; every cell of the table bordered, empty ones too, and no column styled to the sheet's
    end; title block, frozen header, print setup as the XlsxWriter annex."""
    import zipfile

    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    from rectikit.documents.annextable import build_table
    from rectikit.documents.annexxlsx import write_xlsx
    from rectikit.files import xlsxfast, xlsxout
    from rectikit.steps.ingest import import_files

    from helpers import write_xlsx as make

    import_files(
        ws,
        [
            make(
                tmp_path / "a.xlsx",
                [["意见建议内容", "县区"], *[[f"第{k}条：路灯不亮。", "城中区"] for k in range(30)]],
            )
        ],
        batch="b",
    )
    table = build_table(ws, "附件1", key_only=False)
    slow = write_xlsx(table, tmp_path / "慢.xlsx")
    monkeypatch.setattr(xlsxout, "FAST_ROWS", 1)
    monkeypatch.setattr(xlsxfast, "PARALLEL_ROWS", 10)  # heights measured in a second process while it writes
    fast = write_xlsx(table, tmp_path / "快.xlsx")
    read = [CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0).to_python() for p in (slow, fast)]
    assert read[0] == read[1]
    sheet = load_workbook(fast).worksheets[0]
    empty = sheet.cell(5, len(table.layout.columns))  # 备注: empty in every row
    assert empty.value is None and empty.border.left.style == "thin" and sheet.freeze_panes == "A5"
    assert sheet.print_title_rows == "$4:$4" and sheet.page_setup.orientation == "landscape"
    assert sheet.row_dimensions[2].height == 36  # the title line's height, which the writer drops
    heights = [{r: d.height for r, d in load_workbook(p).worksheets[0].row_dimensions.items()} for p in (slow, fast)]
    assert heights[0] == heights[1] and {2, 4} <= set(heights[1])  # title line and header as XlsxWriter sets them
    cols = zipfile.ZipFile(fast).read("xl/worksheets/sheet1.xml").decode().split("<sheetData")[0]
    assert "style=" not in cols


@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(), st.text(alphabet="路灯不亮ab1\n，", max_size=80)), max_size=5),
        max_size=8,
    ),
    st.lists(st.floats(4, 60), min_size=1, max_size=5),
)
def test_lines_per_row_is_what_its_longest_cell_needs(rows, widths):
    from rectikit.files.cells import MAX_LINES, lines_needed, lines_per_row

    expected = [
        min(max([lines_needed(v, w) for v, w in zip(row, widths) if isinstance(v, str) and v] or [1]), MAX_LINES)
        for row in rows
    ]
    assert lines_per_row(rows, widths) == expected


def test_books_sent_out_through_the_fast_writer_are_the_same_books_and_come_back(ws, tmp_path, monkeypatch):
    """Many unit books at once go through the Rust writer (issue #30): the same sheets in the same order and
    states (选项 hidden, the identity very hidden), the same cells, dropdowns offering the same values, the
    same row heights and 内部资料 marks; and a book filled in and returned is taken back."""
    import re
    import zipfile

    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    from rectikit.files import xlsxout
    from rectikit.steps.collect import collect
    from rectikit.steps.dispatch import dispatch
    from rectikit.steps.ingest import import_files

    from helpers import fill_sheet, set_items
    from helpers import write_xlsx as make

    rows = [
        ["意见建议内容", "联系电话"],
        *[[f"第{k}条：民主路路灯不亮。" * (k % 3 + 1), "13912340001"] for k in range(6)],
    ]
    import_files(ws, [make(tmp_path / "a.xlsx", rows)], batch="b")
    set_items(ws, lead_unit="市住建局", co_units="市城管局", deadline="2020-12-31", is_key_task=1)
    slow = dispatch(ws, tmp_path / "慢", today=dt.date(2020, 9, 1)).files["市住建局"]
    monkeypatch.setattr(xlsxout, "FAST_ROWS", 1)
    fast = dispatch(ws, tmp_path / "快", today=dt.date(2020, 9, 1)).files["市住建局"]

    books = [CalamineWorkbook.from_path(p) for p in (slow, fast)]
    assert [(s.name, s.visible) for s in books[0].sheets_metadata] == [
        (s.name, s.visible) for s in books[1].sheets_metadata
    ]
    for name in ("整改任务", "说明"):
        assert books[0].get_sheet_by_name(name).to_python() == books[1].get_sheet_by_name(name).to_python()
    tags = [dict(b.get_sheet_by_name("_rectikit").to_python()) for b in books]
    assert tags[0].keys() == tags[1].keys() and tags[1]["单位"] == "市住建局"
    options = books[1].get_sheet_by_name("选项").to_python()
    sheets = [zipfile.ZipFile(p).read("xl/worksheets/sheet1.xml").decode() for p in (slow, fast)]
    lists = [
        re.findall(r'sqref="([A-Z]+)\d+:[A-Z]+(\d+)"><formula1>选项!\$([A-Z])\$(\d+):\$[A-Z]\$(\d+)<', s)
        for s in sheets
    ]
    assert [(col, last) for col, last, *_ in lists[0]] == [(col, last) for col, last, *_ in lists[1]] and lists[1]
    slow_options = books[0].get_sheet_by_name("选项").to_python()
    for (_, _, c0, a0, b0), (_, _, c1, a1, b1) in zip(*lists):  # each dropdown offers the same values
        k0, k1 = ord(c0) - 65, ord(c1) - 65
        assert [r[k0] for r in slow_options[int(a0) - 1 : int(b0)]] == [r[k1] for r in options[int(a1) - 1 : int(b1)]]
    heights = [
        {r: d.height for r, d in load_workbook(p)["整改任务"].row_dimensions.items() if d.height} for p in (slow, fast)
    ]
    assert heights[0] == heights[1]
    assert "内部资料" in load_workbook(fast).properties.keywords

    filled = fill_sheet(
        fast, {1: {"整改进展": "已完成", "整改成效": "已修复", "完成时间": "2020-09-20"}}, tmp_path / "回.xlsx"
    )
    res = collect(ws, [filled], today=dt.date(2020, 9, 21))
    assert res.rows and res.changed and not res.report.errors


def test_heights_go_into_the_rows_the_sheet_has():
    """The fast writer's heights are set in the package pass: on each row named, after its number; a row the
    sheet does not have is left out, and the rest of the sheet is unchanged."""
    from rectikit.files.xlsxfast import with_heights

    sheet = b'<x r="9"/><sheetData><row r="1"><c r="A1"/></row><row r="12" spans="1:2"><c r="A12"/></row></sheetData>'
    assert with_heights(sheet, {0: 30, 11: 40.5, 40: 18}) == (
        b'<x r="9"/><sheetData><row r="1" ht="30" customHeight="1"><c r="A1"/></row>'
        b'<row r="12" ht="40.5" customHeight="1" spans="1:2"><c r="A12"/></row></sheetData>'
    )
    assert with_heights(sheet, {}) == sheet
