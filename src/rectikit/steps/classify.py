"""`rectikit classify`: category, nature (disposition) and key-task triage.

A category the imported file already gives is kept unless the office asks to
reclassify. Otherwise, on day one (no history), keyword rules from the
office's category table classify and say which words decided. Once labelled
items exist (last year's ledger or a labelled workbook), a learned model
(:mod:`rectikit.text.model`) takes over; its confidence is calibrated, and
the threshold that splits 自动采纳 from 待审核 comes from cross-validation on
the training data ([classify] accept_precision). Disposition and key tasks
follow the written guideline (:mod:`rectikit.steps.triage`, docs/TRIAGE.md),
each with its reasons. Staff correct everything in Excel; a manual decision
is never overwritten by a later automatic run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rectikit.base import clock
from rectikit.base.errors import InvalidDataError, NotReadyError, UsageError
from rectikit.base.problems import ERROR, At, Issue, Report
from rectikit.figures import batch_counts, split_values
from rectikit.files.readers import as_int, cell_text
from rectikit.steps.taxonomy import workspace_taxonomy
from rectikit.steps.triage import DISPOSITIONS, Settings, Triage, decide, known_places, select_key_tasks
from rectikit.store import books
from rectikit.store import items as itemstore
from rectikit.store.items import decided_since
from rectikit.store.ledger import Ledger
from rectikit.store.workspace import Workspace

DISPOSITION_FILE = "处理方式.xlsx"
MODEL_FILE = "models/分类模型.npz"  # arrays only: loading it runs nothing
DISPOSITION_MODEL_FILE = "models/处理方式模型.npz"
YES, NO = "是", "否"
MANUAL, GIVEN = "manual", "given"
ACCEPTED, REVIEW, FROM_FILE, BY_PERSON = "自动采纳", "待审核", "原表", "人工确定"


@dataclass
class Decision:
    item_id: int
    category: str | None
    confidence: float | None
    basis: str
    disposition: str
    key_task: bool
    needs_review: bool
    secondary: str | None = None
    review: str = REVIEW  # 自动采纳 / 待审核 / 原表
    disposition_basis: str = ""
    key_score: int = 0
    source: str = "rules"
    margin: float | None = None  # how sure, to order the review: the confidence, or how far a rule's top category leads


@dataclass
class ClassifyResult:
    method: str  # rules | model | review
    decisions: list[Decision] = field(default_factory=list)
    changed: int = 0
    unmatched: list[int] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)
    review_path: str | None = None
    summary: list[dict] = field(default_factory=list)
    accept_above: float | None = None

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "changed": self.changed,
            "unmatched": self.unmatched,
            "flagged": self.flagged,
            "review_path": self.review_path,
            "summary": self.summary,
            "accept_above": self.accept_above,
            "decisions": [asdict(d) for d in self.decisions],
        }


# -- rule tables ----------------------------------------------------------


def load_dispositions(path: Path) -> list[tuple[str, list[str], float]]:
    from rectikit.files.readers import read_table
    from rectikit.steps.taxonomy import keywords_or_issue

    t = read_table(path, ["处理方式", "关键词"], what="处理方式规则表")
    report = Report()
    rules = []
    for r, row in t.records():
        name = t.text(row, "处理方式")
        where = At(file=t.file, sheet=t.sheet, row=r)
        if name not in DISPOSITIONS:
            report.add(
                Issue(
                    "bad-disposition",
                    f"处理方式应为 {'、'.join(DISPOSITIONS)} 之一。",
                    ERROR,
                    column="处理方式",
                    value=name,
                    **where,
                )
            )
            continue
        written = t.text(row, "优先级")
        try:
            priority = float(written) if written else 0.0
        except ValueError:
            report.add(Issue("bad-priority", "优先级应为数字。", ERROR, column="优先级", value=written, **where))
            continue
        rules.append((name, list(keywords_or_issue(t, row, r, report)), priority))
    if report.errors:
        raise InvalidDataError(f"处理方式规则表 {t.file} 有 {len(report.errors)} 处错误。", report=report)
    return sorted(rules, key=lambda r: -r[2])


# -- deciding ---------------------------------------------------------------


def rule_category(norm: str, taxonomy) -> tuple[str | None, float, list[str]]:
    """Best category by keyword score, its score and the words that matched."""
    ranked = taxonomy.scores(norm)
    return ranked[0] if ranked else (None, 0.0, [])


def key_task_summary(led: Ledger) -> list[dict]:
    """The line the seeds print: 共N条意见建议，经梳理归纳为M条，K项列为重点整改任务."""
    out = []
    for b in batch_counts(led):
        d = {k: b[k] for k in ("batch", "raw_items", "items", "key_tasks", "unclassified")}
        merged = f"，经梳理归纳为{d['items']}条" if d["items"] != d["raw_items"] else ""
        d["sentence"] = f"共{d['raw_items']}条意见建议{merged}，{d['key_tasks']}项列为重点整改任务。"
        out.append(d)
    return out


def classify(
    ws: Workspace,
    *,
    batch: str | None = None,
    use_model: bool | None = None,
    reclassify: bool = False,
    review: Path | None = None,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ClassifyResult:
    """Classify working items: category (and a second one), disposition, key task, each with reasons.

    ``use_model=None`` uses the trained model when the workspace has one.
    ``reclassify`` classifies items whose file gave a category too. Fields a
    person decided (source 'manual') are left as they are.
    """
    from rectikit.text.normalise import normalise_many

    say = progress or (lambda _m: None)
    taxonomy = workspace_taxonomy(ws)
    disp_rules = load_dispositions(ws.rules_dir / DISPOSITION_FILE)
    settings = Settings.of(ws)
    review = ws.output_file(review, review, (".xlsx",)) if review else None  # checked before anything changes
    model_path = ws.root / MODEL_FILE
    if use_model is None:
        use_model = model_path.exists()
    elif use_model and not model_path.exists():
        raise NotReadyError(
            "工作区还没有训练好的模型。", hint="先运行 rectikit classify --train 已标注表格.xlsx 或 --from-ledger。"
        )
    res = ClassifyResult(method="model" if use_model else "rules")
    with ws.ledger() as led:
        items = led.working_items([batch] if batch else [])
    if not items:
        with ws.ledger() as led:
            res.summary = key_task_summary(led)
        return res
    norms = normalise_many([i["text"] for i in items])
    if use_model:
        say("正在用学习模型分类…")
        guesses, res.accept_above = _model_guesses(ws, model_path, items)
    else:
        guesses = [_rule_guess(norm, taxonomy) for norm in norms]
    # the list's own township and village columns name its places whole (马蚌乡, not 决马蚌乡)
    places = known_places(v for item in items for v in (item.get("township"), item.get("village")))
    triages = [
        decide(
            norm, disp_rules, text=item["text"], nature=item.get("nature"), raw_count=item["raw_count"], places=places
        )
        for item, norm in zip(items, norms)
    ]
    _take_given_or_learned(ws, items, triages, use_model=use_model, reclassify=reclassify)
    _choose_key_tasks(items, triages, settings)
    for item, guess, t in zip(items, guesses, triages):
        given = [] if reclassify else split_values(item["category_given"])
        if given:
            guess = (given[0], None, "原表类别", given[1] if len(given) > 1 else None, FROM_FILE, GIVEN, None)
        cat, conf, basis, secondary, adopted, source, margin = guess
        res.decisions.append(
            Decision(
                item["id"],
                cat,
                conf,
                basis,
                t.disposition,
                t.key_task,
                cat is None or adopted == REVIEW,
                secondary,
                adopted,
                t.basis,
                t.score,
                source,
                margin,
            )
        )
        if cat is None:
            res.unmatched.append(item["id"])
        elif adopted == REVIEW:
            res.flagged.append(item["id"])
    if not dry_run:
        with ws.ledger() as led, led.transaction():
            current = {i["id"]: i for i in items}
            updates: dict[str, list[tuple]] = {}
            for d in res.decisions:
                res.changed += _store(led, current[d.item_id], d, updates)
            for sql, params in updates.items():  # in bulk: 93k items took 470k single UPDATEs
                led.conn.executemany(sql, params)
        with ws.ledger() as led:
            res.summary = key_task_summary(led)
    if review:
        res.review_path = str(write_review(ws, review, batch=batch, suggestions=res.decisions))
    return res


def _accept_precision(ws: Workspace) -> float:
    return float(ws.setting("classify", "accept_precision", 0.97))


def _learned(ws: Workspace, path: Path, items: list[dict], top: int):
    """A saved model's ``top`` answers for each item, the model, and the confidence from which an
    answer is taken without review (the lowest at which cross-validation was right often enough)."""
    from rectikit.text.model import TextModel

    model = TextModel.load(path)
    ranked = model.rank([model_text(i["title"], i["text"]) for i in items], top=top)
    return ranked, model, model.accept_above(_accept_precision(ws))


def _model_guesses(ws: Workspace, model_path: Path, items: list[dict]) -> tuple[list[tuple], float | None]:
    """The learned model's best and second category for each item, and where 自动采纳 begins."""
    all_ranked, model, accept_at = _learned(ws, model_path, items, top=2)
    if accept_at is None and not len(model.cv_confidence):  # too little history to cross-validate
        accept_at = float(ws.setting("classify", "review_below", 0.6))
    second_at = float(ws.setting("classify", "secondary_above", 0.25))
    out = []
    for ranked in all_ranked:
        (cat, conf), second = ranked[0], ranked[1] if len(ranked) > 1 else (None, 0.0)
        adopted = ACCEPTED if accept_at is not None and conf >= accept_at else REVIEW
        out.append((cat, conf, "学习模型", second[0] if second[1] >= second_at else None, adopted, "model", conf))
    return out, accept_at


