"""`rectikit classify`: category, nature (disposition) and key-task triage.

Day one has no history, so keyword rules from the office's category table
classify and say which words decided. Once labelled items exist (last year's
ledger or a labelled workbook), a learned model (:mod:`rectikit.text.model`)
takes over and gives a confidence; low-confidence items are flagged for
review. Nature follows seed 001 §4.1: 立行立改 / 回访帮助 / 解读说明 / 引导化解,
plus 长期坚持. Key tasks (重点整改任务) are suggested by configurable rules.
Staff correct everything in Excel; a manual decision is never overwritten by
a later automatic run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rectikit.base.errors import InvalidDataError, NotReadyError, UsageError
from rectikit.base.problems import ERROR, Issue, Report
from rectikit.figures import batch_counts
from rectikit.files.readers import as_int
from rectikit.steps.taxonomy import workspace_taxonomy
from rectikit.store import books
from rectikit.store.ledger import Ledger
from rectikit.store.workspace import Workspace

DISPOSITION_FILE = "处理方式.xlsx"
MODEL_FILE = "models/分类模型.npz"  # arrays only: loading it runs nothing
DISPOSITIONS = ("立行立改", "回访帮助", "解读说明", "引导化解", "长期坚持")
YES, NO = "是", "否"
MANUAL = "manual"



@dataclass
class Decision:
    item_id: int
    category: str | None
    confidence: float | None
    basis: str
    disposition: str
    key_task: bool
    needs_review: bool


@dataclass
class ClassifyResult:
    method: str  # rules | model | review
    decisions: list[Decision] = field(default_factory=list)
    changed: int = 0
    unmatched: list[int] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)
    review_path: str | None = None
    summary: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"method": self.method, "changed": self.changed, "unmatched": self.unmatched,
                "flagged": self.flagged, "review_path": self.review_path, "summary": self.summary,
                "decisions": [asdict(d) for d in self.decisions]}


# -- rule tables ----------------------------------------------------------

def load_dispositions(path: Path) -> list[tuple[str, list[str], float]]:
    from rectikit.files.readers import read_table
    from rectikit.steps.taxonomy import parse_keywords

    t = read_table(path, ["处理方式", "关键词"], what="处理方式规则表")
    report = Report()
    rules = []
    for r, row in t.records():
        name = t.text(row, "处理方式")
        where = dict(file=t.file, sheet=t.sheet, row=r)
        if name not in DISPOSITIONS:
            report.add(Issue("bad-disposition", f"处理方式应为 {'、'.join(DISPOSITIONS)} 之一。", ERROR,
                             column="处理方式", value=name, **where))
            continue
        priority = t.text(row, "优先级")
        try:
            priority = float(priority) if priority else 0.0
        except ValueError:
            report.add(Issue("bad-priority", "优先级应为数字。", ERROR, column="优先级", value=priority, **where))
            continue
        rules.append((name, list(parse_keywords(t.text(row, "关键词"))), priority))
    if report.errors:
        raise InvalidDataError(f"处理方式规则表 {t.file} 有 {len(report.errors)} 处错误。", report=report)
    return sorted(rules, key=lambda r: -r[2])


# -- deciding ---------------------------------------------------------------

def rule_category(norm: str, taxonomy) -> tuple[str | None, float, list[str]]:
    """Best category by keyword score, its score and the words that matched."""
    best, best_score, best_words = None, 0.0, []
    for c in taxonomy.categories.values():
        score, words = 0.0, []
        for word, weight in c.keywords.items():
            hits = norm.count(word)
            if hits:
                score += weight * min(hits, 3)
                words.append(word)
        if score > best_score:
            best, best_score, best_words = c.name, score, words
    return best, best_score, best_words


def rule_disposition(norm: str, rules, default: str) -> tuple[str, list[str]]:
    for name, words, _ in rules:
        hit = [w for w in words if w in norm]
        if hit:
            return name, hit
    return default, []


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
    review: Path | None = None,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ClassifyResult:
    """Classify working items: category, disposition, key task.

    ``use_model=None`` uses the trained model when the workspace has one.
    Fields a person decided (source 'manual') are left as they are.
    """
    from rectikit.text.normalise import names_place, normalise_many

    say = progress or (lambda _m: None)
    taxonomy = workspace_taxonomy(ws)
    disp_rules = load_dispositions(ws.rules_dir / DISPOSITION_FILE)
    default_disp = ws.setting("classify", "default_disposition", "立行立改")
    key_disps = set(ws.setting("classify", "key_task_dispositions", ["立行立改", "长期坚持"]))
    min_raw = int(ws.setting("classify", "key_task_min_raw", 1))
    review_below = float(ws.setting("classify", "review_below", 0.6))
    review = ws.output_file(review, review, (".xlsx",)) if review else None  # checked before anything changes
    model_path = ws.root / MODEL_FILE
    if use_model is None:
        use_model = model_path.exists()
    elif use_model and not model_path.exists():
        raise NotReadyError("工作区还没有训练好的模型。", hint="先运行 rectikit classify --train 已标注表格.xlsx 或 --from-ledger。")
    res = ClassifyResult(method="model" if use_model else "rules")
    with ws.ledger() as led:
        items = led.working_items([batch] if batch else [])
    if not items:
        with ws.ledger() as led:
            res.summary = key_task_summary(led)
        return res
    norms = normalise_many([i["text"] for i in items])
    if use_model:
        from rectikit.text.model import TextModel

        say("正在用学习模型分类…")
        labels, confs = TextModel.load(model_path).predict([model_text(i["title"], i["text"]) for i in items])
    for k, (item, norm) in enumerate(zip(items, norms)):
        if use_model:
            cat, conf, basis = labels[k], confs[k], "学习模型"
        else:
            cat, score, words = rule_category(norm, taxonomy)
            conf, basis = None, "、".join(words[:6])
        disp, disp_words = rule_disposition(norm, disp_rules, default_disp)
        key = disp in key_disps and item["raw_count"] >= min_raw and (disp == "长期坚持" or names_place(norm))
        flagged = cat is None or (conf is not None and conf < review_below)
        res.decisions.append(Decision(item["id"], cat, conf, basis, disp, key, flagged))
        if cat is None:
            res.unmatched.append(item["id"])
        elif flagged:
            res.flagged.append(item["id"])
    if not dry_run:
        with ws.ledger() as led, led.transaction():
            current = {i["id"]: i for i in items}
            for d in res.decisions:
                res.changed += _store(led, current[d.item_id], d, res.method)
        with ws.ledger() as led:
            res.summary = key_task_summary(led)
    if review:
        res.review_path = str(write_review(ws, review, batch=batch, suggestions=res.decisions))
    return res


def _store(led: Ledger, item: dict, d: Decision, method: str) -> int:
    """Write an automatic decision, field by field, unless a person set it."""
    changes = []
    if item["category_source"] != MANUAL and (item["category"], item["category_confidence"]) != (d.category, d.confidence):
        changes.append(("category", item["category"], d.category, {"category_source": method,
                                                                   "category_confidence": d.confidence,
                                                                   "category_basis": d.basis}))
    if item["disposition_source"] != MANUAL and item["disposition"] != d.disposition:
        changes.append(("disposition", item["disposition"], d.disposition, {"disposition_source": "rules"}))
    key = 1 if d.key_task else 0
    if item["key_task_source"] != MANUAL and item["is_key_task"] != key:
        changes.append(("is_key_task", item["is_key_task"], key, {"key_task_source": "rules"}))
    for fld, old, new, extra in changes:
        sets = ", ".join(f"{c}=?" for c in (fld, *extra))
        led.conn.execute(f"UPDATE items SET {sets} WHERE id=?", (new, *extra.values(), item["id"]))
        led.record("classify", "item", item["id"], field=fld, old=old, new=new, detail={"method": method})
    return len(changes)


# -- training ---------------------------------------------------------------

def model_text(title: str | None, text: str | None) -> str:
    """What the learned model reads: the title, then the text. Titles name the
    problem in a few words; where a workbook has them, training and
    prediction both see them (unless the text already starts with it)."""
    title, text = (title or "").strip(), (text or "").strip()
    return text if not title or text.startswith(title) else title + text


def train(ws: Workspace, *, file: Path | None = None, from_ledger: bool = False, text_column: str | None = None,
          label_column: str | None = None) -> dict:
    """Train the learned classifier from a labelled workbook or the ledger."""
    from rectikit.text.model import TextModel

    if bool(file) == bool(from_ledger):
        raise UsageError("请指定训练数据：--train 已标注表格.xlsx，或 --from-ledger（用台账中已定类别的条目）。")
    if from_ledger:
        with ws.ledger() as led:
            rows = led.conn.execute(
                "SELECT title, text, COALESCE(CASE WHEN category_source='manual' THEN category END, category_given)"
                " FROM items WHERE merged_into IS NULL").fetchall()
        rows = [r for r in rows if r[2]]
        texts, labels = [model_text(r[0], r[1]) for r in rows], [r[2] for r in rows]
        source = "台账中人工确定或原表自带的类别"
    else:
        texts, labels = _labelled_file(Path(file), text_column, label_column)
        source = Path(file).name
    if len(texts) < 20:
        raise InvalidDataError(f"训练数据只有 {len(texts)} 条，至少需要 20 条已标注的意见建议。")
    model = TextModel().fit(texts, labels)
    model.meta["source"] = source
    path = model.save(ws.root / MODEL_FILE)
    with ws.ledger() as led, led.transaction():
        led.record("train", "model", None, detail={"source": source, "items": len(texts),
                                                    "labels": model.meta["labels"]})
    return {"model": str(path), "items": len(texts), "labels": model.meta["labels"], "source": source}


def _labelled_file(path: Path, text_column: str | None, label_column: str | None) -> tuple[list[str], list[str]]:
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
        if "text" in m and "category_given" in m:
            lj, hj = m["category_given"], m.get("title")
            # Exports often have several text columns filled for different rows
            # (详情 here, 主题+详情 there): take the first one a row has.
            text_js = [m["text"]] + [j for j in synonym_columns(header.names, "text") if j != m["text"]]

            def cell(row: list, j: int | None) -> str:
                return str(row[j]).strip() if j is not None and j < len(row) else ""

            texts, labels = [], []
            for row in sheet.rows[header.data_start:]:
                text = next((t for j in text_js if (t := cell(row, j))), "")
                t, lab = model_text(cell(row, hj), text), cell(row, lj)
                if t and lab:
                    texts.append(t)
                    labels.append(lab)
            return texts, labels
    raise InvalidDataError(f"{path.name} 中没有同时含内容列和类别列的工作表。可用 --text-column、--label-column 指定列名。")


# -- review round trip ------------------------------------------------------

REVIEW_SHEET = "分类审核"
REVIEW_HEADERS = ["编号", "批次", "意见建议内容", "原始条数", "建议类别", "置信度", "依据", "类别", "处理方式", "重点任务"]
REVIEW_NOTES = [
    "分类审核说明",
    "1. “建议类别”“置信度”“依据”是系统给出的参考；请在“类别”“处理方式”“重点任务”三列下拉选择最终结果。",
    "2. 不要修改“编号”列，也不要删除列；不需要改的行可以不动，也可以整行删除。",
    "3. 保存后运行：rectikit classify --apply 本文件。改动过的结果记为人工确定，以后不会被自动分类覆盖；"
    "未改动的仍按自动结果处理。",
]


def write_review(ws: Workspace, path: Path, *, batch: str | None = None,
                 suggestions: Sequence[Decision] = ()) -> Path:
    from rectikit.files.xlsxout import write_table

    taxonomy = workspace_taxonomy(ws)
    hint = {d.item_id: d for d in suggestions}
    with ws.ledger() as led:
        items = led.working_items([batch] if batch else [])
    rows, shade = [], []
    for it in items:
        d = hint.get(it["id"])
        rows.append([
            it["id"], it["batch"], it["text"], it["raw_count"],
            d.category if d else it["category"], d.confidence if d else it["category_confidence"],
            d.basis if d else it["category_basis"],
            it["category"] or (d.category if d else None),
            it["disposition"] or (d.disposition if d else None),
            {1: YES, 0: NO}.get(it["is_key_task"], YES if d and d.key_task else None),
        ])
        shade.append(bool(d and d.needs_review))
    with ws.ledger() as led:
        return books.send(led, "classify-review", {it["id"]: it["text"] for it in items}, lambda identity: write_table(
            path, REVIEW_SHEET, REVIEW_HEADERS, rows, widths=[8, 12, 60, 8, 12, 8, 20, 14, 12, 10],
            choices={7: taxonomy.names, 8: DISPOSITIONS, 9: (YES, NO)}, shade=shade, notes=REVIEW_NOTES,
            identity=identity), batch=batch)


def apply_review(ws: Workspace, path: Path) -> ClassifyResult:
    """Take staff corrections from a review workbook: all or nothing."""
    from rectikit.files.readers import read_table

    taxonomy = workspace_taxonomy(ws)
    t = read_table(path, ("编号", "类别", "处理方式", "重点任务"), sheet=REVIEW_SHEET, what="分类审核表",
                   hint="请使用 rectikit classify --review 生成的原表，不要删除列。")
    report = Report()
    wanted: list[tuple[int, int, str, str, str]] = []
    for r, row in t.records():
        where = dict(file=t.file, sheet=t.sheet, row=r)
        item_id = as_int(t.cell(row, "编号"))
        if item_id is None:
            report.add(Issue("bad-id", "编号应为整数。", ERROR, column="编号", value=t.text(row, "编号"), **where))
            continue
        cat, disp, key = t.text(row, "类别"), t.text(row, "处理方式"), t.text(row, "重点任务")
        if cat and cat not in taxonomy.categories:
            report.add(Issue("unknown-category", "类别不在分类体系表中。", ERROR, column="类别", value=cat, **where))
        if disp and disp not in DISPOSITIONS:
            report.add(Issue("bad-disposition", f"处理方式应为 {'、'.join(DISPOSITIONS)} 之一。", ERROR,
                             column="处理方式", value=disp, **where))
        if key and key not in (YES, NO):
            report.add(Issue("bad-key-task", "重点任务应为“是”或“否”。", ERROR, column="重点任务", value=key, **where))
        wanted.append((r, item_id, cat, disp, key))
    res = ClassifyResult(method="review")
    with ws.ledger() as led:
        _, carried = books.returned(led, Path(path), "classify-review", t, report)
        wanted = [w for w in wanted if carried(w[0], w[1])]
        current = {}
        for r, item_id, *_ in wanted:
            row = led.conn.execute("SELECT * FROM items WHERE id=?", (item_id,)).fetchone()
            if row is None:
                report.add(Issue("unknown-id", f"台账中没有编号 {item_id} 的条目。", ERROR, file=t.file,
                                 sheet=t.sheet, row=r, column="编号", value=str(item_id)))
            else:
                current[item_id] = dict(row)
        if report.errors:
            raise InvalidDataError(f"{t.file} 有 {len(report.errors)} 处错误，未做任何改动。", report=report)
        with led.transaction() as conn:
            for _, item_id, cat, disp, key in wanted:
                it = current[item_id]
                for fld, new, src in (("category", cat or None, "category_source"),
                                      ("disposition", disp or None, "disposition_source"),
                                      ("is_key_task", {YES: 1, NO: 0}.get(key), "key_task_source")):
                    if new is None or it[fld] == new:  # a correction is a value that differs
                        continue
                    conn.execute(f"UPDATE items SET {fld}=?, {src}=? WHERE id=?", (new, MANUAL, item_id))
                    led.record("classify", "item", item_id, field=fld, old=it[fld], new=new,
                               detail={"method": "review", "file": t.file})
                    res.changed += 1
        res.summary = key_task_summary(led)
    return res

