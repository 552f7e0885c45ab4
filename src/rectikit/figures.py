"""Figures: every count a document or a command prints, from one place.

Documents lay numbers out; they never count. Each function here takes an open
ledger (and the batches or day it is asked about) and returns plain data —
lists, dicts and tuples of names and integers — so `status --json`, the
classify summary, the analysis report and the public notice can never
disagree about how many items a batch has. A new document asks here first;
a new figure is added here, next to the ones like it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from rectikit.base import clock
from rectikit.base.stats import wilson
from rectikit.store.items import as_of
from rectikit.store.ledger import SCHEMA_VERSION, Ledger
from rectikit.store.values import DONE
from rectikit.text.dates import cn_date

UNKNOWN = "未注明"
UNCLASSIFIED = "未分类"
# A task's light, in the order reports list them.
LIGHTS = ("红灯", "黄灯", "绿灯", "长期坚持", "未定时限", "已完成", "已销号")

# One pass over the items gives every per-batch count. ``done`` and
# ``closed`` count key tasks, as the seeds' notices do ("重点整改任务……已完成").
_BATCH_COUNTS = """
SELECT b.name AS batch, COALESCE(b.kind, '社会评价') AS kind,
  (SELECT COUNT(DISTINCT f.sha256) FROM source_files f WHERE f.batch_id = b.id) AS files,
  COUNT(i.id) AS raw_items,
  TOTAL(i.merged_into IS NULL) AS items,
  TOTAL(i.merged_into IS NULL AND i.repeat_of IS NOT NULL) AS repeats,
  TOTAL(i.merged_into IS NULL AND i.category IS NOT NULL) AS classified,
  TOTAL(i.merged_into IS NULL AND i.category IS NULL) AS unclassified,
  TOTAL(i.merged_into IS NULL AND i.is_key_task = 1) AS key_tasks,
  TOTAL(i.merged_into IS NULL AND i.lead_unit IS NOT NULL) AS assigned,
  TOTAL(i.merged_into IS NULL AND i.is_key_task = 1 AND (i.progress = ? OR i.closed = 1)) AS done,
  TOTAL(i.merged_into IS NULL AND i.is_key_task = 1 AND i.closed = 1) AS closed,
  TOTAL(i.merged_into IS NULL AND COALESCE(i.is_key_task, 1) = 1 AND i.lead_unit IS NOT NULL
        AND i.closed IS NOT 1 AND i.progress IS NOT ? AND COALESCE(i.long_term, 0) = 0 AND i.deadline < ?) AS overdue,
  MIN(i.received_on) AS first_date,
  MAX(i.received_on) AS last_date
FROM batches b LEFT JOIN items i ON i.batch_id = b.id
{where}
GROUP BY b.id ORDER BY b.id
"""
_INTEGER_KEYS = (
    "raw_items",
    "items",
    "repeats",
    "classified",
    "unclassified",
    "key_tasks",
    "assigned",
    "done",
    "closed",
    "overdue",
)


def batch_names(led: Ledger, batches: Sequence[str] = ()) -> list[str]:
    """The batches asked for (checked to exist), or all of them in import order."""
    for name in batches:
        led.require_batch(name)
    return list(batches) or [r[0] for r in led.conn.execute("SELECT name FROM batches ORDER BY id")]


def batch_counts(led: Ledger, batches: Sequence[str] = (), today: dt.date | None = None) -> list[dict]:
    """Per batch, in import order: files, raw items as imported, working items
    after merging, repeats of earlier batches, classified / unclassified, key
    tasks, assigned, key tasks done and closed out, tasks overdue as of
    ``today`` (red lights), and the date range."""
    names = batch_names(led, batches) if batches else []
    where = f"WHERE b.name IN ({','.join('?' * len(names))})" if names else ""
    day = (today or clock.today()).isoformat()
    rows = []
    for r in led.conn.execute(_BATCH_COUNTS.format(where=where), (DONE, DONE, day, *names)):
        d = dict(r)
        for k in _INTEGER_KEYS:
            d[k] = int(d[k])
        rows.append(d)
    latest = led.conn.execute("SELECT MAX(on_date) FROM events").fetchone()[0]
    if latest and latest > day:  # the rows say what is true now: count the tasks as they stood on the day
        on_day = tasks_on(led, [r["batch"] for r in rows], dt.date.fromisoformat(day))
        for r in rows:
            mine = [t for t in on_day if t["batch"] == r["batch"]]
            lights = [task_light(t, dt.date.fromisoformat(day), 0)[0] for t in mine if t["lead_unit"]]
            r["done"] = sum(1 for t in mine if t["is_key_task"] == 1 and (t["progress"] == DONE or t["closed"]))
            r["closed"] = sum(1 for t in mine if t["is_key_task"] == 1 and t["closed"])
            r["overdue"] = lights.count("红灯")
    return rows


_SOURCE_COUNTS = """
SELECT b.name AS batch, COALESCE(i.source, ?) AS source, COUNT(*) AS raw_items,
       TOTAL(i.merged_into IS NULL) AS items, TOTAL(i.merged_into IS NULL AND i.is_key_task = 1) AS key_tasks
