"""The figures of the plan (整改方案), the monthly report (月报), investigation reports and answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from rectikit.figures.counts import INTEGER_KEYS, batch_counts, batch_names, source_counts, totals
from rectikit.figures.distributions import count_by, split_values, top_n
from rectikit.figures.tasks import task_light, tasks_on
from rectikit.store.ledger import Ledger
from rectikit.store.values import DONE, UNKNOWN

# -- the rectification plan ------------------------------------------------------


def plan_figures(led: Ledger, batches: Sequence[str] = (), areas: int = 10) -> dict:
    """What the plan's 整改内容 says: totals, sources in file order, areas by count (the first ``areas``,
    never cutting a tie: those tied at the cut are left to the sentence's 等), key tasks."""
    names = batch_names(led, batches)
    counts = batch_counts(led, names) if names else []
    sums = totals(counts) if counts else {k: 0 for k in INTEGER_KEYS}
    per_batch = source_counts(led, names) if names else {}
    merged: dict[str, int] = {}
    for b in names:
        for s in per_batch.get(b, []):
            merged[s["source"]] = merged.get(s["source"], 0) + s["raw_items"]
    items = led.working_items(names) if names else []
    return {
        "batches": names,
        "period": "、".join(names),
        "unknown": UNKNOWN,
        "raw_items": sums["raw_items"],
        "items": sums["items"],
        "key_tasks": sums["key_tasks"],
        "sources": [{"source": k, "raw_items": v} for k, v in merged.items()],
        "categories": [
            name for name, _ in top_n(count_by((i for i in items if i["category"]), "category"), areas)["rows"]
        ],
        "more_areas": len({i["category"] for i in items if i["category"]}) > 1,
    }


# -- the monthly report ------------------------------------------------------------


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """ "2020-10" -> (2020-10-01, 2020-10-31)."""
    year, mon = (int(x) for x in month.split("-"))
    first = dt.date(year, mon, 1)
    return first, (dt.date(year + (mon == 12), mon % 12 + 1, 1) - dt.timedelta(days=1))


def monthly(
    led: Ledger,
    month: str,
    *,
    warn_days: int,
    batches: Sequence[str] = (),
    today: dt.date | None = None,
    mark: int | None = None,
) -> dict:
    """Per lead unit and in total, for one month (一过问、一审核、一报告), as the tasks stood at the month's
    end (or ``today`` while the month is not over): tasks, completed this month (by the unit's 完成时间)
    and so far, closed out this month (by the close-out date) and so far, overdue on that day, and whether
    the unit reported in the month. Rebuilt from the events, so any past month gives the same figures;
    ``mark`` gives them as the ledger knew them then (an earlier edition)."""
    first, last = month_bounds(month)
    day = min(last, today) if today else last
    before = first - dt.timedelta(days=1)
    tasks = [t for t in tasks_on(led, batches, day, mark=mark) if t["lead_unit"]]
    earlier = {t["id"]: t for t in tasks_on(led, batches, before, mark=mark)}
    lo = first.isoformat()

    def done(t: dict) -> bool:
        return t["progress"] == DONE or bool(t["closed"])

    sql = (
        "SELECT DISTINCT s.unit FROM events e JOIN sent_books s ON s.token = e.book WHERE e.kind = 'collect'"
        " AND e.recorded_on >= ? AND e.recorded_on <= ?" + (" AND e.id <= ?" if mark is not None else "")
    )
    reported = {r[0] for r in led.conn.execute(sql, (lo, day.isoformat(), *(() if mark is None else (mark,))))}
    rows: dict[str, dict] = {}
    states: dict[int, str] = {}
    for t in tasks:
        r = rows.setdefault(
            t["lead_unit"],
            {
                "unit": t["lead_unit"],
                "tasks": 0,
                "done_this_month": 0,
                "done": 0,
                "closed_this_month": 0,
                "closed": 0,
                "overdue": 0,
                "reported": False,
            },
        )
        e = earlier.get(t["id"], {})
        r["tasks"] += 1
        if done(t):
            r["done"] += 1
            r["done_this_month"] += not done(e) or (t["done_on"] or "") >= lo  # done again after a reopening
        if t["closed"]:
            r["closed"] += 1
            r["closed_this_month"] += not e.get("closed") or (t["closed_on"] or "") >= lo
        light = task_light(t, day, warn_days)[0]
        r["overdue"] += light == "红灯"
        states[t["id"]] = light
    for unit in rows:
        rows[unit]["reported"] = unit in reported
    units = sorted(rows.values(), key=lambda r: (-r["overdue"], r["unit"]))
    keys = ("tasks", "done_this_month", "done", "closed_this_month", "closed", "overdue")
    return {
        "month": month,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "as_of": day.isoformat(),
        "units": units,
        "total": {k: sum(r[k] for r in units) for k in keys},
        "not_reported": [r["unit"] for r in units if not r["reported"]],
        "states": states,
    }


def late_news(led: Ledger, mark: int, day: dt.date, item_ids: Iterable[int]) -> list[dict]:
    """What was recorded after ``mark`` about the named items that happened by ``day``: the returns,
    close-outs and reopenings that arrived late for a report already made."""
    wanted = set(item_ids)
    out = []
    for r in led.dicts(
        "SELECT e.item_id, e.kind, e.on_date, e.recorded_on, e.changes, s.unit FROM events e"
        " LEFT JOIN sent_books s ON s.token = e.book WHERE e.id > ? AND e.on_date <= ? ORDER BY e.id",
        (mark, day.isoformat()),
    ):
        if r["item_id"] in wanted:
            out.append(r)
    return out


# -- investigation reports -----------------------------------------------------------


def investigation(led: Ledger, item_id: int) -> dict | None:
    """An item with its batch and what each unit reported of its investigation, lead unit first."""
    row = led.conn.execute(
        "SELECT i.*, b.name AS batch FROM items i JOIN batches b ON b.id=i.batch_id"
        " WHERE i.id=? AND i.merged_into IS NULL",
        (item_id,),
    ).fetchone()
    if row is None:
        return None
    parts = [
        dict(r)
        for r in led.conn.execute(
            "SELECT * FROM investigations WHERE item_id=? ORDER BY role != '牵头', id", (item_id,)
        )
    ]
    asked = [u for u in [row["lead_unit"], *split_values(row["co_units"])] if u]
    said = {p["unit"] for p in parts}
    return {"item": dict(row), "parts": parts, "silent": [u for u in dict.fromkeys(asked) if u not in said]}


def answers_due(led: Ledger, batches: Sequence[str], day: dt.date) -> list[dict]:
    """The items finished (completed or closed) as of ``day``, each with everyone who raised it — its own
    row and the rows merged into it — as (name, phone) pairs, once each: who is owed an answer."""
    done = [
        t
        for t in tasks_on(led, batches, day, key_only=False)
        if t["lead_unit"] and (t["progress"] == DONE or t["closed"])
    ]
    people = led.people([t["id"] for t in done])
    return [{**t, "people": people.get(t["id"], [])} for t in done]
