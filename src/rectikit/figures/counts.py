"""Counts per batch and source file, the ledger's status, and the value lists every figure shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from rectikit.base import clock
from rectikit.base.results import Summary
from rectikit.figures.tasks import task_light, tasks_on
from rectikit.store.ledger import SCHEMA_VERSION, Ledger
from rectikit.store.values import DONE, UNKNOWN

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
INTEGER_KEYS = (
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
        for k in INTEGER_KEYS:
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


def raw_items(led: Ledger, batches: Sequence[str]) -> int:
    """Items as imported (before merging) in the named batches: what a report's opening counts, without
    :func:`batch_counts`'s states on a past day (a re-read of every task)."""
    if not batches:
        return 0
    marks = ",".join("?" * len(batches))
    sql = f"SELECT COUNT(*) FROM items i JOIN batches b ON b.id = i.batch_id WHERE b.name IN ({marks})"
    return led.conn.execute(sql, tuple(batches)).fetchone()[0]


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
    return {k: sum(c[k] for c in counts) for k in INTEGER_KEYS}


def ledger_status(ws) -> Summary:
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
    return Summary(
        {
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
    )
