import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectikit.text.dates import parse_date

D = dt.date(2020, 6, 26)


@pytest.mark.parametrize(
    "value",
    [
        "2020年6月26日",
        "2020年06月26日",
        "2020.6.26",
        "2020/6/26",
        "2020-06-26",
        "20200626",
        "2020-06-26 10:30:00",
        "2020/6/26 9:05",
        "06/26/2020",
        "２０２０年６月２６日",
        "二〇二〇年六月二十六日",
        " 2020 年 6 月 26 日 ",
        "2020年6月26号",
        44008,
        44008.0,
        20200626,
        D,
        dt.datetime(2020, 6, 26, 8, 0),
    ],
)
def test_forms_offices_write(value):
    assert parse_date(value) == D


@pytest.mark.parametrize("value", ["", None, "2020年6月", "2020-02-30", "明天", "12", 5.0, True, "2020/13/40"])
def test_not_a_full_date(value):
    assert parse_date(value) is None


def test_day_first_when_unambiguous():
    assert parse_date("26/06/2020") == D


FORMS = [
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: d.isoformat(),
    lambda d: d.strftime("%Y%m%d"),
    lambda d: (d - dt.date(1899, 12, 30)).days,
]


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)), st.sampled_from(FORMS))
def test_round_trip(d, form):
    assert parse_date(form(d)) == d


@given(st.text(max_size=30))
def test_never_raises(s):
    r = parse_date(s)
    assert r is None or isinstance(r, dt.date)