def _rule_guess(norm: str, taxonomy) -> tuple:
    """Keyword rules: always for review (on 2,758 real messages even a category scoring twice the
    next was right only 83% of the time, far from what 自动采纳 promises); a second category when
    it scores at least half the first. The margin (how far the first leads) orders the review."""
    ranked = taxonomy.scores(norm)
    if not ranked:
        return None, None, "", None, REVIEW, "rules", 0.0
    (cat, score, words), rest = ranked[0], ranked[1:]
    runner = rest[0][1] if rest else 0.0
    return (
        cat,
        None,
        "、".join(words[:6]),
        rest[0][0] if rest and runner >= score / 2 else None,
        REVIEW,
        "rules",
        1 - runner / score,
    )


def _take_given_or_learned(
    ws: Workspace, items: list[dict], triages: list[Triage], *, use_model: bool, reclassify: bool
) -> None:
    """The disposition the file gives wins (unless reclassifying); else the office's learned disposition
    model where it is confident enough (its own cross-validated threshold); else the guideline's. The
    signals stay as reasons either way."""
    learned: list[tuple[str, float] | None] = [None] * len(items)
    path = ws.root / DISPOSITION_MODEL_FILE
    if use_model and path.exists():
        ranked, _model, accept_at = _learned(ws, path, items, top=1)
        if accept_at is not None:
            learned = [r[0] if r[0][1] >= accept_at else None for r in ranked]
    for item, t, guess in zip(items, triages, learned):
        given = None if reclassify else _disposition_named(item.get("disposition_given"))
        if given:
            t.disposition, t.fired = given, {"given": [given], **t.fired}
        elif guess:
            t.disposition, t.fired = guess[0], {"learned": [f"{guess[0]} {guess[1]:.2f}"], **t.fired}


