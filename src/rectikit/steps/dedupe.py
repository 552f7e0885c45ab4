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

import itertools
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rectikit.base.errors import InvalidDataError, NotFoundError, UsageError
from rectikit.base.problems import ERROR, At, Issue, Report
from rectikit.figures import batch_counts
from rectikit.files.readers import as_int
from rectikit.store import books
from rectikit.store.ledger import Ledger, now
from rectikit.store.workspace import Workspace

DEFAULT_THRESHOLD = 0.8
DEFAULT_AUTO_THRESHOLD = 0.9
# Off unless the office turns it on: on template-like survey lists (the examples) it proposes the same
# sentence about other places for review, and a group it joins is never merged by --auto.
DEFAULT_WORDS_THRESHOLD = 0.0
MERGE, KEEP_APART, TAKE_OUT = "合并", "不合并", "移出此项"
DECISIONS = (MERGE, KEEP_APART, TAKE_OUT)
REVIEW_SHEET = "合并审核"
REVIEW_HEADERS = [
    "组号",
    "相似度",
    "依据",
    "编号",
    "批次",
    "意见建议内容",
    "来源",
    "县(市、区)",
    "原始条数",
    "建议保留",
    "处理意见",
]
_REQUIRED = ("组号", "编号", "处理意见")


@dataclass
class ProposedGroup:
    batch: str
    item_ids: list[int]  # the suggested representative first
    score: float
    texts: list[str]
    sources: list[str]
    counties: list[str]
    raw_counts: list[int]
    reasons: str = ""  # why the reviewer is shown this group: similarities, shared places, the same contact
    signals: tuple[str, ...] = ()  # what joined it beyond the bodies: "title", "rewrite", "words"

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
class DedupeResult:
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
            "groups": [asdict(g) for g in self.groups],
            "repeats": [asdict(r) for r in self.repeats],
            "merged_groups": self.merged_groups,
            "kept_apart": self.kept_apart,
            "review_path": self.review_path,
            "summary": self.summary,
        }


def merge_summary(led: Ledger) -> list[dict]:
    """Per batch: raw items, working items after merging, repeats flagged."""
    return [{k: b[k] for k in ("batch", "raw_items", "items", "repeats")} for b in batch_counts(led)]


def _forbidden(led: Ledger) -> set[tuple[int, int]]:
    return {(a, b) for a, b in led.conn.execute("SELECT item_a, item_b FROM not_duplicates")}


def _representative(rows: Sequence[dict]) -> dict:
    """The most complete text: the longest, the earliest on a tie."""
    return max(rows, key=lambda r: (len(r["text"] or ""), -r["id"]))


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
        rows = led.working_items([batch] if batch and not across_batches else [])
        banned = _forbidden(led)
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
            rep = _representative(members)
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
                    _reasons(ordered, g, [forms[m["id"]] for m in ordered]),
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

    from rectikit.text.normalise import places

    said = [f"内容相似度 {group.score:.2f}"] + [_SIGNALS[s] for s in group.signals if s in _SIGNALS]
    if group.shared:
        said.append("都提到：" + "、".join(group.shared))
    titles = [t for _n, t in forms]
    if all(titles):
        least = min(Indel.normalized_similarity(a, b) for a, b in itertools.combinations(titles, 2))
        said.append("标题相同" if least == 1 else f"标题相似度 {least:.2f}")
    shared = set.intersection(*(places(n) for n, _t in forms))
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
        with ws.ledger() as led, led.transaction():
            if auto:
                to_review = [g for g in res.groups if not g.automatic(auto_min)]
                for g in res.groups:
                    if not g.automatic(auto_min):
                        continue
                    if len(_tracked(led, g.item_ids)) > 1 or _from_above(led, g.item_ids) > 1:
                        to_review.append(g)  # two tracked tasks, or two the office above must each be answered on
                    elif _merge(led, g.item_ids, method="auto", score=g.score):
                        res.merged_groups += 1
            _flag_repeats(led, res.repeats)
        with ws.ledger() as led:
            res.summary = merge_summary(led)
    if review:
        res.review_path = str(write_review(ws, to_review, review))
    return res


