"""`rectikit dedupe`: merge feedback items that say the same thing.

Offices write "由于部分意见建议内容相似或相同……547条归纳为538条": a merged
item stands for several raw items, and reports count both. Merging moves the
raw items onto one working item (the most complete text); every raw item
remembers the item it was imported as, so any merge can be undone.

Proposals come from :mod:`rectikit.text.neardup`. Staff decide in Excel
(``--review`` then ``--apply``), or scheduled scripts merge only what is
nearly identical (``--auto``). Pairs a person has kept apart are never
proposed again.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from pathlib import Path

from rectikit.base.errors import LedgerBusyError, UsageError
from rectikit.steps.mergereview import write_review
from rectikit.steps.merging import (
    DedupeResult,
    ProposedGroup,
    Repeat,
    flag_repeats,
    forbidden_pairs,
    from_above,
    merge_items,
    merge_onto,
    merge_summary,
    representative,
    touched_items,
    tracked_tasks,
)
from rectikit.store.ledger import id_chunks
from rectikit.store.workspace import Workspace

DEFAULT_THRESHOLD = 0.8

DEFAULT_AUTO_THRESHOLD = 0.9

# Off unless the office turns it on: on template-like survey lists (the examples) it proposes the same
# sentence about other places for review, and a group it joins is never merged by --auto.
DEFAULT_WORDS_THRESHOLD = 0.0


def propose(
    ws: Workspace,
    *,
    batch: str | None = None,
    threshold: float | None = None,
    across_batches: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DedupeResult:
    """Groups to merge within each batch (and, on request, repeats of items
    of earlier batches); changes nothing."""
    from rectikit.text.neardup import find_groups
    from rectikit.text.normalise import normalise_many

    threshold = float(threshold if threshold is not None else ws.setting("dedupe", "threshold", DEFAULT_THRESHOLD))
    if not 0.5 <= threshold <= 1.0:
        raise UsageError(f"相似度阈值应在 0.5 到 1 之间，收到 {threshold}。")
    res = DedupeResult(threshold=threshold)
    with ws.ledger() as led:
        rows = led.working_items(
            [batch] if batch and not across_batches else [],
            columns=("text", "title", "source", "county", "contact_phone"),
        )
        banned = forbidden_pairs(led)
        res.summary = merge_summary(led)
    words = float(ws.setting("dedupe", "words_threshold", DEFAULT_WORDS_THRESHOLD)) or None
    norms = normalise_many([r["text"] for r in rows])
    titles = normalise_many([r["title"] or "" for r in rows])
    by_batch: dict[int, list[int]] = {}
    for k, r in enumerate(rows):
        by_batch.setdefault(r["batch_id"], []).append(k)
    for idx in by_batch.values():
        if batch and rows[idx[0]]["batch"] != batch:
            continue
        pos = {rows[k]["id"]: n for n, k in enumerate(idx)}
        forbidden = [(pos[a], pos[b]) for a, b in banned if a in pos and b in pos]
        for g in find_groups(
            [rows[k]["text"] for k in idx],
            threshold,
            forbidden=forbidden,
            norms=[norms[k] for k in idx],
            progress=progress,
            titles=[rows[k]["title"] for k in idx],
            words=words,
        ):
            members = [rows[idx[m]] for m in g.members]
            rep = representative(members)
            ordered = [rep] + [m for m in members if m is not rep]
            forms = {m["id"]: (norms[idx[k]], titles[idx[k]]) for k, m in zip(g.members, members)}
            res.groups.append(
                ProposedGroup(
                    rep["batch"],
                    [m["id"] for m in ordered],
                    g.score,
                    [m["text"] for m in ordered],
                    [m["source"] or "" for m in ordered],
                    [m["county"] or "" for m in ordered],
                    [m["raw_count"] for m in ordered],
                    functools.partial(_reasons, ordered, g, [forms[m["id"]] for m in ordered]),
                    g.signals,
                )
            )
    if across_batches:
        res.repeats = _repeats(rows, norms, threshold, batch, words)
    return res


_SIGNALS = {"title": "标题几乎相同", "rewrite": "标题相近、正文改写过", "words": "用词相近（内容改写过）"}


def _reasons(members: list[dict], group, forms: list[tuple[str, str]]) -> str:
    """What the group's members share, in words a reviewer checks: the body
    similarity, what else joined them (near-identical titles, words alike),
    the titles' similarity, the places all of them name, the same contact
    (which supports a merge, never makes one). ``forms`` are the members'
    comparison forms of text and title, made once for the whole batch."""
    from rapidfuzz.distance import Indel

    from rectikit.text.specificity import every_place

    said = [f"内容相似度 {group.score:.2f}"] + [_SIGNALS[s] for s in group.signals if s in _SIGNALS]
    if group.shared:
        said.append("都提到：" + "、".join(group.shared))
    titles = [t for _n, t in forms]
    if all(titles):
        least = min(Indel.normalized_similarity(a, b) for a, b in itertools.combinations(titles, 2))
        said.append("标题相同" if least == 1 else f"标题相似度 {least:.2f}")
    shared = set.intersection(*(every_place(n) for n, _t in forms))
    if shared:
        said.append("同一地点：" + "、".join(sorted(shared, key=len)[:3]))
    phones = {m.get("contact_phone") for m in members}
    if len(phones) == 1 and None not in phones and "" not in phones:
        said.append("联系电话相同")
    return "；".join(said)


def _repeats(
    rows: list[dict], norms: list[str], threshold: float, batch: str | None, words: float | None = None
) -> list[Repeat]:
    """Items that repeat an item of an earlier batch ("连续两年反映"): by the same signals as merging
    (bodies, near-identical titles, words alike)."""
    from rectikit.text.neardup import find_groups

    out = []
    for g in find_groups(
        [r["text"] for r in rows], threshold, norms=norms, titles=[r["title"] for r in rows], words=words
    ):
        members = [rows[m] for m in g.members]
        first_batch = min(m["batch_id"] for m in members)
        earlier = [m for m in members if m["batch_id"] == first_batch]
        for m in members:
            if m["batch_id"] != first_batch and (not batch or m["batch"] == batch):
                e = earlier[0]
                out.append(Repeat(m["id"], m["batch"], e["id"], e["batch"], g.score))
    return out


def _still_there(led, ids: set[int]) -> None:
    """Refuse, changing nothing, when an item this run read has gone meanwhile (a version of its sheet
    imported in its place by another command)."""
    wanted = sorted(ids)
    found = sum(
        led.conn.execute(f"SELECT COUNT(*) FROM items WHERE id IN ({marks})", part).fetchone()[0]
        for part, marks in id_chunks(wanted)
    )
    if found < len(wanted):
        raise LedgerBusyError("合并期间台账被其他命令改动（有条目已不在台账中），未做任何改动，请重新运行。")


def dedupe(
    ws: Workspace,
    *,
    batch: str | None = None,
    threshold: float | None = None,
    auto: bool = False,
    review: Path | None = None,
    across_batches: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DedupeResult:
    """Propose merges; with ``auto`` merge the nearly identical groups, with
    ``review`` write the groups left to decide to a workbook for staff."""
    res = propose(ws, batch=batch, threshold=threshold, across_batches=across_batches, progress=progress)
    auto_min = float(ws.setting("dedupe", "auto_threshold", DEFAULT_AUTO_THRESHOLD))
    review = ws.output_file(review, review, (".xlsx",)) if review else None  # checked before anything changes
    to_review = res.groups
    if auto or res.repeats:
        # Merges and repeats point items at items this run read, all checked to be there first (under the
        # write lock): the per-row foreign-key checks (20 µs an updated merged_into, 0.2 s of a 100k
        # auto-merge) are left out.
        with ws.ledger() as led, led.transaction(check_foreign_keys=False):
            _still_there(
                led,
                {i for g in res.groups for i in g.item_ids}
                | {i for r in res.repeats for i in (r.item_id, r.earlier_id)},
            )
            if auto:
                to_review = [g for g in res.groups if not g.automatic(auto_min)]
                touched = touched_items(led)  # groups are disjoint: merging one leaves the others as they were
                for g in res.groups:
                    if not g.automatic(auto_min):
                        continue
                    if touched.isdisjoint(g.item_ids):  # the proposed representative comes first
                        merge_onto(led, g.item_ids[0], g.item_ids, method="auto", score=g.score)
                        res.merged_groups += 1
                    elif len(tracked_tasks(led, g.item_ids)) > 1 or from_above(led, g.item_ids) > 1:
                        to_review.append(g)  # two tracked tasks, or two the office above must each be answered on
                    elif merge_items(led, g.item_ids, method="auto", score=g.score):
                        res.merged_groups += 1
            flag_repeats(led, res.repeats)
        with ws.ledger() as led:
            res.summary = merge_summary(led)
    if review:
        res.review_path = str(write_review(ws, to_review, review))
    return res
