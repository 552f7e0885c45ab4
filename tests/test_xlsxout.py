"""The plain table writer: what a user sees when opening it (row heights, formulas, long cells)."""

from openpyxl import load_workbook

from rectikit.files.xlsxout import CELL_LIMIT, lines_needed, write_table


def test_wrapped_rows_get_the_height_their_text_needs(tmp_path):
    path = write_table(tmp_path / "t.xlsx", "表", ["编号", "内容"],
                       [[1, "路灯不亮" * 10], [2, "短"], [3, "第一行\n第二行"]], widths=[8, 30])
    sh = load_workbook(path)["表"]
    assert sh.row_dimensions[2].height == 15 * min(lines_needed("路灯不亮" * 10, 30), 12) > 15  # at most 12 lines
    assert sh.row_dimensions[3].height is None  # one line: Excel's own height
    assert sh.row_dimensions[4].height == 30


def test_text_stays_text_and_long_cells_say_where_the_rest_is(tmp_path):
    path = write_table(tmp_path / "t.xlsx", "表", ["内容"], [["=1+1"], ["字" * (CELL_LIMIT + 10)]], widths=[30])
    sh = load_workbook(path)["表"]
    assert sh["A2"].value == "=1+1" and sh["A2"].data_type == "s"
    assert len(sh["A3"].value) == CELL_LIMIT and sh["A3"].value.endswith("rectikit export 导出 .csv 查看）")
