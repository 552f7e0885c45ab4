"""The figures of the analysis report (分析报告): overview, units, categories, money, timeliness, periods."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from rectikit.figures.callbacks import with_callbacks
from rectikit.figures.counts import batch_names, raw_items
from rectikit.figures.distributions import (
    callback_counts,
    categories_of,
    count_by,
    ranked,
    satisfaction_counts,
    split_values,
    top_n,
)
from rectikit.figures.tasks import progress
from rectikit.store.items import as_of
from rectikit.store.ledger import Ledger
from rectikit.store.values import BOOKKEEPING, UNCLASSIFIED, UNKNOWN

# -- the analysis report ------------------------------------------------------


def _units(items: list[dict], tasks: list[dict]) -> dict:
    """Units as the office's file names them (承办单位, several per item
    allowed), else the lead units the ledger assigned."""
    given = [i for i in items if i.get("unit_given")]
    if given:
        return {
            "by_unit": ranked(Counter(u for i in given for u in split_values(i["unit_given"]))),
            "units_from": "file",
            "units_items": len(given),
        }
    return {"by_unit": count_by(tasks, "lead_unit"), "units_from": "ledger", "units_items": len(tasks)}


MONEY = re.compile(
    r"(资金|补助|补贴|补偿|奖励|工资|分红|款|费)[^。；]{0,12}(未|没有?|不)[^。；]{0,6}(兑现|发放|到位|拨付|落实|到账)"
    r"|(兑现|发放|拨付|到账)[^。；]{0,4}不(及时|到位)|拖欠"
)


def periods(dates: Iterable[str]) -> tuple[str, list[tuple[str, int]]]:
    """Items by the period their date falls in, at the grain the span calls for: months within two
    years, quarters within eight, else years. Returns (grain, [(period, count)]) in time order, empty
    periods inside the span included (a trend with holes hides the quiet months)."""
    days = sorted(d[:10] for d in dates if d)
    if not days:
        return "月", []
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if span <= 24:
        key, grain = (lambda d: (d.year, d.month)), "月"
        label = lambda k: f"{k[0]}年{k[1]}月"  # noqa: E731
        step = lambda k: (k[0] + k[1] // 12, k[1] % 12 + 1)  # noqa: E731
    elif span <= 96:
        key, grain = (lambda d: (d.year, (d.month - 1) // 3 + 1)), "季度"
        label = lambda k: f"{k[0]}年第{'一二三四'[k[1] - 1]}季度"  # noqa: E731
        step = lambda k: (k[0] + k[1] // 4, k[1] % 4 + 1)  # noqa: E731
    else:
        key, grain = (lambda d: (d.year, 0)), "年"
        label = lambda k: f"{k[0]}年"  # noqa: E731
        step = lambda k: (k[0] + 1, 0)  # noqa: E731
    counts = Counter(key(dt.date.fromisoformat(d)) for d in days)
    out, k = [], key(first)
    while k <= key(last):
        out.append((label(k), counts.get(k, 0)))
        k = step(k)
    return grain, out


def timeliness(led: Ledger, batches: Sequence[str], day: dt.date) -> dict:
    """Whether the units returned their task sheets by the day asked (交办表 "请于…前报回"), for every
    sheet whose day has come by ``day``: on time, late (returned after, by how many days) or not at all."""
    names = batch_names(led, batches)
    rows = led.conn.execute(
        "SELECT s.unit, s.reply_by, (SELECT MIN(e.recorded_on) FROM events e WHERE e.book = s.token AND e.kind = 'collect')"
        " FROM sent_books s WHERE s.kind = 'dispatch' AND s.reply_by IS NOT NULL AND s.reply_by < ?"
        " AND (s.batch IS NULL OR s.batch IN (%s)) ORDER BY s.id" % ",".join("?" * len(names)),
        (day.isoformat(), *names),
    ).fetchall()
    on_time, late, missing = [], [], []
    for unit, due, back in rows:
        if back and back <= due:
            on_time.append(unit)
        elif back and back <= day.isoformat():
            late.append((unit, (dt.date.fromisoformat(back) - dt.date.fromisoformat(due)).days))
        else:
            missing.append(unit)
    return {"sheets": len(rows), "on_time": len(on_time), "late": late, "missing": missing}


def _category_detail(items: list[dict], cats: list[list[str]], top: int = 3) -> list[dict]:
    """Within each of the leading categories: its natures (问题性质) and its counties, each counted
    over the category's items (seed 004: 住房保障 60 件中，危改补助兑现不及时 31 件、占 51%). ``cats``: each
    item's categories (:func:`categories_of`), read once."""
    out = []
    for name, n in ranked(Counter(c for cs in cats for c in cs))[:top]:
        if name == UNCLASSIFIED:
            continue
        inside = [i for i, cs in zip(items, cats) if name in cs]
        out.append(
            {
                "category": name,
                "items": n,
                "natures": ranked(Counter(v for i in inside for v in split_values(i.get("nature")))),
                "counties": [r for r in count_by(inside, "county") if r[0] != UNKNOWN],
            }
        )
    return out


def overview(led: Ledger, batches: Sequence[str], today: dt.date, *, warn_days: int, top_townships: int = 10) -> dict:
    """Everything the analysis report prints about the chosen batches (all by default)."""
    names = batch_names(led, batches)
    items = with_callbacks(led, as_of(led, led.working_items(names, leave_out=BOOKKEEPING), today), today)
    tasks = [i for i in items if i["lead_unit"]]
    towns = count_by((i for i in items if i["township"]), lambda i: f"{i['county'] or ''}{i['township']}")
    grain, by_period = periods(i["received_on"] for i in items if i["received_on"])
    cats = [categories_of(i) for i in items]
    money = [k for k, i in enumerate(items) if MONEY.search(f"{i.get('nature') or ''}{i.get('text') or ''}")]
    order = [r[0] for r in led.conn.execute("SELECT name FROM batches ORDER BY id")]
    before = order[order.index(names[0]) - 1] if names and order.index(names[0]) > 0 else None
    return {
        "batches": names,
        "kinds": led.batch_kinds(names),
        "previous": (
            {"batch": before, "raw_items": raw_items(led, [before])} if before and before not in names else None
        ),
        "raw_items": raw_items(led, names),
        "items": len(items),
        "key_tasks": sum(1 for i in items if i["is_key_task"] == 1),
        "by_county": count_by(items, "county"),
        "by_township": towns,
        "townships": len(towns),
        "top_townships": top_n(towns, top_townships),
        "by_category": ranked(Counter(c for cs in cats for c in cs)),
        "category_detail": _category_detail(items, cats),
        "money": {"items": len(money), "by_category": ranked(Counter(c for k in money for c in cats[k]))},
        "grain": grain,
        "by_period": by_period,
        "undated": sum(1 for i in items if not i["received_on"]),
        "timeliness": timeliness(led, names, today),
        **_units(items, tasks),
        "by_nature": ranked(Counter(v for i in items for v in split_values(i.get("nature")))),
        "nature_items": sum(1 for i in items if split_values(i.get("nature"))),
        "nature_by_county": {
            n: [
                r
                for r in count_by((i for i in items if n in split_values(i.get("nature"))), "county")
                if r[0] != UNKNOWN
            ]
            for n in [k for k, _ in ranked(Counter(v for i in items for v in split_values(i.get("nature"))))][:8]
        },
        "by_status": count_by((i for i in items if i.get("status_given")), "status_given"),
        "satisfaction": satisfaction_counts(items),
        "callback": callback_counts(items),
        "progress": progress([i for i in tasks if i["is_key_task"] != 0], today, warn_days),
    }
