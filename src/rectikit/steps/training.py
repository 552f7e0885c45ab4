"""Training the learned classifiers (`rectikit classify --train` / `--from-ledger`): the category model and,
with enough labelled 处理方式, the disposition model, each with the threshold above which its answers are
taken without review (:meth:`rectikit.text.model.TextModel.accept_above`)."""

from __future__ import annotations

from pathlib import Path

from rectikit.base.errors import InvalidDataError, UsageError
from rectikit.files.readers import cell_text
from rectikit.steps.triage import DISPOSITIONS
from rectikit.store.workspace import Workspace

MODEL_FILE = "models/分类模型.npz"  # arrays only: loading it runs nothing

DISPOSITION_MODEL_FILE = "models/处理方式模型.npz"


def accept_precision(ws: Workspace) -> float:
    return float(ws.setting("classify", "accept_precision", 0.97))


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
    dispositions = [(t, named) for t, _, d in rows if t and (named := disposition_named(d))]
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
    precision = accept_precision(ws)
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


def disposition_named(value: str | None) -> str | None:
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
