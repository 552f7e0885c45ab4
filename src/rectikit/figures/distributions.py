"""How items spread over categories, places and answers: ranked counts, top-N, satisfaction."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from rectikit.store.values import SATISFACTION, UNCLASSIFIED, UNKNOWN

# -- distributions ---------------------------------------------------------

_MANY = re.compile(r"[、，,;；/／|]+")


def split_values(cell: str | None) -> list[str]:
    """A cell that may hold several values ("住房保障、社会保障"): each of them, in order, once."""
    if not cell:
        return []  # most items have no such cell: no need to split
    return list(dict.fromkeys(v.strip() for v in _MANY.split(cell) if v.strip()))


def categories_of(item: dict) -> list[str]:
    """The categories an item counts under: the office file's own (several
    allowed, as in seed 004, where the category counts add up to more than
    the items), else what classify gave it."""
    return split_values(item.get("category_given")) or [item.get("category") or UNCLASSIFIED]


def satisfaction_of(value: str | None) -> str | None:
    """满意 / 基本满意 / 不满意 from what a file or a caller wrote (非常满意 is 满意), or None."""
    text = value or ""
    for word in ("不满意", "基本满意", "满意"):
        if word in text:
            return word
    return None


def satisfaction_counts(items: Iterable[dict], field: str = "satisfaction") -> dict:
    """The reported satisfaction, counted (items that say none are left out)."""
    c = Counter(s for i in items if (s := satisfaction_of(i.get(field))))
    return {"total": sum(c.values()), **{k: c[k] for k in SATISFACTION}}


def callback_counts(items: Iterable[dict]) -> dict:
    """Callback results: called (any result written), reached, each satisfaction
    among the reached, and the reasons for not reaching (停机、关机、无人接听 …)."""
    called = reached = 0
    results: Counter = Counter()
    reasons: Counter = Counter()
    for i in items:
        value = (i.get("callback") or "").strip()
        if not value:
            continue
        called += 1
        result = satisfaction_of(value)
        if result or "已回访" in value:
            reached += 1
            if result:
                results[result] += 1
        else:
            reasons[value] += 1
    return {
        "called": called,
        "reached": reached,
        "unreached": called - reached,
        **{k: results[k] for k in SATISFACTION},
        "reasons": ranked(reasons),
    }


def ranked(counts: Counter, *, last: Sequence[str] = (UNKNOWN, UNCLASSIFIED)) -> list[tuple[str, int]]:
    """Most first; equal counts keep the order first seen, with ``last`` (the not-stated) at the end."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] in last))


def top_n(rows: Sequence[tuple[str, int]], n: int) -> dict:
    """The first ``n`` of a ranking as an office lists them: a tie at the cut is never cut, and never
    swells the list past ``n`` either — those tied are said together ("等12个乡镇各2件"). Returns the
    rows named and, when a tie is summed up, how many share which count."""
    rows = list(rows)
    if len(rows) <= n or n <= 0:
        return {"rows": rows, "tied": 0, "tied_each": 0}
    last = rows[n - 1][1]
    above = [r for r in rows if r[1] > last]
    tied = [r for r in rows if r[1] == last]
    if len(above) + len(tied) <= n:
        return {"rows": above + tied, "tied": 0, "tied_each": 0}
    return {"rows": above, "tied": len(tied), "tied_each": last}


def most(rows: Sequence[tuple[str, int]]) -> list[str]:
    """Every name with the largest count (May and June both, when they tie)."""
    top = max((n for _, n in rows), default=0)
    return [name for name, n in rows if n == top and top > 0]


def count_by(items: Iterable[dict], key, *, missing: str = UNKNOWN) -> list[tuple[str, int]]:
    """How many items per value of ``key`` (a field name or a function of the item), ranked."""
    get = key if callable(key) else (lambda it: it.get(key))
    return ranked(Counter(get(it) or missing for it in items))