def _choose_key_tasks(items: list[dict], triages: list[Triage], settings: Settings) -> None:
    """Key tasks per batch, by the guideline and within the batch's share; items whose key-task flag a
    person set keep it and use up the share when they are key tasks."""
    by_batch: dict[str, list[int]] = {}
    for k, item in enumerate(items):
        by_batch.setdefault(item["batch"], []).append(k)
    for ks in by_batch.values():
        free = [k for k in ks if items[k]["key_task_source"] != MANUAL]
        fixed_yes = sum(1 for k in ks if items[k]["key_task_source"] == MANUAL and items[k]["is_key_task"] == 1)
        select_key_tasks(
            [triages[k] for k in free],
            [items[k]["raw_count"] for k in free],
            settings,
            batch_size=len(ks),
            fixed_yes=fixed_yes,
        )


def _store(led: Ledger, item: dict, d: Decision, updates: dict[str, list[tuple]]) -> int:
    """Queue an automatic decision's updates (by statement, for executemany), field by field, unless a
    person set the field; the reasons go with it. One history row lists the fields that changed."""
    changes: list[tuple[str, Any, Any, dict]] = []
    if item["category_source"] != MANUAL and (item["category"], item["category_confidence"]) != (
        d.category,
        d.confidence,
    ):
        changes.append(
            (
                "category",
                item["category"],
                d.category,
                {"category_source": d.source, "category_confidence": d.confidence, "category_basis": d.basis},
            )
        )
    if item["disposition_source"] != MANUAL and item["disposition"] != d.disposition:
        changes.append(("disposition", item["disposition"], d.disposition, {"disposition_source": "rules"}))
    key = 1 if d.key_task else 0
    if item["key_task_source"] != MANUAL and item["is_key_task"] != key:
        changes.append(("is_key_task", item["is_key_task"], key, {"key_task_source": "rules"}))
    for fld, _old, new, extra in changes:
        sql = f"UPDATE items SET {', '.join(f'{c}=?' for c in (fld, *extra))} WHERE id=?"
        updates.setdefault(sql, []).append((new, *extra.values(), item["id"]))
    if changes:
        led.record_changes(
            "classify", item["id"], {fld: (old, new) for fld, old, new, _ in changes}, detail={"method": d.source}
        )
    if item["category_source"] != MANUAL:
        updates.setdefault("UPDATE items SET category_secondary=?, category_review=? WHERE id=?", []).append(
            (d.secondary, d.review, item["id"])
        )
    updates.setdefault("UPDATE items SET disposition_basis=?, key_task_score=? WHERE id=?", []).append(
        (d.disposition_basis, d.key_score, item["id"])
    )
    return len(changes)