def _flag_repeats(led: Ledger, repeats: Sequence[Repeat]) -> None:
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


def _root(led: Ledger, item_id: int) -> int:
    seen = set()
    while True:
        row = led.conn.execute("SELECT merged_into FROM items WHERE id=?", (item_id,)).fetchone()
        if row is None or row[0] is None or item_id in seen:
            return item_id
        seen.add(item_id)
        item_id = row[0]


def _tracked(led: Ledger, item_ids: Sequence[int]) -> list[dict]:
    """The current roots of ``item_ids`` that units already report on or that were closed out."""
    roots = sorted({_root(led, i) for i in item_ids})
    return [
        dict(r)
        for r in led.conn.execute(
            f"SELECT id, progress, closed FROM items WHERE id IN ({','.join('?' * len(roots))})"
            " AND (progress IS NOT NULL OR closed = 1)",
            roots,
        )
    ]


def _from_above(led: Ledger, item_ids: Sequence[int]) -> int:
    """How many of ``item_ids`` came from an upstream office's task sheet (each is answered upstream)."""
    return led.conn.execute(
        f"SELECT COUNT(*) FROM upstream_items WHERE item_id IN ({','.join('?' * len(item_ids))})", list(item_ids)
    ).fetchone()[0]


def _merge(
    led: Ledger, item_ids: Sequence[int], *, method: str, score: float | None = None, keep: int | None = None
) -> bool:
    """Merge items (by their current roots) onto the one already being tracked, so its progress and
    close-out stay in view, else the one a reviewer chose to keep (``keep``), else the most complete one.
    Returns False when they are already one item. Call inside a transaction, after :func:`_tracked`
    found at most one tracked item."""
    roots = sorted({_root(led, i) for i in item_ids})
    if len(roots) < 2:
        return False
    rows = [
        dict(r)
        for r in led.conn.execute(f"SELECT id, text FROM items WHERE id IN ({','.join('?' * len(roots))})", roots)
    ]
    tracked = _tracked(led, roots)
    chosen = _root(led, keep) if keep is not None else None
    rep = tracked[0]["id"] if tracked else chosen if chosen in roots else _representative(rows)["id"]
    others = [r for r in roots if r != rep]
    marks = ",".join("?" * len(others))
    # Flat: members of a merged item follow it, so an item's rows are itself plus what points at it.
    led.conn.execute(
        f"UPDATE items SET merged_into=? WHERE id IN ({marks}) OR merged_into IN ({marks})", (rep, *others, *others)
    )
    led.record("merge", "item", rep, detail={"members": roots, "method": method, "score": score})
    return True


def _keep_apart(led: Ledger, a: int, b: int) -> bool:
    a, b = min(a, b), max(a, b)
    cur = led.conn.execute("INSERT OR IGNORE INTO not_duplicates(item_a, item_b, at) VALUES (?,?,?)", (a, b, now()))
    if cur.rowcount:
        led.record("keep-apart", "item", a, detail={"items": [a, b]})
    return bool(cur.rowcount)