FROM items i JOIN batches b ON b.id = i.batch_id {where}
GROUP BY b.id, COALESCE(i.source, ?) ORDER BY b.id, MIN(i.id)
"""


def source_counts(led: Ledger, batches: Sequence[str] = ()) -> dict[str, list[dict]]:
    """Per batch, its sources in file order with raw items, working items and
    key tasks ("城乡居民……141条" in a plan's counted sentence)."""
    names = batch_names(led, batches) if batches else []
    where = f"WHERE b.name IN ({','.join('?' * len(names))})" if names else ""
    out: dict[str, list[dict]] = {}
    for r in led.conn.execute(_SOURCE_COUNTS.format(where=where), (UNKNOWN, *names, UNKNOWN)):
        out.setdefault(r["batch"], []).append(
            {
                "source": r["source"],
                "raw_items": r["raw_items"],
                "items": int(r["items"]),
                "key_tasks": int(r["key_tasks"]),
            }
        )
    return out


def totals(counts: Iterable[dict]) -> dict[str, int]:
    """The per-batch counts added up."""
    counts = list(counts)
    return {k: sum(c[k] for c in counts) for k in _INTEGER_KEYS}


def ledger_status(ws) -> dict:
    """What `rectikit status` shows: the per-batch counts, totals and the last change."""
    cfg = ws.config()
    with ws.ledger() as led:
        batches = batch_counts(led)
        sources = source_counts(led)
        for b in batches:
            b["sources"] = sources.get(b["batch"], [])
        last = led.conn.execute("SELECT at, command, action FROM history ORDER BY id DESC LIMIT 1").fetchone()
        changes = led.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0]
    sums = totals(batches)
    return {
        "workspace": str(ws.root),
        "today": clock.today().isoformat(),  # done, closed and overdue are counted as of this day
        "office": cfg.get("office", {}).get("name", ""),
        "year": cfg.get("office", {}).get("year"),
        "schema_version": SCHEMA_VERSION,
        "batches": batches,
        "total_raw_items": sums["raw_items"],
        "total_items": sums["items"],
        "history_entries": changes,
        "last_change": dict(last) if last else None,
    }


# -- distributions ---------------------------------------------------------

_MANY = re.compile(r"[、，,;；/／|]+")


def split_values(cell: str | None) -> list[str]:
    """A cell that may hold several values ("住房保障、社会保障"): each of them, in order, once."""
    return list(dict.fromkeys(v.strip() for v in _MANY.split(cell or "") if v.strip()))


def categories_of(item: dict) -> list[str]:
    """The categories an item counts under: the office file's own (several
    allowed, as in seed 004, where the category counts add up to more than
    the items), else what classify gave it."""
    return split_values(item.get("category_given")) or [item.get("category") or UNCLASSIFIED]


SATISFACTION = ("满意", "基本满意", "不满意")


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


# -- tracking ---------------------------------------------------------------


def task_light(item: dict, today: dt.date, warn_days: int) -> tuple[str, int | None]:
    """A task's light as of ``today`` and the days left (negative when overdue):
    red past its deadline and not done, yellow within ``warn_days`` of it."""
    if item["closed"]:
        return "已销号", None
    if item["progress"] == DONE:
        return "已完成", None
    if item["long_term"]:
        return "长期坚持", None
    if not item["deadline"]:
        return "未定时限", None
    left = (dt.date.fromisoformat(item["deadline"]) - today).days
    return ("红灯" if left < 0 else "黄灯" if left <= warn_days else "绿灯"), left