# -- training ---------------------------------------------------------------


def model_text(title: str | None, text: str | None) -> str:
    """What the learned model reads: the title, then the text. Titles name the
    problem in a few words; where a workbook has them, training and
    prediction both see them (unless the text already starts with it)."""
    title, text = (title or "").strip(), (text or "").strip()
    return text if not title or text.startswith(title) else title + text


def train(
    ws: Workspace,
    *,
    file: Path | None = None,
    from_ledger: bool = False,
    text_column: str | None = None,
    label_column: str | None = None,
) -> dict:
    """Train the learned classifiers from a labelled workbook or the ledger: the category model, and the
    disposition model too when at least 20 items say their 处理方式."""
    if bool(file) == bool(from_ledger):
        raise UsageError("请指定训练数据：--train 已标注表格.xlsx，或 --from-ledger（用台账中已定类别的条目）。")
    if from_ledger:
        with ws.ledger() as led:
            rows = led.conn.execute(
                "SELECT title, text, COALESCE(CASE WHEN category_source='manual' THEN category END, category_given),"
                " COALESCE(CASE WHEN disposition_source='manual' THEN disposition END, disposition_given)"
                " FROM items WHERE merged_into IS NULL"
            ).fetchall()
        rows = [(model_text(r[0], r[1]), r[2] or "", r[3] or "") for r in rows]
        source = "台账中人工确定或原表自带的类别"
    else:
        assert file is not None  # one of the two, checked above
        rows = _labelled_file(Path(file), text_column, label_column)
        source = Path(file).name
    categories = [(t, c) for t, c, _ in rows if t and c]
    dispositions = [(t, named) for t, _, d in rows if t and (named := _disposition_named(d))]
    if len(categories) < 20:
        raise InvalidDataError(f"训练数据只有 {len(categories)} 条，至少需要 20 条已标注的意见建议。")
    out = {**_fit(ws, categories, MODEL_FILE, source, "model"), "source": source}
    if len(dispositions) >= 20 and len({d for _, d in dispositions}) >= 2:
        out["disposition_model"] = _fit(ws, dispositions, DISPOSITION_MODEL_FILE, source, "disposition-model")
    return out