def unmerge(ws: Workspace, item_id: int) -> dict:
    """Undo a merge: every raw item goes back to the item it was imported as,
    and the pairs are remembered as not duplicates."""
    with ws.ledger() as led, led.transaction() as conn:
        row = conn.execute("SELECT merged_into FROM items WHERE id=?", (item_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"台账中没有编号为 {item_id} 的条目。")
        if row[0] is not None:
            raise UsageError(
                f"编号 {item_id} 已并入编号 {_root(led, item_id)}，请对编号 {_root(led, item_id)} 撤销合并。"
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
            _keep_apart(led, a, b)
        return {"item": item_id, "restored": homes, "summary": merge_summary(led)}


# -- review round trip ----------------------------------------------------

REVIEW_NOTES = [
    "合并审核说明",
    "1. 每一组是系统认为内容相似或相同、建议合并为一条的意见建议；“建议保留”为“是”的一条内容最完整，合并后保留其文字；"
    "要保留另一条的文字，把“是”改到那一条（每组只能一条）。各条的反映人和联系方式都会保留。",
    "2. 在“处理意见”列选择：合并（本条并入本组）、移出此项（本条不并入，其余照常合并）、不合并（整组都不合并）。",
    "3. 不要修改“组号”“编号”两列，也不要删除列；可以删除整组的行（表示本次不处理）。",
    "4. 保存后运行：rectikit dedupe --apply 本文件。可以重复执行，已合并的不会重复合并。",
    "5. 标为“不合并”“移出此项”的条目，以后不会再被建议合并；合并错了可用 rectikit unmerge 编号 撤销。",
]


def write_review(ws: Workspace, groups: Sequence[ProposedGroup], path: Path) -> Path:
    """The proposed groups as a workbook: one row per item, a dropdown to
    decide, why each group is proposed, the least certain groups first (the
    reviewer's time goes where it matters)."""
    rows: list[list] = []
    shade: list[bool] = []
    items: dict[int, str | None] = {}
    for no, g in enumerate(sorted(groups, key=lambda g: g.score), start=1):
        for k, member in enumerate(zip(g.item_ids, g.texts, g.sources, g.counties, g.raw_counts)):
            item_id, text, source, county, raw_count = member
            rows.append(
                [
                    no,
                    g.score if k == 0 else None,
                    g.reasons if k == 0 else None,
                    item_id,
                    g.batch,
                    text,
                    source,
                    county,
                    raw_count,
                    "是" if k == 0 else "",
                    MERGE,
                ]
            )
            items[item_id] = text
            shade.append(no % 2 == 0)
    widths = [6, 8, 24, 8, 12, 60, 22, 12, 8, 8, 10]
    with ws.ledger() as led:
        return books.send(
            led,
            [
                books.Outgoing(
                    "dedupe-review",
                    items,
                    path,
                    dict(
                        sheet=REVIEW_SHEET,
                        headers=REVIEW_HEADERS,
                        rows=rows,
                        widths=widths,
                        choices={REVIEW_HEADERS.index("处理意见"): DECISIONS},
                        shade=shade,
                        notes=REVIEW_NOTES,
                    ),
                )
            ],
        ).paths[0]


def apply_review(ws: Workspace, path: Path) -> DedupeResult:
    """Apply staff decisions from a review workbook, all or nothing."""
    ret = books.read_returned(path)
    t = ret.table(
        _REQUIRED,
        sheet=REVIEW_SHEET,
        what="合并审核表",
        hint="请使用 rectikit dedupe --review 生成的原表，不要删除列。",
    )
    report = Report()
    groups: dict[int, list[tuple[int, str, int]]] = {}
    keep: dict[int, list[tuple[int, int]]] = {}  # group -> (item, row) marked 建议保留 = 是
    for r, row in t.records():
        g, i, d = as_int(t.cell(row, "组号")), as_int(t.cell(row, "编号")), t.text(row, "处理意见")
        if g is not None and i is not None and t.text(row, "建议保留") == "是" and d == MERGE:
            keep.setdefault(g, []).append((i, r))
        where = At(file=t.file, sheet=t.sheet, row=r)
        if g is None:
            report.add(Issue("bad-group", "组号应为整数。", ERROR, column="组号", value=t.text(row, "组号"), **where))
        if i is None:
            report.add(Issue("bad-id", "编号应为整数。", ERROR, column="编号", value=t.text(row, "编号"), **where))
        if d not in DECISIONS:
            report.add(
                Issue(
                    "bad-decision",
                    f"处理意见应为 {'、'.join(DECISIONS)} 之一。",
                    ERROR,
                    column="处理意见",
                    value=d,
                    **where,
                )
            )
        if g is not None and i is not None:
            groups.setdefault(g, []).append((i, d, r))
    res = DedupeResult(threshold=0.0)
    with ws.ledger() as led:
        _, carried = books.returned(led, ret, "dedupe-review", t, report)
        groups = {g: [m for m in members if carried(m[2], m[0])] for g, members in groups.items()}
        known = {}
        ids = sorted({i for members in groups.values() for i, _, _ in members})
        for chunk in range(0, len(ids), 900):
            part = ids[chunk : chunk + 900]
            for row in led.conn.execute(
                f"SELECT id, batch_id FROM items WHERE id IN ({','.join('?' * len(part))})", part
            ):
                known[row[0]] = row[1]
        for g, members in groups.items():
            for i, _, r in members:
                if i not in known:
                    report.add(
                        Issue(
                            "unknown-id",
                            f"台账中没有编号 {i} 的条目。",
                            ERROR,
                            file=t.file,
                            sheet=t.sheet,
                            row=r,
                            column="编号",
                            value=str(i),
                        )
                    )
            if len({known.get(i) for i, _, _ in members if i in known}) > 1:
                report.add(
                    Issue(
                        "mixed-batches",
                        f"第 {g} 组的条目来自不同批次，不能合并。",
                        ERROR,
                        file=t.file,
                        sheet=t.sheet,
                        row=members[0][2],
                        column="编号",
                    )
                )
            merging = [i for i, d, _ in members if d == MERGE and i in known]
            tracked = _tracked(led, merging) if len(merging) > 1 else []
            chosen = keep.get(g, [])
            if len(chosen) > 1:
                report.add(
                    Issue(
                        "keep-many",
                        f"第 {g} 组有 {len(chosen)} 条标为“建议保留”，只能保留一条的文字。",
                        ERROR,
                        file=t.file,
                        sheet=t.sheet,
                        row=chosen[1][1],
                        column="建议保留",
                        value="是",
                    )
                )
            elif chosen and tracked and _root(led, chosen[0][0]) != tracked[0]["id"]:
                report.add(
                    Issue(
                        "keep-tracked",
                        f"第 {g} 组中编号 {tracked[0]['id']} 已有整改进展或已销号，合并后须保留它；"
                        "请把“建议保留”改到这一条。",
                        ERROR,
                        file=t.file,
                        sheet=t.sheet,
                        row=chosen[0][1],
                        column="建议保留",
                        value="是",
                    )
                )
            if len(tracked) > 1:
                report.add(
                    Issue(
                        "tracked-items",
                        f"第 {g} 组中编号 {'、'.join(str(x['id']) for x in tracked)} 都已有整改进展"
                        "或已销号，合并会丢掉其中一项的进展；请把其中一项选为“移出此项”。",
                        ERROR,
                        file=t.file,
                        sheet=t.sheet,
                        row=members[0][2],
                        column="处理意见",
                    )
                )
        if report.errors:
            raise InvalidDataError(f"{t.file} 有 {len(report.errors)} 处错误，未做任何改动。", report=report)
        with led.transaction():
            for g, members in sorted(groups.items()):
                ids_in = [i for i, d, _ in members if d == MERGE]
                if any(d == KEEP_APART for _, d, _ in members):
                    for (a, _, _), (b, _, _) in itertools.combinations(members, 2):
                        res.kept_apart += _keep_apart(led, a, b)
                    continue
                for out, d, _ in members:
                    if d == TAKE_OUT:
                        for i in ids_in:
                            res.kept_apart += _keep_apart(led, out, i)
                chosen = keep.get(g, [])
                if len(ids_in) >= 2 and _merge(led, ids_in, method="review", keep=chosen[0][0] if chosen else None):
                    res.merged_groups += 1
        res.summary = merge_summary(led)
    return res
