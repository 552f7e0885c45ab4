"""Parse the dates people type into spreadsheets.

Offices mix Excel date cells, Excel serial numbers, and text such as
"2020年6月26日", "2020.6.26", "2020/6/26", "2020-06-26", "20200626",
"06/26/2020" (hotline exports) and "二〇二〇年六月二十六日".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from rectikit.text.normalise import cn_number

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 10_000, 80_000  # 1927 .. 2119: plausible feedback dates

_TIME = r"(?:[ T]+\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2}(?:\.\d+)?)?)?"
_PATTERNS = [
    # year first: 2020年6月26日 / 2020.6.26 / 2020/6/26 / 2020-06-26, optional time
    (re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*[日号]?" + _TIME + "$"), "ymd"),
    # compact 20200626
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),
    # month first, as US-style exports write it: 06/26/2020
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME + "$"), "mdy"),
]


_CN_DATE = re.compile(
    r"^([〇零○O一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})[日号]$"
)


@lru_cache(maxsize=65536)
def parse_date_text(text: str) -> dt.date | None:
    """A date from text, or None when the text is not one full date."""
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        return None
    for rx, order in _PATTERNS:
        m = rx.match(s)
        if m:
            a, b, c = (int(g) for g in m.groups()[:3])
            y, mo, d = (a, b, c) if order == "ymd" else (c, a, b)
            if order == "mdy" and mo > 12 >= d:  # 26/06/2020 written day first
                mo, d = d, mo
            return _safe_date(y, mo, d)
    m = _CN_DATE.match(s)
    if m:
        year, month, day = (cn_number(g) for g in m.groups())
        if year is not None and month is not None and day is not None:
            return _safe_date(year, month, day)
    return None


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_date(value) -> dt.date | None:
    """A date from any spreadsheet cell value, or None when it is not one."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            return parse_date_text(str(int(value)))
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        return None
    if isinstance(value, str):
        return parse_date_text(value)
    return None


def cn_date(d: dt.date) -> str:
    """2020-09-30 -> 2020年9月30日."""
    return f"{d.year}年{d.month}月{d.day}日"


@lru_cache(maxsize=4096)  # a long list repeats its few deadlines and closing days
def iso_to_cn(d: str | None) -> str:
    """An ISO date from the ledger in Chinese; anything else as it is."""
    if not d:
        return ""
    try:
        return cn_date(dt.date.fromisoformat(d))
    except ValueError:
        return d
