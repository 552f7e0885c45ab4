"""The rows of an annex (附件1 整改任务清单, 附件2 整改完成情况一览表): the layout an office may edit
(templates/附件1.toml: columns, widths, title), the ledger's tasks as they stood on a day, grouped and
numbered, every free-text cell masked. Writing them is :mod:`annexxlsx` and :mod:`annexdocx`."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rectikit.base import clock
from rectikit.base.errors import NotReadyError, RectikitError, UsageError
from rectikit.documents.form import speak_of
from rectikit.documents.wording import cn_ordinal
from rectikit.figures import deadline_text, task_note, tasks_on
from rectikit.steps.taxonomy import workspace_taxonomy
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date, iso_to_cn
from rectikit.text.masking import mask

ANNEXES = ("annex1", "annex2")

# Choices as offices say them, with the English names kept as aliases.
ANNEX_NAMES = {
    "附件1": "annex1",
    "附件一": "annex1",
    "1": "annex1",
    "annex1": "annex1",
    "附件2": "annex2",
    "附件二": "annex2",
    "2": "annex2",
    "annex2": "annex2",
}

FORMATS = ("xlsx", "docx")

PARALLEL_ROWS = 5000  # from here both formats are written at once, in two processes

GROUPS = {
    "领域": "category",
    "类别": "category",
    "category": "category",
    "牵头单位": "lead_unit",
    "单位": "lead_unit",
    "lead_unit": "lead_unit",
    "县区": "county",
    "县(市、区)": "county",
    "county": "county",
}

NUMBERINGS = {
    "连续": "continuous",
    "continuous": "continuous",
    "每组": "per-group",
    "分组": "per-group",
    "per-group": "per-group",
}

FIELDS = {
    "number": "序号",
    "text": "意见建议内容",
    "category": "领域",
    "aspect": "所属方面",
    "disposition": "处理方式",
    "goal": "整改目标",
    "measures": "整改措施",
    "lead_unit": "牵头单位",
    "co_units": "配合单位",
    "leader": "责任领导",
    "person": "责任人",
    "deadline": "整改时限",
    "note": "备注",
    "county": "县(市、区)",
    "township": "乡(镇、街道)",
    "source": "来源",
    "batch": "批次",
    "raw_count": "原始条数",
    "progress": "完成情况",
    "result": "整改成效",
    "closed": "是否销号",
    "closed_on": "销号时间",
    "evidence": "佐证材料",
}

# Fields people write freely (citizens, staff, units): masked in every annex.
FREE_TEXT = {"text", "goal", "measures", "result", "evidence", "progress", "source"}

# The item fields an annex row reads besides a task's tracked ones (every column a layout may name is one of
# these, or made here): the rest of sixty fields are not read at all.
_READS = ("text", "category", "disposition", "county", "township", "source", "repeat_of", "is_key_task")

TITLE_FIELDS = ("office", "year", "batches", "count", "source")

DOCX_VARIABLES = {"number", "title", "subtitle", "office", "year", "batches", "count", "date"}

PLACEHOLDER = "[[表格]]"

BAD_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class TemplateError(RectikitError):
    """A template an office edited refers to something that does not exist."""


@dataclass
class Layout:
    name: str
    number: str
    title: str
    subtitle: str
    docx_template: str
    file_name: str
    columns: list[tuple[str, str, float]]  # header, field, relative width


@dataclass
class Table:
    layout: Layout
    title: str
    subtitle: str
    context: dict
    # each row: ("group", label) or ("row", [cell texts])
    rows: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(1 for kind, _ in self.rows if kind == "row")


def template_dir(ws: Workspace | None) -> Path:
    from rectikit.base.resources import templates_dir

    if ws is not None and (ws.root / "templates").is_dir():
        return ws.root / "templates"
    return templates_dir()


def load_layout(path: Path) -> Layout:
    """Read a layout and check every field and title placeholder up front."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise TemplateError(f"模板 {path.name} 无法读取：{e}") from None
    cols = []
    for k, c in enumerate(data.get("columns", []), start=1):
        f = c.get("field", "")
        if f not in FIELDS:
            raise TemplateError(
                f"模板 {path.name} 第{k}列（“{c.get('header', '')}”）引用了不存在的字段“{f}”。"
                f"可用字段：{'、'.join(FIELDS)}"
            )
        cols.append((str(c.get("header") or FIELDS[f]), f, float(c.get("width", 8))))
    if not cols:
        raise TemplateError(f"模板 {path.name} 没有定义任何列（[[columns]]）。")
    for key in ("title", "subtitle"):
        for name in re.findall(r"{(\w*)}", str(data.get(key, ""))):
            if name not in TITLE_FIELDS:
                raise TemplateError(
                    f"模板 {path.name} 的 {key} 中引用了不存在的“{{{name}}}”。可用：{'、'.join(TITLE_FIELDS)}"
                )
    return Layout(
        path.stem,
        str(data.get("number", "")),
        str(data.get("title", "")),
        str(data.get("subtitle", "")),
        str(data.get("docx_template", f"{path.stem}.docx")),
        str(data.get("file_name", path.stem)),
        cols,
    )