def light_counts(lights: Iterable[str]) -> dict[str, int]:
    """Lights counted in LIGHTS order, the empty ones left out."""
    c = Counter(lights)
    return {light: c[light] for light in LIGHTS if c[light]}


def task_note(item: dict, *, short: bool = False) -> str:
    """What a list of tasks says beside a reopened one: 重新整改, since when and why (``short``: why only,
    for a narrow column of a public table whose 整改时限 already shows the new deadline)."""
    if not item.get("reopened"):
        return ""
    if short:
        return f"重新整改（{item['reopened']}）"
    return (
        f"重新整改（{cn_date(dt.date.fromisoformat(item['reopened_on']))}起，{item['reopened']}）"
        if item.get("reopened_on")
        else f"重新整改（{item['reopened']}）"
    )


def tasks_on(
    led: Ledger, batches: Sequence[str], day: dt.date, *, key_only: bool = True, mark: int | None = None
) -> list[dict]:
    """The working items (key tasks by default) as they stood at the end of ``day``; with ``mark``, as the
    ledger knew them when that event was the newest (an earlier edition of a report)."""
    return as_of(led, led.working_items(batches, key_only=key_only), day, mark=mark)


def deadline_text(item: dict) -> str:
    return "长期坚持" if item.get("long_term") else (item.get("deadline") or "")


def task_table(items: Iterable[dict], today: dt.date, warn_days: int) -> list[dict]:
    """Every assigned task with its light and days left, in ledger order."""
    return [
        {
            "id": it["id"],
            "unit": it["lead_unit"],
            "co_units": it.get("co_units") or "",
            "deadline": deadline_text(it),
            "progress": it["progress"] or "",
            "light": light,
            "days_left": left,
            "board": it.get("board") or "",
            "text": it["text"],
            "note": task_note(it),
        }
        for it in items
        if it["lead_unit"]
        for light, left in [task_light(it, today, warn_days)]
    ]


def progress(tasks: Sequence[dict], today: dt.date, warn_days: int) -> dict:
    """Where the assigned tasks stand: lights counted, done (closed included)."""
    lights = light_counts(task_light(t, today, warn_days)[0] for t in tasks)
    return {
        "tasks": len(tasks),
        "lights": lights,
        "done": lights.get("已完成", 0) + lights.get("已销号", 0),
        "closed": lights.get("已销号", 0),
        "overdue": lights.get("红灯", 0),
        "due_soon": lights.get("黄灯", 0),
        "long_term": lights.get("长期坚持", 0),
    }


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


