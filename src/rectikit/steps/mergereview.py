"""The merge review round trip: the 合并审核 workbook (least certain groups first, with the reasons), and
the decisions a person wrote in it (合并 / 不合并 / 移出此项) taken back; pairs kept apart are never
proposed again."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

from rectikit.base.errors import InvalidDataError
from rectikit.base.problems import ERROR, At, Issue, Report
from rectikit.files.readers import as_int
from rectikit.steps.merging import (
    KEEP_APART,
    MERGE,
    TAKE_OUT,
    DedupeResult,
    ProposedGroup,
    keep_apart,
    merge_items,
    merge_summary,
    root_of,
    tracked_tasks,
)
from rectikit.store import books, returnedbooks
from rectikit.store.ledger import id_chunks
from rectikit.store.workspace import Workspace

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
    ret = returnedbooks.read_returned(path)
    t = ret.table(
        _REQUIRED,
        sheet=REVIEW_SHEET,
        what="合并审核表",
        hint="请使用 rectikit dedupe --review 生成的原表，不要删除列。",
    )
    report = Report()
    groups, keep = _decisions(t, report)
    res = DedupeResult(threshold=0.0)
    with ws.ledger() as led:
        _, carried = returnedbooks.returned(led, ret, "dedupe-review", t, report)
        groups = {g: [m for m in members if carried(m[2], m[0])] for g, members in groups.items()}
        _check_groups(led, t, groups, keep, report)
        if report.errors:
            raise InvalidDataError(f"{t.file} 有 {len(report.errors)} 处错误，未做任何改动。", report=report)
        _apply(led, groups, keep, res)
        res.summary = merge_summary(led)
    return res


def _decisions(t, report: Report) -> tuple[dict[int, list[tuple[int, str, int]]], dict[int, list[tuple[int, int]]]]:
    """Each group's members as (item, decision, row), and the members marked 建议保留; bad cells reported."""
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
    return groups, keep


def _check_groups(led, t, groups: dict, keep: dict, report: Report) -> None:
    """Every member known and of one batch; at most one kept text, and it must be the tracked task if one
    is; never two tracked tasks merged (one would lose its progress)."""
    known: dict[int, int] = {}
    ids = sorted({i for members in groups.values() for i, _, _ in members})
    for part, marks in id_chunks(ids):
        for row in led.conn.execute(f"SELECT id, batch_id FROM items WHERE id IN ({marks})", part):
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
        tracked = tracked_tasks(led, merging) if len(merging) > 1 else []
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
        elif chosen and tracked and root_of(led, chosen[0][0]) != tracked[0]["id"]:
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


def _apply(led, groups: dict, keep: dict, res: DedupeResult) -> None:
    """In one transaction: groups kept apart remembered, members taken out kept apart from the rest, the
    others merged onto the text chosen."""
    with led.transaction():
        for g, members in sorted(groups.items()):
            ids_in = [i for i, d, _ in members if d == MERGE]
            if any(d == KEEP_APART for _, d, _ in members):
                for (a, _, _), (b, _, _) in itertools.combinations(members, 2):
                    res.kept_apart += keep_apart(led, a, b)
                continue
            for out, d, _ in members:
                if d == TAKE_OUT:
                    for i in ids_in:
                        res.kept_apart += keep_apart(led, out, i)
            chosen = keep.get(g, [])
            if len(ids_in) >= 2 and merge_items(led, ids_in, method="review", keep=chosen[0][0] if chosen else None):
                res.merged_groups += 1
