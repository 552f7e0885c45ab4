"""Merging in the ledger: what a merge proposal and its result are, the merge itself (raw items moved
onto the most complete text, which keeps the work done on any of them), pairs kept apart, and unmerge
(every raw item remembers the item it was imported as)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields

from rectikit.base.errors import NotFoundError, UsageError
from rectikit.base.results import Result, Summary
from rectikit.figures import batch_counts
from rectikit.store.ledger import Ledger, now
from rectikit.store.workspace import Workspace

MERGE, KEEP_APART, TAKE_OUT = "合并", "不合并", "移出此项"


@dataclass
class ProposedGroup:
    batch: str
    item_ids: list[int]  # the suggested representative first
    score: float
    texts: list[str]
    sources: list[str]
    counties: list[str]
    raw_counts: list[int]
    # why the reviewer is shown this group (similarities, shared places, the same contact): worked out when
    # first asked, as groups merged by --auto are read by no one (12k groups' places took a second)
    explain: Callable[[], str] | str = ""
    signals: tuple[str, ...] = ()  # what joined it beyond the bodies: "title", "rewrite", "words"

    @property
    def reasons(self) -> str:
        if callable(self.explain):
            self.explain = self.explain()
        return self.explain

    def to_dict(self) -> dict:
        """As JSON reads it: the reasons in their place, worked out."""
        out = {}
        for f in fields(self):
            if f.name == "explain":
                out["reasons"] = self.reasons
            else:
                out[f.name] = getattr(self, f.name)
        return out

    def automatic(self, auto_min: float) -> bool:
        """Nearly identical bodies and nothing else: what --auto may merge without a person."""
        return self.score >= auto_min and not set(self.signals) - {"body"}


@dataclass
class Repeat:
    item_id: int
    batch: str
    earlier_id: int
    earlier_batch: str
    score: float


@dataclass
class DedupeResult(Result):
    threshold: float
    groups: list[ProposedGroup] = field(default_factory=list)
    repeats: list[Repeat] = field(default_factory=list)
    merged_groups: int = 0
    kept_apart: int = 0
    review_path: str | None = None
    summary: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "threshold": self.threshold,
            "groups": [g.to_dict() for g in self.groups],
            "repeats": [asdict(r) for r in self.repeats],
            "merged_groups": self.merged_groups,
            "kept_apart": self.kept_apart,
            "review_path": self.review_path,
            "summary": self.summary,
        }


def merge_summary(led: Ledger) -> list[dict]:
    """Per batch: raw items, working items after merging, repeats flagged."""
    return [{k: b[k] for k in ("batch", "raw_items", "items", "repeats")} for b in batch_counts(led)]


def forbidden_pairs(led: Ledger) -> set[tuple[int, int]]:
    return {(a, b) for a, b in led.conn.execute("SELECT item_a, item_b FROM not_duplicates")}


def representative(rows: Sequence[dict]) -> dict:
    """The most complete text: the longest, the earliest on a tie."""
    return max(rows, key=lambda r: (len(r["text"] or ""), -r["id"]))


def flag_repeats(led: Ledger, repeats: Sequence[Repeat]) -> None:
    for r in repeats:
        old = led.conn.execute("SELECT repeat_of FROM items WHERE id=?", (r.item_id,)).fetchone()[0]
        if old != r.earlier_id:
            led.conn.execute(
                "UPDATE items SET repeat_of=?, repeat_score=? WHERE id=?", (r.earlier_id, r.score, r.item_id)
            )
            led.record(
                "flag-repeat",
                "item",
                r.item_id,
                field="repeat_of",
                old=old,
                new=r.earlier_id,
                detail={"score": r.score},
            )


def root_of(led: Ledger, item_id: int) -> int:
    seen = set()
    while True:
        row = led.conn.execute("SELECT merged_into FROM items WHERE id=?", (item_id,)).fetchone()
        if row is None or row[0] is None or item_id in seen:
            return item_id
        seen.add(item_id)
        item_id = row[0]


def tracked_tasks(led: Ledger, item_ids: Sequence[int]) -> list[dict]:
    """The current roots of ``item_ids`` that units already report on or that were closed out."""
    roots = sorted({root_of(led, i) for i in item_ids})
    return [
        dict(r)
        for r in led.conn.execute(
            f"SELECT id, progress, closed FROM items WHERE id IN ({','.join('?' * len(roots))})"
            " AND (progress IS NOT NULL OR closed = 1)",
            roots,
        )
    ]


def from_above(led: Ledger, item_ids: Sequence[int]) -> int:
    """How many of ``item_ids`` came from an upstream office's task sheet (each is answered upstream)."""
    return led.conn.execute(
        f"SELECT COUNT(*) FROM upstream_items WHERE item_id IN ({','.join('?' * len(item_ids))})", list(item_ids)
    ).fetchone()[0]