def _category_detail(items: list[dict], top: int = 3) -> list[dict]:
    """Within each of the leading categories: its natures (问题性质) and its counties, each counted
    over the category's items (seed 004: 住房保障 60 件中，危改补助兑现不及时 31 件、占 51%)."""
    out = []
    for name, n in ranked(Counter(c for i in items for c in categories_of(i)))[:top]:
        if name == UNCLASSIFIED:
            continue
        inside = [i for i in items if name in categories_of(i)]
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
    counts = batch_counts(led, names) if names else []
    items = with_callbacks(led, as_of(led, led.working_items(names), today), today)
    tasks = [i for i in items if i["lead_unit"]]
    towns = count_by((i for i in items if i["township"]), lambda i: f"{i['county'] or ''}{i['township']}")
    grain, by_period = periods(i["received_on"] for i in items if i["received_on"])
    money = [i for i in items if MONEY.search(f"{i.get('nature') or ''}{i.get('text') or ''}")]
    order = [r[0] for r in led.conn.execute("SELECT name FROM batches ORDER BY id")]
    before = order[order.index(names[0]) - 1] if names and order.index(names[0]) > 0 else None
    return {
        "batches": names,
        "kinds": led.batch_kinds(names),
        "previous": (
            {"batch": before, "raw_items": batch_counts(led, [before])[0]["raw_items"]}
            if before and before not in names
            else None
        ),
        "raw_items": totals(counts)["raw_items"] if counts else 0,
        "items": len(items),
        "key_tasks": sum(1 for i in items if i["is_key_task"] == 1),
        "by_county": count_by(items, "county"),
        "by_township": towns,
        "townships": len(towns),
        "top_townships": top_n(towns, top_townships),
        "by_category": ranked(Counter(c for i in items for c in categories_of(i))),
        "category_detail": _category_detail(items),
        "money": {"items": len(money), "by_category": ranked(Counter(c for i in money for c in categories_of(i)))},
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


# -- the rectification plan ------------------------------------------------------


def plan_figures(led: Ledger, batches: Sequence[str] = (), areas: int = 10) -> dict:
    """What the plan's 整改内容 says: totals, sources in file order, areas by count (the first ``areas``,
    never cutting a tie: those tied at the cut are left to the sentence's 等), key tasks."""
    names = batch_names(led, batches)
    counts = batch_counts(led, names) if names else []
    sums = totals(counts) if counts else {k: 0 for k in _INTEGER_KEYS}
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


# -- callbacks and satisfaction ---------------------------------------------------------


def callback_results(led: Ledger, today: dt.date | None = None) -> dict[int, str]:
    """Item id -> what its latest callback up to ``today`` (by 回访时间) found: 满意 / 基本满意 / 不满意,
    已回访 (reached, nothing said), or the reason it was not reached."""
    out = {}
    for item_id, reached, result, reason in led.conn.execute(
        "SELECT item_id, reached, result, reason FROM callbacks WHERE COALESCE(called_on, substr(recorded_at, 1, 10))"
        " <= ? ORDER BY id",
        ((today or dt.date.max).isoformat(),),
    ):
        out[item_id] = (result or "已回访") if reached else (reason or "未联系上")
    return out


def with_callbacks(led: Ledger, items: list[dict], today: dt.date | None = None) -> list[dict]:
    """Items whose ``callback`` is the ledger's latest callback (up to ``today``) where there is
    one, else what the office's file said."""
    results = callback_results(led, today)
    return [{**i, "callback": results[i["id"]]} if i["id"] in results else i for i in items]


SATISFACTION_GROUPS = {"单位": "lead_unit", "乡镇": "township", "类别": "category", "批次": "batch", "县区": "county"}


def satisfaction_table(
    led: Ledger, by: str = "单位", batches: Sequence[str] = (), today: dt.date | None = None
) -> list[dict]:
    """Per group: called, reached and its rate, each satisfaction with both
    denominators (of the reached, of the called), and what units reported; calls up to ``today``."""
    key = SATISFACTION_GROUPS[by]
    items = with_callbacks(led, led.working_items(batch_names(led, batches) if batches else []), today)
    groups: dict[str, list[dict]] = {}
    for i in items:
        groups.setdefault(i.get(key) or UNKNOWN, []).append(i)
    rows = []
    for name, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        cb, rep = callback_counts(members), satisfaction_counts(members)
        if not cb["called"] and not rep["total"]:
            continue
        rows.append(
            {
                "name": name,
                "called": cb["called"],
                "reached": cb["reached"],
                **{k: cb[k] for k in SATISFACTION},
                "reported": rep,
            }
        )
    return rows


def callback_rounds(led: Ledger) -> list[dict]:
    """Each round of callbacks in order — one ``callback`` run, however many sheets it wrote: called,
    reached, satisfied (满意 + 基本满意), the rate among the reached with its Wilson 95% interval, the rate
    among the called, the change from the round before in percentage points, and the first and last
    day of the calls (回访时间)."""
    rounds: dict[str, dict] = {}
    for token, created, run in led.conn.execute(
        "SELECT token, created_at, COALESCE(run, token) FROM sent_books WHERE kind='callback' ORDER BY id"
    ):
        r = rounds.setdefault(run, {"run": run, "sent": created, "sheets": 0, "rows": []})
        r["sheets"] += 1
        r["rows"] += led.conn.execute(
            "SELECT reached, result, called_on FROM callbacks WHERE book=?", (token,)
        ).fetchall()
    out = []
    for r in rounds.values():
        rows = r.pop("rows")
        reached = sum(1 for x in rows if x[0])
        satisfied = sum(1 for x in rows if x[0] and x[1] in ("满意", "基本满意"))
        days = sorted(x[2] for x in rows if x[2])
        lo, hi = wilson(satisfied, reached)
        out.append(
            {
                **r,
                "called": len(rows),
                "reached": reached,
                "satisfied": satisfied,
                "rate": satisfied / reached if reached else None,
                "low": lo,
                "high": hi,
                "rate_of_called": satisfied / len(rows) if rows else None,
                "first_call": days[0] if days else None,
                "last_call": days[-1] if days else None,
            }
        )
    for before, after in zip(out, out[1:]):
        if before["rate"] is not None and after["rate"] is not None:
            after["change_points"] = round((after["rate"] - before["rate"]) * 100, 1)
    return out


# -- sampling surveys (摸底调查) -----------------------------------------------------------


def _satisfied(answers: Sequence[str]) -> dict:
    """Of the answers that judge (不了解 does not), how many are 满意 or 基本满意, with its interval."""
    judged = [a for a in answers if a in ("满意", "基本满意", "不满意")]
    k = sum(1 for a in judged if a != "不满意")
    low, high = wilson(k, len(judged))
    return {
        "answered": len(judged),
        "satisfied": k,
        "share": k / len(judged) if judged else None,
        "low": low,
        "high": high,
    }


def _moved(now_: dict, before: dict | None) -> dict:
    """The change from the round before in percentage points, and whether it is larger than sampling allows
    (two-proportion z-test at 95%)."""
    if not before or now_["share"] is None or before["share"] is None:
        return {"change_pp": None, "beyond_chance": None}
    n1, n2 = before["answered"], now_["answered"]
    pooled = (before["satisfied"] + now_["satisfied"]) / (n1 + n2)
    spread = (pooled * (1 - pooled) * (1 / n1 + 1 / n2)) ** 0.5
    diff = now_["share"] - before["share"]
    return {"change_pp": round(100 * diff, 1), "beyond_chance": bool(spread and abs(diff) / spread > 1.96)}


def survey_rounds(led: Ledger, name: str, day: dt.date) -> list[dict]:
    """Every round of the survey ``name`` as its answers stood at the end of ``day`` (each person's newest
    answer to each question counts): who was reached, and per question the satisfied share with its Wilson
    interval, by stratum, and the change from the round before."""
    import json

    rounds = []
    for s in led.conn.execute(
        "SELECT * FROM surveys WHERE name=? AND drawn_on <= ? ORDER BY round", (name, day.isoformat())
    ).fetchall():
        latest: dict[tuple[str, str | None], tuple] = {}
        for person, stratum, reached, reason, question, answer in led.conn.execute(
            "SELECT person, stratum, reached, reason, question, answer FROM survey_answers WHERE survey_id=?"
            " AND recorded_on <= ? AND called_on <= ? ORDER BY id",
            (s["id"], day.isoformat(), day.isoformat()),
        ):
            latest[(person, question)] = (stratum, reached, reason, answer)
        reached = {p for (p, _q), v in latest.items() if v[1]}
        unreached = {p: v[2] for (p, q), v in latest.items() if not v[1] and p not in reached}
        areas = [a for a, _q in json.loads(s["questions"])]
        strata = [x["name"] for x in json.loads(s["strata"])]
        per_question = []
        for area in areas:
            answers = [(v[0], v[3]) for (_p, q), v in latest.items() if q == area and v[1]]
            row = {
                "area": area,
                **_satisfied([a for _s, a in answers]),
                "by_stratum": [{"name": g, **_satisfied([a for st, a in answers if st == g])} for g in strata],
            }
            per_question.append(row)
        everything = [(v[0], v[3]) for (_p, q), v in latest.items() if q and v[1]]
        rounds.append(
            {
                "round": s["round"],
                "drawn_on": s["drawn_on"],
                "size": s["size"],
                "reached": len(reached),
                "unreached": len(unreached),
                "reasons": ranked(Counter(unreached.values())),
                "questions": per_question,
                "strata": [{"name": g, **_satisfied([a for st, a in everything if st == g])} for g in strata],
                "overall": _satisfied([a for _s, a in everything]),
            }
        )
    for before, now_ in zip([None, *rounds], rounds):
        earlier = {q["area"]: q for q in before["questions"]} if before else {}
        for q in now_["questions"]:
            q.update(_moved(q, earlier.get(q["area"])))
        now_["overall"].update(_moved(now_["overall"], before["overall"] if before else None))
    return rounds
