"""Reading back what offices and units typed: cells as the person saw them."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from rectikit.files.readers import cell_text, read_table


def test_a_returned_sheet_reads_numbers_and_dates_as_typed(tmp_path):
    wb = Workbook()
    sh = wb.active
    sh.append(["编号", "联系电话", "完成时间", "整改进展"])
    sh.append([1, 13912345678, dt.datetime(2020, 12, 1), "已完成"])
    wb.save(tmp_path / "回收.xlsx")
    t = read_table(tmp_path / "回收.xlsx", ["编号"])
    [(_, row)] = list(t.records())
    assert (t.text(row, "编号"), t.text(row, "联系电话"), t.text(row, "完成时间")) == ("1", "13912345678", "2020-12-01")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_a_whole_number_stored_as_float_reads_without_a_decimal_point(n):
    assert cell_text(float(n)) == str(n)