def merge_items(
    led: Ledger, item_ids: Sequence[int], *, method: str, score: float | None = None, keep: int | None = None
) -> bool:
    """Merge items (by their current roots) onto the one already being tracked, so its progress and
    close-out stay in view, else the one a reviewer chose to keep (``keep``), else the most complete one.
    Returns False when they are already one item. Call inside a transaction, after :func:`tracked`
    found at most one tracked item."""
    roots = sorted({root_of(led, i) for i in item_ids})
    if len(roots) < 2:
        return False
    rows = [
        dict(r)
        for r in led.conn.execute(f"SELECT id, text FROM items WHERE id IN ({','.join('?' * len(roots))})", roots)
    ]
    tracked = tracked_tasks(led, roots)
    chosen = root_of(led, keep) if keep is not None else None
    rep = tracked[0]["id"] if tracked else chosen if chosen in roots else representative(rows)["id"]
    merge_onto(led, rep, roots, method=method, score=score)
    return True


def merge_onto(led: Ledger, rep: int, roots: Sequence[int], *, method: str, score: float | None = None) -> None:
    """Merge ``roots`` (items not merged into another) onto ``rep``, one of them."""
    others = [r for r in roots if r != rep]
    marks = ",".join("?" * len(others))
    # Flat: members of a merged item follow it, so an item's rows are itself plus what points at it.
    led.conn.execute(
        f"UPDATE items SET merged_into=? WHERE id IN ({marks}) OR merged_into IN ({marks})", (rep, *others, *others)
    )
    led.record("merge", "item", rep, detail={"members": sorted(roots), "method": method, "score": score})


def touched_items(led: Ledger) -> set[int]:
    """Items a merge must look at one by one: merged into another, reported on or closed out, or from an
    upstream office's sheet. The rest (nearly all of a new batch) merge as they are."""
    return {
        i
        for (i,) in led.conn.execute(
            "SELECT id FROM items WHERE merged_into IS NOT NULL OR progress IS NOT NULL OR closed = 1"
            " UNION SELECT item_id FROM upstream_items"
        )
    }


def keep_apart(led: Ledger, a: int, b: int) -> bool:
    a, b = min(a, b), max(a, b)
    cur = led.conn.execute("INSERT OR IGNORE INTO not_duplicates(item_a, item_b, at) VALUES (?,?,?)", (a, b, now()))
    if cur.rowcount:
        led.record("keep-apart", "item", a, detail={"items": [a, b]})
    return bool(cur.rowcount)


def unmerge(ws: Workspace, item_id: int) -> Summary:
    """Undo a merge: every raw item goes back to the item it was imported as,
    and the pairs are remembered as not duplicates."""
    with ws.ledger() as led, led.transaction() as conn:
        row = conn.execute("SELECT merged_into FROM items WHERE id=?", (item_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"台账中没有编号为 {item_id} 的条目。")
        if row[0] is not None:
            raise UsageError(
                f"编号 {item_id} 已并入编号 {root_of(led, item_id)}，请对编号 {root_of(led, item_id)} 撤销合并。"
            )
        homes = [item_id] + [
            r[0] for r in conn.execute("SELECT id FROM items WHERE merged_into=? ORDER BY id", (item_id,))
        ]
        if len(homes) < 2:
            raise UsageError(f"编号 {item_id} 不是合并而成的条目，无需撤销。")
        conn.execute("UPDATE items SET merged_into=NULL WHERE merged_into=?", (item_id,))
        homes.sort()
        led.record("unmerge", "item", item_id, detail={"members": homes})
        for a, b in itertools.combinations(homes, 2):
            keep_apart(led, a, b)
        return Summary({"item": item_id, "restored": homes, "summary": merge_summary(led)})
