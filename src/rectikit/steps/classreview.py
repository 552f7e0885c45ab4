"""The classification review round trip: the 分类审核 workbook written least certain first, and a person's
corrections in it taken back as decisions no automatic re-run changes (a file older than a decision made
since is refused for that row)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import InvalidDataError
from rectikit.base.problems import ERROR, At, Issue, Report
from rectikit.files.readers import as_int
from rectikit.steps.decision import (
    ACCEPTED,
    BY_PERSON,
    FROM_FILE,
    MANUAL,
    NO,
    REVIEW,
    YES,
    ClassifyResult,
    Decision,
    key_task_summary,
)
from rectikit.steps.taxonomy import workspace_taxonomy
from rectikit.steps.triage import DISPOSITIONS
from rectikit.store import books, returnedbooks
from rectikit.store import items as itemstore
from rectikit.store.items import decided_since
from rectikit.store.workspace import Workspace

REVIEW_SHEET = "分类审核"

REVIEW_HEADERS = [
    "编号",
    "批次",
    "意见建议内容",
    "原始条数",
    "建议类别",
    "置信度",
    "采纳",
    "第二类别",
    "类别依据",
    "处理方式依据",
    "优先分",
    "类别",
    "处理方式",
    "重点任务",
]

REVIEW_NOTES = [
    "分类审核说明",
    "1. “建议类别”至“优先分”是系统给出的参考：置信度是学习模型判断正确的概率；“采纳”为“自动采纳”的，按训练数据交叉验证"
    "（模型没见过的条目），这一置信度以上的判断正确率的单侧 95% 置信下限不低于设定值（rectikit.toml 中 [classify] "
    "accept_precision），即对新的意见建议也有把握达到；训练数据少时区间宽，自动采纳的就少或没有；“待审核”的请重点核对。"
    "还没有训练学习模型时按关键词分类，全部为“待审核”。表格按最需要审核的排在前面（待审核、最拿不准的在前）。",
    "2. “处理方式依据”列出命中的信号（指明地点、具体问题、具体诉求、政策咨询、个人诉求等），“优先分”越高越优先列为重点整改任务；"
    "判断标准见 rectikit 文档 docs/TRIAGE.md。",
    "3. 请在“类别”“处理方式”“重点任务”三列下拉选择最终结果。不要修改“编号”列，也不要删除列；不需要改的行可以不动，也可以整行删除。",
    "4. 保存后运行：rectikit classify --apply 本文件。改动过的结果记为人工确定，以后不会被自动分类覆盖；"
    "未改动的仍按自动结果处理。",
]

_REVIEW_ORDER = {None: 0, REVIEW: 1, ACCEPTED: 2, FROM_FILE: 3, BY_PERSON: 4}


def write_review(ws: Workspace, path: Path, *, batch: str | None = None, suggestions: Sequence[Decision] = ()) -> Path:
    """The review workbook, the least certain items first."""
    taxonomy = workspace_taxonomy(ws)
    hint = {d.item_id: d for d in suggestions}
    with ws.ledger() as led:
        items = led.working_items([batch] if batch else [])
    lines = []
    for k, it in enumerate(items):
        d = hint.get(it["id"])
        category = d.category if d else it["category"]
        adopted = BY_PERSON if it["category_source"] == MANUAL else d.review if d else it["category_review"]
        confidence = d.confidence if d else it["category_confidence"]
        row = [
            it["id"],
            it["batch"],
            it["text"],
            it["raw_count"],
            category,
            confidence,
            adopted,
            d.secondary if d else it["category_secondary"],
            d.basis if d else it["category_basis"],
            d.disposition_basis if d else it["disposition_basis"],
            d.key_score if d else it["key_task_score"],
            it["category"] or category,
            it["disposition"] or (d.disposition if d else None),
            {1: YES, 0: NO}.get(it["is_key_task"], YES if d and d.key_task else None),
        ]
        doubt = category is None or adopted in (REVIEW, None)
        sure = d.margin if d and d.margin is not None else confidence or 0.0
        lines.append(((_REVIEW_ORDER.get(adopted if category else None, 1), sure, k), row, doubt))
    lines.sort(key=lambda line: line[0])
    rows, shade = [line[1] for line in lines], [line[2] for line in lines]
    with ws.ledger() as led:
        return books.send(
            led,
            [
                books.Outgoing(
                    "classify-review",
                    {it["id"]: it["text"] for it in items},
                    path,
                    dict(
                        sheet=REVIEW_SHEET,
                        headers=REVIEW_HEADERS,
                        rows=rows,
                        widths=[8, 12, 60, 8, 12, 8, 10, 12, 20, 40, 8, 14, 12, 10],
                        choices={11: taxonomy.names, 12: DISPOSITIONS, 13: (YES, NO)},
                        shade=shade,
                        notes=REVIEW_NOTES,
                    ),
                    batch=batch,
                )
            ],
        ).paths[0]


def apply_review(ws: Workspace, path: Path, *, today: dt.date | None = None) -> ClassifyResult:
    """Take staff decisions from a review workbook: all or nothing. Every decision left in the file is
    pinned; a row decided anew since the file was written is refused."""
    today = today or clock.today()
    taxonomy = workspace_taxonomy(ws)
    ret = returnedbooks.read_returned(path)
    t = ret.table(
        ("编号", "类别", "处理方式", "重点任务"),
        sheet=REVIEW_SHEET,
        what="分类审核表",
        hint="请使用 rectikit classify --review 生成的原表，不要删除列。",
    )
    report = Report()
    wanted = _decisions(t, report)
    res = ClassifyResult(method="review")
    with ws.ledger() as led:
        book, carried = returnedbooks.returned(led, ret, "classify-review", t, report)
        wanted = [w for w in wanted if carried(w[0], w[1])]
        current = _checked(led, t, book, wanted, taxonomy, report)
        if report.errors:
            raise InvalidDataError(f"{t.file} 有 {len(report.errors)} 处错误，未做任何改动。", report=report)
        _apply(led, t, book, wanted, current, today, res)
        res.summary = key_task_summary(led)
    return res


def _decisions(t, report: Report) -> list[tuple[int, int, str, str, str]]:
    """Each row's decisions as (row, item, category, disposition, key task); bad cells reported."""
    wanted: list[tuple[int, int, str, str, str]] = []
    for r, row in t.records():
        where = At(file=t.file, sheet=t.sheet, row=r)
        item_id = as_int(t.cell(row, "编号"))
        if item_id is None:
            report.add(Issue("bad-id", "编号应为整数。", ERROR, column="编号", value=t.text(row, "编号"), **where))
            continue
        cat, disp, key = t.text(row, "类别"), t.text(row, "处理方式"), t.text(row, "重点任务")
        if disp and disp not in DISPOSITIONS:
            report.add(
                Issue(
                    "bad-disposition",
                    f"处理方式应为 {'、'.join(DISPOSITIONS)} 之一。",
                    ERROR,
                    column="处理方式",
                    value=disp,
                    **where,
                )
            )
        if key and key not in (YES, NO):
            report.add(Issue("bad-key-task", "重点任务应为“是”或“否”。", ERROR, column="重点任务", value=key, **where))
        wanted.append((r, item_id, cat, disp, key))
    return wanted


