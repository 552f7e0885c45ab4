"""Deadlines (整改时限) as offices write them in rule tables.

"2020年11月30日", "11月底", "年底前", "6月中旬", "30天", "15个工作日",
"长期坚持". Working days follow the official holiday calendar with its
make-up working days (the `chinesecalendar` package, which publishes each
year's State Council schedule; upgrade it every December when the next
year's holidays are announced).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rectikit.text.dates import parse_date_text
from rectikit.text.normalise import cn_number

LONG_TERM = "长期坚持"
MAX_DAYS = 1000  # a relative deadline longer than this (about three years) is a typo, or 长期坚持


@dataclass(frozen=True)
class Deadline:
    date: dt.date | None  # None for long-term work
    long_term: bool = False
    checkpoint: dt.date | None = None  # the yearly check date of long-term work


class DeadlineError(ValueError):
    """A phrase that is not a deadline; the message is Chinese."""


_NUM = r"(\d+|[一二两三四五六七八九十百]+)"
_DAYS = re.compile(rf"^{_NUM}\s*(个)?\s*(自然日|日历日|天|日)(内|以内)?$")
_WORKDAYS = re.compile(rf"^{_NUM}\s*(个)?\s*工作日(内|以内)?$")
_MONTH_PART = re.compile(rf"^(?:(\d{{4}})年)?{_NUM}月(底|末|中|上旬|中旬|下旬|前|份)?(前|以前|之前)?$")
_YEAR_END = re.compile(r"^(?:(\d{4})年)?(年底|年末|年内|年终)(前|以前|之前)?$")


def _n(s: str) -> int:
    return int(s) if s.isdigit() else cn_number(s) or 0


@lru_cache(maxsize=4096)
def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start`` (holidays off, make-up days on).
    Cached: a rule table has a handful of phrases and one start date."""
    d, left = start, n
    try:
        while left > 0:
            d += dt.timedelta(days=1)
            if _is_workday(d):
                left -= 1
    except NotImplementedError:
        raise DeadlineError(
            f"节假日数据只覆盖到已公布的年份，无法计算 {d.year} 年的工作日。请升级 chinesecalendar（pip install -U chinesecalendar）。"
        ) from None
    return d


@lru_cache(maxsize=8192)
def _is_workday(d: dt.date) -> bool:
    """One day looked up once: items counted from many different starts walk the same days
    (chinese_calendar validates each date it is asked about)."""
    import chinese_calendar

    return chinese_calendar.is_workday(d)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(
    phrase,
    *,
    start: dt.date | None,
    year: int,
    checkpoint: dt.date | None = None,
    weekdays_if_unpublished: bool = False,
) -> Deadline:
    """A deadline from a cell: a date, a relative phrase (counted from ``start``), or 长期坚持.
    ``weekdays_if_unpublished`` counts Monday to Friday where the year's holidays are not yet published
    (a reopened task must get a deadline even in December)."""
    if isinstance(phrase, dt.datetime):
        return Deadline(phrase.date())
    if isinstance(phrase, dt.date):
        return Deadline(phrase)
    s = unicodedata.normalize("NFKC", str(phrase or "")).strip().replace(" ", "")
    if not s:
        raise DeadlineError("整改时限为空。")
    if s.startswith(LONG_TERM) or s in ("长期", "持续推进"):
        return Deadline(None, long_term=True, checkpoint=checkpoint or dt.date(year, 12, 31))
    d = parse_date_text(s)
    if d:
        return Deadline(d)
    m = _WORKDAYS.match(s) or _DAYS.match(s)
    if m and not 0 < _n(m.group(1)) <= MAX_DAYS:
        raise DeadlineError(f"“{s}”不是合理的整改时限（应在 1 到 {MAX_DAYS} 天之间；更长的写“长期坚持”）。")
    if m and start is None:
        raise DeadlineError(
            f'“{s}”是相对时限，须先在 rectikit.toml 的 [assign] 中写明起算日期，如 start_date = "2020-06-10"。'
        )
    m = _WORKDAYS.match(s)
    if m and start is not None:  # a relative phrase without a start was refused above
        try:
            return Deadline(add_workdays(start, _n(m.group(1))))
        except DeadlineError:
            if not weekdays_if_unpublished:
                raise
            d, left = start, _n(m.group(1))
            while left > 0:
                d += dt.timedelta(days=1)
                left -= d.weekday() < 5
            return Deadline(d)
    m = _DAYS.match(s)
    if m and start is not None:
        return Deadline(start + dt.timedelta(days=_n(m.group(1))))
    m = _YEAR_END.match(s)
    if m:
        return Deadline(dt.date(int(m.group(1) or year), 12, 31))
    m = _MONTH_PART.match(s)
    if m:
        y, month, part = int(m.group(1) or year), _n(m.group(2)), m.group(3) or ""
        if not 1 <= month <= 12:
            raise DeadlineError(f"“{s}”中的月份不对。")
        if part in ("中", "中旬"):
            return Deadline(dt.date(y, month, 20 if part == "中旬" else 15))
        if part == "上旬":
            return Deadline(dt.date(y, month, 10))
        if part == "前":
            return Deadline(dt.date(y, month, 1) - dt.timedelta(days=1))
        return Deadline(_month_end(y, month))
    raise DeadlineError(
        f"无法识别的整改时限“{s}”。可写：2020年11月30日、11月底、年底前、6月中旬、30天、15个工作日、长期坚持。"
    )


def is_relative(phrase) -> bool:
    """Whether a deadline counts from a start (30天, 15个工作日) rather than naming a day."""
    s = unicodedata.normalize("NFKC", str(phrase or "")).strip().replace(" ", "")
    return bool(_WORKDAYS.match(s) or _DAYS.match(s))


COUNT_FROM = ("dispatch", "received")


def task_start(item: dict, *, default: dt.date | None, count_from: str = "dispatch") -> dt.date | None:
    """The day an item's relative deadline counts from: its first dispatch, or the day it was received
    (hotline items; ``count_from = "received"`` puts that first); ``default`` ([assign] start_date) only for
    an item with neither; never before the item was received."""

    def day(value):
        try:
            return dt.date.fromisoformat(str(value)[:10]) if value else None
        except ValueError:
            return None

    received, started = day(item.get("received_on")), day(item.get("started_on"))
    first = (received or started) if count_from == "received" else (started or received)
    start = first or default
    return max(start, received) if start and received else start


@lru_cache(maxsize=4096)
def _remembered(phrase, start: dt.date | None, year: int) -> Deadline | DeadlineError:
    try:
        return parse_deadline(phrase, start=start, year=year)
    except DeadlineError as e:
        return e


def deadline_once(phrase, start: dt.date | None, year: int) -> Deadline:
    """:func:`parse_deadline`, worked out once per phrase, start and year (a rule table has a handful of
    phrases; 100k items share a few starts) — a phrase that cannot be worked out is remembered too,
    so an unpublished holiday year is not walked again for every item."""
    got = _remembered(phrase, start, year)
    if isinstance(got, DeadlineError):
        raise got
    return got
