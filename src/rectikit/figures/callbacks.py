"""Callbacks (回访), satisfaction tables and rounds, and sampling surveys (摸底调查)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from rectikit.base.stats import wilson
from rectikit.figures.counts import batch_names
from rectikit.figures.distributions import callback_counts, ranked, satisfaction_counts
from rectikit.store.ledger import Ledger
from rectikit.store.values import SATISFACTION, SATISFACTION_GROUPS, UNKNOWN

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
