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


def test_many_tables_are_written_in_order_also_when_two_processes_share_them(tmp_path, monkeypatch):
    from rectikit.files import xlsxout

    monkeypatch.setattr(xlsxout, "PARALLEL_ROWS", 1)
    jobs = [dict(path=tmp_path / f"{k}.xlsx", sheet="表", headers=["编号"], rows=[[k]] * (k + 1)) for k in range(4)]
    paths = xlsxout.write_tables(jobs)
    assert paths == [tmp_path / f"{k}.xlsx" for k in range(4)]
    for k, p in enumerate(paths):
        assert [r[0].value for r in load_workbook(p)["表"].iter_rows(min_row=2)] == [k] * (k + 1)
