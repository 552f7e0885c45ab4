"""One home for an item's task state and its changes.

Why events: an office asks what was true on a given day (the October report
made in December), which of two returns is newer, and whether a person
decided a value. The items row keeps only the latest values; every change to
a task goes through :func:`change` (or :func:`change_many` for bulk steps),
which writes the row and an event together, and the history: a row for the
change, or for a bulk step one row for the run naming its events. An event has
the day it happened in the office's world (``on_date``: 完成时间, 销号日期,
回访时间, the reopen date, the dispatch date …), the day it was recorded
(the command's ``--today``), the machine time, its source and, for a unit's
return, the book it came in.

:func:`as_of` rebuilds every task at the end of a day from the events:
events are taken in the order they were recorded, each counting only from its
own business date, so a later return that says "finished on the 15th" makes
the task finished from the 15th, and an older claim never undoes a newer one.
The plan of a task (units, deadline, measures) as first assigned holds from
the start; later changes to it count from their date (an event keeps the
values it replaced, so the plan before a reopening is known).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from rectikit.base import clock
from rectikit.base.jsontext import dumps, loads

# The plan of a task: as first assigned it holds from the start.
PLAN = (
    "lead_unit",
    "co_units",
    "leader",
    "person",
    "deadline",
    "deadline_text",
    "long_term",
    "measures",
    "goal",
    "started_on",
)
# What happened to it: each value counts from its business date.
OUTCOME = ("progress", "result", "done_on", "evidence", "board", "closed", "closed_on", "reopened", "reopened_on")
TRACKED = PLAN + OUTCOME

# Sources of a change.
IMPORT, RULE, MODEL, PERSON, RETURN, CALLBACK, DISPATCH = (
    "import",
    "rule",
    "model",
    "person",
    "return",
    "callback",
    "dispatch",
)


def _day(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def _event_row(
    item_id: int,
    kind: str,
    source: str,
    on,
    changes: dict,
    *,
    today: dt.date,
    stamp: str,
    book: str | None = None,
    detail: dict | None = None,
    before: dict | None = None,
) -> tuple:
    return (
        item_id,
        kind,
        source,
        _day(on),
        today.isoformat(),
        stamp,
        book,
        changes if isinstance(changes, str) else dumps(changes),
        dumps(before) if before else None,
        dumps(detail) if detail else None,
    )


_INSERT = (
    "INSERT INTO events(item_id, kind, source, on_date, recorded_on, recorded_at, book, changes, before, detail)"
    " VALUES (?,?,?,?,?,?,?,?,?,?)"
)


def change(
    led,
    item: dict,
    new: dict,
    *,
    kind: str,
    source: str,
    on=None,
    today: dt.date | None = None,
    book: str | None = None,
    detail: dict | None = None,
) -> dict:
    """Set ``new`` fields of one item (inside a transaction): the row, one history row and one event for
    the fields that differ. ``item`` is updated in place; returns {field: (old, new)} of what changed."""
    from rectikit.store.ledger import now

    diff = {f: (item.get(f), v) for f, v in new.items() if item.get(f) != v}
    if not diff:
        return {}
    today = today or clock.today()
    led.conn.execute(
        f"UPDATE items SET {', '.join(f'{f}=?' for f in diff)} WHERE id=?",
        (*(v for _o, v in diff.values()), item["id"]),
    )
    led.record_changes(
        kind,
        item["id"],
        diff,
        detail={**(detail or {}), "source": source, "on": _day(on or today), **({"book": book} if book else {})},
    )
    led.conn.execute(
        _INSERT,
        _event_row(
            item["id"],
            kind,
            source,
            on or today,
            {f: v for f, (_o, v) in diff.items()},
            today=today,
            stamp=now(),
            book=book,
            detail=detail,
            before={f: o for f, (o, _v) in diff.items() if o is not None},
        ),
    )
    item.update(new)
    return diff


def change_many(
    led,
    changes: Iterable[tuple[dict, dict]],
    *,
    kind: str,
    source: str,
    on=None,
    today: dt.date | None = None,
    detail: dict | None = None,
) -> int:
    """:func:`change` for many items at once (inside a transaction): (item, new fields) pairs, the rows
    updated with one executemany per set of fields, the changes recorded by :func:`events_many`. Returns
    how many items changed."""
    from collections import defaultdict

    by_fields: dict[tuple, list] = defaultdict(list)
    events = []
    for item, new in changes:
        diff = {f: (item.get(f), v) for f, v in new.items() if item.get(f) != v}
        if not diff:
            continue
        by_fields[tuple(diff)].append((*(v for _o, v in diff.values()), item["id"]))
        events.append((item["id"], diff))
        item.update(new)
    for fields, params in by_fields.items():
        led.conn.executemany(f"UPDATE items SET {', '.join(f'{f}=?' for f in fields)} WHERE id=?", params)
    events_many(led, events, kind=kind, source=source, on=on, today=today, detail=detail)
    return len(events)


def events_many(
    led,
    rows: Iterable[tuple],
    *,
    kind: str,
    source: str,
    on=None,
    today: dt.date | None = None,
    book: str | None = None,
    detail: dict | None = None,
) -> None:
    """Events for a bulk step that updated the rows itself: (item id, {field: new value}) each, or
    (item id, {field: (old, new)}) to keep the values replaced, and optionally the item's own detail
    (merged over ``detail``). The history gets one row for the run, naming its events, who ran it and the
    command: an item's values are in its event and not repeated there (they were, a row per item: 0.5 s
    of a 100k-item assign and half the ledger it wrote)."""
    from rectikit.store.ledger import now

    today = today or clock.today()
    stamp = now()
    out = []
    for i, ch, *own in rows:
        if not ch:
            continue
        pairs = all(isinstance(v, tuple) for v in ch.values())
        out.append(
            _event_row(
                i,
                kind,
                source,
                on or today,
                {f: v[1] for f, v in ch.items()} if pairs else ch,
                today=today,
                stamp=stamp,
                book=book,
                detail={**(detail or {}), **own[0]} if own and own[0] else detail,
                before={f: v[0] for f, v in ch.items() if v[0] is not None} if pairs else None,
            )
        )
    if out:
        led.conn.executemany(_INSERT, out)
        last = led.conn.execute("SELECT MAX(id) FROM events").fetchone()[0]  # under the write lock: ours in order
        led.record(
            kind,
            "events",
            f"{last - len(out) + 1}-{last}",
            detail={"items": len(out), "source": source, **({"book": book} if book else {}), **(detail or {})},
        )


def decided_since(
    led, item_id: int, mark: int, kinds: Sequence[str], *, fields: Sequence[str] = (), book: str | None = None
) -> str | None:
    """Who decided an item anew after the mark ``mark`` (a book's), in words, or None: a person's events of
    ``kinds`` (touching one of ``fields`` when given), other than those taken from ``book`` itself."""
    for e in reversed(events_of(led, item_id, after=mark)):
        if e["source"] != PERSON or e["kind"] not in kinds or (book and e["book"] == book):
            continue
        if fields and not set(fields) & set(e["changes"]):
            continue
        where = e["detail"].get("file")
        return f"{e['recorded_on']} 人工确定" + (f"（{where}）" if where else "")
    return None


def last_event(led) -> int:
    """The id of the newest event (0 when there is none): a mark that later events are newer than."""
    return led.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]


def events_of(led, item_id: int, *, after: int = 0) -> list[dict]:
    """An item's events recorded after the mark ``after``, oldest first, changes decoded."""
    rows = led.dicts("SELECT * FROM events WHERE item_id=? AND id>? ORDER BY id", (item_id, after))
    for r in rows:
        r["changes"] = loads(r["changes"])
        r["detail"] = loads(r["detail"]) if r["detail"] else {}
    return rows


def as_of(led, items: Sequence[dict], day: dt.date, *, mark: int | None = None) -> list[dict]:
    """``items`` as they stood at the end of ``day``: the tracked fields rebuilt from the events recorded up to
    ``mark`` (all by default) whose business date is not after ``day``. An item or a field no event touched
    keeps its row's value (ledgers and tables written before events existed)."""
    iso = day.isoformat()
    # Only items with an event after the day (or the mark) can differ from their row, and not even those
    # whose only such event is the first assignment of their plan, which holds from the start anyway.
    cur = led.conn.cursor()
    cur.row_factory = None
    cut = mark if mark is not None else 1 << 62
    seen_first: set[int] = set()
    late: set[int] = set()
    for item_id, event_id, kind, on_date in cur.execute("SELECT item_id, id, kind, on_date FROM events ORDER BY id"):
        first = item_id not in seen_first
        seen_first.add(item_id)
        if (on_date > iso or event_id > cut) and (not first or kind not in ("assign", "baseline")):
            late.add(item_id)
    wanted = {it["id"] for it in items} & late
    if not wanted:
        return list(items)
    state: dict[int, dict] = {}
    seen: dict[int, dict] = {}  # item -> fields any event touched (plan fields: their first value)
    # Every event says which fields it touched (so a later value is not taken from the row); only those
    # recorded up to the mark and dated by the day make the state.
    for event_id, item_id, on_date, changes, before in cur.execute(
        "SELECT id, item_id, on_date, changes, before FROM events ORDER BY id"
    ):
        if item_id not in wanted:
            continue
        ch = loads(changes)
        old = loads(before) if before else {}
        touched = seen.setdefault(item_id, {})
        for f, v in ch.items():
            touched.setdefault(f, old.get(f, v))  # a plan field before its first change: what it was, else this
        if on_date <= iso and (mark is None or event_id <= mark):
            state.setdefault(item_id, {}).update(ch)
    out = []
    for it in items:
        fields = seen.get(it["id"]) if it["id"] in wanted else None
        if not fields:
            out.append(it)
            continue
        now_ = state.get(it["id"], {})
        it = dict(it)
        for f in TRACKED:
            if f in now_:
                it[f] = now_[f]
            elif f in fields:
                it[f] = fields[f] if f in PLAN else None
        out.append(it)
    return out