def _text(item: dict) -> str:
    text = mask(item["text"] or "")
    return text + f"（{item['raw_count']}条意见建议归纳）" if item.get("raw_count", 1) > 1 else text


def _closed(item: dict) -> str:
    return "是" if item.get("closed") else "否" if item.get("lead_unit") else ""


def _progress(item: dict) -> str:
    return "；".join(x for x in (item.get("progress") or "", task_note(item, short=True)) if x)


def _row_maker(layout: Layout, aspect) -> Callable[[dict, int], list[str]]:
    """How one row is printed, worked out once per layout: a maker per column, so a row computes only
    the cells the layout shows. Annexes are published: every free-text cell — the citizen's words and
    what units wrote — goes out masked."""
    made: dict[str, Callable[[dict], str]] = {
        "text": _text,
        "category": lambda it: it.get("category") or "",
        "aspect": lambda it: aspect(it.get("category")),
        "deadline": lambda it: iso_to_cn(deadline_text(it)),
        "note": lambda it: "连续反映" if it.get("repeat_of") else "",
        "raw_count": lambda it: str(it.get("raw_count") or ""),
        "closed": _closed,
        "closed_on": lambda it: iso_to_cn(it.get("closed_on")),
        "done_on": lambda it: iso_to_cn(it.get("done_on")),
        "progress": _progress,
    }

    def field(f: str) -> Callable[[dict], str]:
        if f in made:
            return made[f]
        if f in FREE_TEXT:
            return lambda it: mask(str(it.get(f) or ""))
        return lambda it: str(it.get(f) or "")

    makers = [None if f == "number" else field(f) for _, f, _ in layout.columns]

    def row(item: dict, number: int) -> list[str]:
        return [m(item) if m else str(number) for m in makers]

    return row


def build_table(
    ws: Workspace,
    annex: str,
    *,
    key_only: bool = True,
    group_by: str | None = None,
    numbering: str = "continuous",
    batches: Sequence[str] = (),
    today: dt.date | None = None,
) -> Table:
    """The rows of an annex from the ledger as the tasks stood at the end of ``today`` (cells stay empty
    where a step has not run)."""
    today = today or clock.today()
    if annex not in ANNEX_NAMES:
        raise UsageError(f"未知的附件“{annex}”，可选：附件1、附件2（也可写 annex1、annex2）。")
    if group_by and group_by not in GROUPS:
        raise UsageError("分组方式应为 领域、牵头单位、县区 之一（也可写 category、lead_unit、county）。")
    if numbering not in NUMBERINGS:
        raise UsageError("编号方式应为 连续 或 每组（也可写 continuous、per-group）。")
    annex, numbering = ANNEX_NAMES[annex], NUMBERINGS[numbering]
    group_by = GROUPS[group_by] if group_by else None
    layout = load_layout(template_dir(ws) / f"{annex}.toml")
    cfg = ws.config()
    with ws.ledger() as led:
        items = tasks_on(led, list(batches), today, key_only=key_only, columns=_READS)
        if not items and not led.conn.execute("SELECT 1 FROM items LIMIT 1").fetchone():
            raise NotReadyError("台账中还没有意见建议，无法生成附件。", hint="先运行 rectikit import 导入意见建议表。")
        chosen = list(batches) or [r[0] for r in led.conn.execute("SELECT name FROM batches ORDER BY id")]
        things = speak_of(led.batch_kinds(chosen).values())[0]
    try:
        taxonomy = workspace_taxonomy(ws)
        aspect, order = taxonomy.aspect, taxonomy.names
    except RectikitError:
        order = []

        def aspect(_name):
            return ""

    office = cfg.get("office", {}).get("name", "")
    values = {
        "office": office,
        "year": cfg.get("office", {}).get("year", ""),
        "batches": "和".join(chosen),
        "count": len(items),
        "source": "社会评价反馈群众意见建议" if things == "社会评价群众意见建议" else things,
    }
    table = Table(
        layout,
        layout.title.format_map(values),
        layout.subtitle.format_map(values),
        context={**values, "date": cn_date(today)},
    )
    if group_by:
        groups: dict[str, list[dict]] = {}
        for it in items:
            groups.setdefault(it.get(group_by) or "未分类", []).append(it)
        if group_by == "category":  # in the order of the office's category table
            rank = {name: k for k, name in enumerate(order)}
            groups = dict(sorted(groups.items(), key=lambda kv: rank.get(kv[0], len(rank))))
        n = 0
        cells = _row_maker(layout, aspect)
        for g, (name, members) in enumerate(groups.items(), start=1):
            table.rows.append(("group", f"{cn_ordinal(g)}、{name}（{len(members)}项）"))
            for k, it in enumerate(members, start=1):
                n += 1
                table.rows.append(("row", cells(it, k if numbering == "per-group" else n)))
    else:
        cells = _row_maker(layout, aspect)
        table.rows.extend(("row", cells(it, n)) for n, it in enumerate(items, start=1))
    return table
