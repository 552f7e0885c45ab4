"""What each key of rectikit.toml may hold, checked when the file is read.

Why: a setting of the wrong type fails silently far from where it was
written — ``key_task_dispositions = "立行立改"`` (a string, not a list)
dropped every key task, ``counties = "江南区"`` listed the counties 江、南、区.
Every known key is checked for its type and range before any command uses
it, and a wrong one is a Chinese message naming the section, the key and
what it should be. Unknown keys are left alone (an office may keep notes).
"""

from __future__ import annotations

import datetime as dt
import math
import re

_DEADLINE_PHRASE = re.compile(r"^\s*\d+\s*(个)?\s*(工作日|自然日|天|日)\s*$")


def _number(lo: float, hi: float, *, whole: bool = False, open_low: bool = False):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
            return f"应为{'整数' if whole else '数字'}"
        if not math.isfinite(value) or value > hi or (value <= lo if open_low else value < lo):
            return f"应在 {lo:g} 到 {hi:g} 之间{'（不含 %g）' % lo if open_low else ''}"
        return None

    return check


def _text(value):
    return None if isinstance(value, str) else "应为文字（用英文双引号括起来）"


def _texts(value):
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return '应为用方括号括起来的文字列表，如 ["江南区", "城中区"]'
    return None


def _date_or_blank(value):
    if not isinstance(value, (str, dt.date)):
        return '应写成 "2020-06-10" 的形式，或空着 ""'
    if isinstance(value, str) and value.strip():
        try:
            dt.date.fromisoformat(value.strip())
        except ValueError:
            return '应写成 "2020-06-10" 的形式，或空着 ""'
    return None


def _day_of_month_or_blank(value):
    if value == "":
        return None
    return _number(1, 31, whole=True)(value)


def _reopen(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return None if 0 < value <= 1000 else "应在 1 到 1000 之间"
    if isinstance(value, str) and _DEADLINE_PHRASE.match(value):
        return None
    return '应写成 "20个工作日"、"30天" 或一个天数'


def _one_of(*choices):
    def check(value):
        return None if value in choices else f"应为 {'、'.join(f'“{c}”' for c in choices)} 之一"

    return check


SCHEMA = {
    ("office", "name"): _text,
    ("office", "contact"): _text,
    ("office", "phone"): _text,
    ("office", "year"): _number(2000, 2100, whole=True),
    ("office", "place"): _text,
    ("office", "mark"): _text,
    ("office", "number"): _text,
    ("office", "printer"): _text,
    ("office", "supervision_phone"): _text,
    ("office", "upstream_names"): _texts,
    ("documents", "plan_to"): _text,
    ("documents", "plan_cc"): _text,
    ("documents", "plan_approved_by"): _text,
    ("documents", "plan_stages"): _texts,
    ("documents", "notice_basis"): _text,
    ("documents", "investigation_basis"): _text,
    ("documents", "analysis_to"): _text,
    ("documents", "analysis_basis"): _text,
    ("documents", "supervision_cc"): _text,
    ("import", "max_unpacked_mb"): _number(1, 1 << 20, whole=True),
    ("import", "header_scan_rows"): _number(1, 1000, whole=True),
    ("import", "max_cells"): _number(1, 1e12, whole=True),
    ("import", "cells_per_byte"): _number(0, 1e6, open_low=True),
    ("import", "rows_per_byte"): _number(0, 1e6, open_low=True),
    ("import", "text_per_byte"): _number(0, 1e6, open_low=True),
    ("dedupe", "threshold"): _number(0, 1, open_low=True),
    ("dedupe", "auto_threshold"): _number(0, 1, open_low=True),
    ("dedupe", "words_threshold"): _number(0, 1),
    ("classify", "accept_precision"): _number(0, 1, open_low=True),
    ("classify", "review_below"): _number(0, 1),
    ("classify", "secondary_above"): _number(0, 1),
    ("classify", "key_task_dispositions"): _texts,
    ("classify", "key_task_min_raw"): _number(1, 1e6, whole=True),
    ("classify", "key_task_min_score"): _number(-100, 100),
    ("classify", "key_task_max_share"): _number(0, 1, open_low=True),
    ("assign", "count_from"): _one_of("dispatch", "received"),
    ("assign", "start_date"): _date_or_blank,
    ("tracking", "warn_days"): _number(0, 365, whole=True),
    ("tracking", "reply_days"): _number(1, 365, whole=True),
    ("tracking", "reopen_days"): _reopen,
    ("plan", "feedback_from"): _text,
    ("plan", "basis"): _text,
    ("plan", "title"): _text,
    ("plan", "platform_due"): _date_or_blank,
    ("plan", "stamped_copy_due"): _date_or_blank,
    ("plan", "annex2_due"): _date_or_blank,
    ("plan", "monthly_report_day"): _day_of_month_or_blank,
    ("analysis", "counties"): _texts,
    ("answer", "sign"): _text,
    ("answer", "sms_chars"): _number(20, 1000, whole=True),
    ("analysis", "region"): _one_of("自动", "县", "乡镇", "auto", "county", "township"),
}


def problems(config: dict) -> list[str]:
    """Every known key that holds something it should not, in Chinese, in the file's order."""
    out = []
    for section, values in config.items():
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            check = SCHEMA.get((section, key))
            why = check(value) if check else None
            if why:
                out.append(f"[{section}] {key} {why}，现在是 {value!r}")
    return out
