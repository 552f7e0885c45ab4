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


_CELLS = st.one_of(
    st.text(alphabet=st.sampled_from(" \t\n\u3000\x00\x07ab路灯，1")),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**12), max_value=10**12).map(float),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)


@given(
    st.one_of(
        st.lists(st.text(alphabet=st.sampled_from(" \t\n\u3000\x00\x07ab路灯，1")), max_size=12),
        st.lists(st.floats(allow_nan=False), max_size=12),
        st.lists(_CELLS, max_size=12),
    ),
    st.booleans(),
)
def test_an_imported_column_is_each_cell_as_typed(column, ragged):
    """Import's column reader (fast paths for a column all of text or all of numbers, cell by cell for
    the rest, rows shorter than the column too) agrees with ``cell_text`` cell by cell: stripped, no
    control characters, None for empty, 1.0 as "1"."""
    from rectikit.base.names import without_control
    from rectikit.steps.importrows import _column

    rows = [["序号", v] for v in column] + ([["短行"]] if ragged else [])
    width = min(map(len, rows), default=0)
    assert _column(rows, 1, width) == [without_control(cell_text(r[1] if len(r) > 1 else "")) or None for r in rows]
