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

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from rectikit.base.errors import InvalidDataError, NotReadyError
from rectikit.base.parallel import split_map
from rectikit.base.problems import ERROR, At, Issue, Report
from rectikit.figures import split_values
from rectikit.steps.classreview import write_review
from rectikit.steps.decision import (
    ACCEPTED,
    FROM_FILE,
    GIVEN,
    MANUAL,
    REVIEW,
    ClassifyResult,
    Decision,
    key_task_summary,
)
from rectikit.steps.taxonomy import workspace_taxonomy
from rectikit.steps.training import DISPOSITION_MODEL_FILE, MODEL_FILE, accept_precision, disposition_named, model_text
from rectikit.steps.triage import DISPOSITIONS, Settings, Triage, decide, known_places, select_key_tasks
from rectikit.store.ledger import Ledger, id_ranges
from rectikit.store.workspace import Workspace

DISPOSITION_FILE = "处理方式.xlsx"


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


def rule_category(norm: str, taxonomy) -> tuple[str | None, float, list[str]]:
    """Best category by keyword score, its score and the words that matched."""
    ranked = taxonomy.scores(norm)
    return ranked[0] if ranked else (None, 0.0, [])


# the fields classify reads and compares (all sixty of 100k items take a second to read)
_READS = (
    "title",
    "text",
    "township",
    "village",
    "nature",
    "category_given",
    "disposition_given",
    "category",
    "category_source",
    "category_confidence",
    "disposition",
    "disposition_source",
    "is_key_task",
    "key_task_source",
)


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
        items = led.working_items([batch] if batch else [], columns=_READS)
    if not items:
        with ws.ledger() as led:
            res.summary = key_task_summary(led)
        return res
    norms = normalise_many([i["text"] for i in items])
    if use_model:
        say("正在用学习模型分类…")
        guesses, res.accept_above = _model_guesses(ws, model_path, items)
    else:
        seen: dict[str, tuple] = {}  # a list repeats its texts: each is matched once
        guesses = [seen[n] if n in seen else seen.setdefault(n, _rule_guess(n, taxonomy)) for n in norms]
    # the list's own township and village columns name its places whole (马蚌乡, not 决马蚌乡)
    places = known_places(v for item in items for v in (item.get("township"), item.get("village")))
    triages = _triages(items, norms, disp_rules, places)
    _take_given_or_learned(ws, items, triages, use_model=use_model, reclassify=reclassify)
    _choose_key_tasks(items, triages, settings)
    _decide(res, items, guesses, triages, reclassify)
    if not dry_run:
        with ws.ledger() as led, led.transaction():
            current = {i["id"]: i for i in items}
            updates: dict[str, list[tuple]] = {}
            first: dict[str, list[int]] = {}
            for d in res.decisions:
                res.changed += _store(led, current[d.item_id], d, updates, first)
            for sql, params in updates.items():  # in bulk: 93k items took 470k single UPDATEs
                led.conn.executemany(sql, params)
            if first:
                led.record("classify", "run", detail={"first": {how: id_ranges(ids) for how, ids in first.items()}})
        with ws.ledger() as led:
            res.summary = key_task_summary(led)
    if review:
        res.review_path = str(write_review(ws, review, batch=batch, suggestions=res.decisions))
    return res


def _triages(items: list[dict], norms: list[str], disp_rules, places: frozenset[str]) -> list[Triage]:
    """The guideline's triage of each item, worked out once per distinct text, question mark, nature and
    merge count (a list repeats its texts), the distinct ones over both cores; each item gets its own
    Triage, as later steps set fields on it (the reasons are shared, and only ever replaced)."""
    keys = [
        (norm, "？" in (item["text"] or "") or "?" in (item["text"] or ""), item.get("nature"), item["raw_count"])
        for item, norm in zip(items, norms)
    ]
    distinct = list(dict.fromkeys(keys))
    first = [_triage(distinct[0], disp_rules, places)] if distinct else []  # word lists loaded before a fork
    found = dict(zip(distinct, first + split_map(_triage, distinct[1:], disp_rules, places)))
    return [Triage(t.disposition, t.score, t.fired) for t in map(found.__getitem__, keys)]


def _triage(key: tuple, disp_rules, places: frozenset[str]) -> Triage:
    norm, asks, nature, raw_count = key
    return decide(norm, disp_rules, text="？" if asks else "", nature=nature, raw_count=raw_count, places=places)


def _decide(res: ClassifyResult, items: list[dict], guesses: list[tuple], triages: list, reclassify: bool) -> None:
    """One decision per item: the file's own category unless reclassifying, else the guess; the items no
    category matched and those left for review listed apart."""
    reasons: dict[tuple[int, int], str] = {}  # items that share their triage share its reasons (by identity)
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
                reasons.get((id(t.fired), t.score)) or reasons.setdefault((id(t.fired), t.score), t.basis),
                t.score,
                source,
                margin,
            )
        )
        if cat is None:
            res.unmatched.append(item["id"])
        elif adopted == REVIEW:
            res.flagged.append(item["id"])


def _learned(ws: Workspace, path: Path, items: list[dict], top: int):
    """A saved model's ``top`` answers for each item, the model, and the confidence from which an
    answer is taken without review (the lowest at which cross-validation was right often enough)."""
    from rectikit.text.model import TextModel

    model = TextModel.load(path)
    ranked = model.rank([model_text(i["title"], i["text"]) for i in items], top=top)
    return ranked, model, model.accept_above(accept_precision(ws))


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
        given = None if reclassify else disposition_named(item.get("disposition_given"))
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


@lru_cache(maxsize=64)
def _update_sql(fields: tuple[str, ...]) -> str:
    return f"UPDATE items SET {', '.join(f'{c}=?' for c in fields)} WHERE id=?"


def _store(led: Ledger, item: dict, d: Decision, updates: dict[str, list[tuple]], first: dict[str, list[int]]) -> int:
    """Queue an automatic decision's update (by statement, for executemany): each field unless a person set
    it, the reasons with it. A history row lists the fields that changed and the values they replaced; an
    item classified for the first time (nothing replaced) is only named in ``first``, by how it was decided,
    for the run's one row: its values are the row's until a later change records them as replaced (89k
    rows saying "nothing before" were 0.5 s of a 100k classify)."""
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
    cols: dict[str, Any] = {}
    for fld, _old, value, extra in changes:
        cols[fld] = value
        cols.update(extra)
    if any(old is not None for _f, old, _v, _e in changes):
        led.record_changes(
            "classify", item["id"], {fld: (old, value) for fld, old, value, _ in changes}, detail={"method": d.source}
        )
    elif changes:
        first.setdefault(d.source, []).append(item["id"])
    if item["category_source"] != MANUAL:
        cols.update(category_secondary=d.secondary, category_review=d.review)
    cols.update(disposition_basis=d.disposition_basis, key_task_score=d.key_score)
    # one statement per item, grouped by the fields it sets (executemany): 89k items took 5 statements each
    updates.setdefault(_update_sql(tuple(cols)), []).append((*cols.values(), item["id"]))
    return len(changes)