def _checked(led, t, book, wanted: list, taxonomy, report: Report) -> dict[int, dict]:
    """The ledger's row of each item decided; refused: a row decided anew since the file was written, an
    unknown 编号, a category outside the table (unless it is the one the item has)."""
    for r, item_id, *_ in wanted:  # an older review file never undoes a newer decision
        newer = book and decided_since(led, item_id, book.event_mark, ("classify",), book=book.token)
        if newer:
            report.add(
                Issue(
                    "newer-decision",
                    f"编号 {item_id} 在本表生成后已由{newer}，本表较旧，请重新生成审核表后再改。",
                    ERROR,
                    file=t.file,
                    sheet=t.sheet,
                    row=r,
                    column="编号",
                    value=str(item_id),
                )
            )
    current: dict[int, dict] = {}
    for r, item_id, *_ in wanted:
        row = led.conn.execute("SELECT * FROM items WHERE id=?", (item_id,)).fetchone()
        if row is None:
            report.add(
                Issue(
                    "unknown-id",
                    f"台账中没有编号 {item_id} 的条目。",
                    ERROR,
                    file=t.file,
                    sheet=t.sheet,
                    row=r,
                    column="编号",
                    value=str(item_id),
                )
            )
        else:
            current[item_id] = dict(row)
    for r, item_id, cat, *_ in wanted:  # a category the file gave may stay as it is, even outside the table
        if cat and cat not in taxonomy.categories and item_id in current and cat != current[item_id]["category"]:
            report.add(
                Issue(
                    "unknown-category",
                    "类别不在分类体系表中。",
                    ERROR,
                    file=t.file,
                    sheet=t.sheet,
                    row=r,
                    column="类别",
                    value=cat,
                )
            )
    return current


def _apply(led, t, book, wanted: list, current: dict, today: dt.date, res: ClassifyResult) -> None:
    """Every decision left in the file pinned as a person's, changed or not; one event per item."""
    with led.transaction() as conn:
        events = []
        for _, item_id, cat, disp, key in wanted:
            it = current[item_id]
            decided = {}
            for fld, new, src in (
                ("category", cat or None, "category_source"),
                ("disposition", disp or None, "disposition_source"),
                ("is_key_task", {YES: 1, NO: 0}.get(key), "key_task_source"),
            ):
                # A value the reviewer left in the file is decided by a person, changed or not:
                # automatic runs keep it from now on.
                if new is None or (it[fld] == new and it[src] == MANUAL):
                    continue
                conn.execute(f"UPDATE items SET {fld}=?, {src}=? WHERE id=?", (new, MANUAL, item_id))
                decided[fld] = (it[fld], new)  # the event keeps the value replaced
                if it[fld] != new:
                    res.changed += 1
            events.append((item_id, decided))
        itemstore.events_many(
            led,
            events,
            kind="classify",
            source=itemstore.PERSON,
            today=today,
            book=book.token if book else None,
            detail={"file": t.file},
        )
