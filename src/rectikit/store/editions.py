"""Editions of a report: what a periodic report (the monthly report) said
each time it was made, and the newest event it saw.

Why: a past month's report made again later must be the same, or say what
arrived late; an edition's event mark rebuilds exactly what it said.
"""

from __future__ import annotations

import datetime as dt
import json

from rectikit.store.items import last_event


def latest(led, kind: str, period: str, scope: str) -> dict | None:
    """The newest edition of a report, with its number (1 for the first) and figures decoded."""
    rows = led.dicts("SELECT * FROM editions WHERE kind=? AND period=? AND scope=? ORDER BY id", (kind, period, scope))
    if not rows:
        return None
    r = rows[-1]
    return {**r, "number": len(rows), "figures": json.loads(r["figures"])}


def numbered(led, kind: str, period: str, scope: str, number: int) -> dict | None:
    """Edition ``number`` (1 for the first) of a report, or None."""
    rows = led.dicts("SELECT * FROM editions WHERE kind=? AND period=? AND scope=? ORDER BY id", (kind, period, scope))
    if not 1 <= number <= len(rows):
        return None
    r = rows[number - 1]
    return {**r, "number": number, "figures": json.loads(r["figures"])}


def remember(led, kind: str, period: str, scope: str, made_on: dt.date, figures: dict) -> int:
    """Record a new edition (inside a transaction) at the newest event; returns its number."""
    from rectikit.store.ledger import now

    led.conn.execute(
        "INSERT INTO editions(kind, period, scope, made_on, made_at, event_mark, figures) VALUES (?,?,?,?,?,?,?)",
        (
            kind,
            period,
            scope,
            made_on.isoformat(),
            now(),
            last_event(led),
            json.dumps(figures, ensure_ascii=False, sort_keys=True),
        ),
    )
    return led.conn.execute(
        "SELECT COUNT(*) FROM editions WHERE kind=? AND period=? AND scope=?", (kind, period, scope)
    ).fetchone()[0]