def _fit(ws: Workspace, pairs: list[tuple[str, str]], file: str, source: str, entity: str) -> dict:
    """Fit, save and record one model; say how it did on items it had not seen (cross-validation)."""
    from rectikit.text.model import TextModel

    model = TextModel().fit([t for t, _ in pairs], [lab for _, lab in pairs])
    model.meta["source"] = source
    path = model.save(ws.root / file)
    precision = _accept_precision(ws)
    accept_at = model.accept_above(precision)
    share, right = model.accepted_share(accept_at)
    low, high = model.accepted_interval(accept_at)
    checked = {
        "accuracy": round(float(model.cv_correct.mean()), 4) if len(model.cv_correct) else None,
        "accept_precision": precision,
        "accept_above": accept_at,
        "accepted_share": round(share, 4),
        "accepted_accuracy": round(right, 4),
        "accepted_accuracy_low": round(low, 4),
        "accepted_accuracy_high": round(high, 4),
    }
    with ws.ledger() as led, led.transaction():
        led.record(
            "train",
            entity,
            None,
            detail={"source": source, "items": len(pairs), "labels": model.meta["labels"], **checked},
        )
    return {"model": str(path), "items": len(pairs), "labels": model.meta["labels"], "cross_validation": checked}


def _disposition_named(value: str | None) -> str | None:
    """The disposition a cell names (“立行立改”, “属于解读说明类”), or None."""
    return next((d for d in DISPOSITIONS if d in (value or "")), None)


def _labelled_file(path: Path, text_column: str | None, label_column: str | None) -> list[tuple[str, str, str]]:
    """(text, category, disposition) of each labelled row of the first sheet with a text column and a
    category or 处理方式 column."""
    from rectikit.files.columns import detect_header, map_columns, synonym_columns
    from rectikit.files.readers import read_sheets

    overrides = {}
    if text_column:
        overrides[text_column] = "text"
    if label_column:
        overrides[label_column] = "category_given"
    for sheet in read_sheets(path, None):
        header = detect_header(sheet.rows, extra_names=set(overrides))
        if not header:
            continue
        m = map_columns(header.names, overrides)
        if "text" in m and ("category_given" in m or "disposition_given" in m):
            lj, dj, hj = m.get("category_given"), m.get("disposition_given"), m.get("title")
            # Exports often have several text columns filled for different rows
            # (详情 here, 主题+详情 there): take the first one a row has.
            text_js = [m["text"]] + [j for j in synonym_columns(header.names, "text") if j != m["text"]]

            def cell(row: list, j: int | None) -> str:
                return cell_text(row[j]) if j is not None and j < len(row) else ""

            rows = []
            for row in sheet.rows[header.data_start :]:
                text = next((t for j in text_js if (t := cell(row, j))), "")
                t, lab, disp = model_text(cell(row, hj), text), cell(row, lj), cell(row, dj)
                if t and (lab or disp):
                    rows.append((t, lab, disp))
            return rows
    raise InvalidDataError(
        f"{path.name} 中没有同时含内容列和类别列（或处理方式列）的工作表。可用 --text-column、--label-column 指定列名。"
    )


# -- review round trip ------------------------------------------------------

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
    ret = books.read_returned(path)
    t = ret.table(
        ("编号", "类别", "处理方式", "重点任务"),
        sheet=REVIEW_SHEET,
        what="分类审核表",
        hint="请使用 rectikit classify --review 生成的原表，不要删除列。",
    )
    report = Report()
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
    res = ClassifyResult(method="review")
    with ws.ledger() as led:
        book, carried = books.returned(led, ret, "classify-review", t, report)
        wanted = [w for w in wanted if carried(w[0], w[1])]
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
        current = {}
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
        if report.errors:
            raise InvalidDataError(f"{t.file} 有 {len(report.errors)} 处错误，未做任何改动。", report=report)
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
                    decided[fld] = new
                    if it[fld] != new:
                        led.record(
                            "classify",
                            "item",
                            item_id,
                            field=fld,
                            old=it[fld],
                            new=new,
                            detail={"method": "review", "file": t.file},
                        )
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
        res.summary = key_task_summary(led)
    return res
