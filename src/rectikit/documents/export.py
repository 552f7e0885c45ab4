"""`rectikit export`: the ledger back as a spreadsheet, one row per working
item (merged items once), with the raw source rows behind it (file, sheet,
row number)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from rectikit.base import clock
from rectikit.base.fsutil import atomic_path
from rectikit.base.results import Summary
from rectikit.figures import deadline_text, task_light, task_note
from rectikit.store.items import TRACKED, as_of
from rectikit.store.workspace import Workspace

COLUMNS = [
    ("id", "编号", 8),
    ("batch", "批次", 12),
    ("seq", "原序号", 8),
    ("title", "标题", 24),
    ("text", "意见建议内容", 60),
    ("county", "县(市、区)", 12),
    ("township", "乡(镇、街道)", 12),
    ("village", "村(社区)", 10),
    ("source", "来源", 18),
    ("received_on", "反映时间", 12),
    ("contact_name", "联系人", 10),
    ("contact_phone", "联系电话", 14),
    ("category_given", "原表类别", 12),
    ("category2", "原表二级分类", 12),
    ("nature", "问题性质", 10),
    ("disposition_given", "原表处理方式", 10),
    ("unit_given", "原表承办单位", 18),
    ("status_given", "原表办理状态", 10),
    ("due_given", "原表办理时限", 12),
    ("answered_on", "办结时间", 12),
    ("satisfaction", "上报满意度", 10),
    ("callback", "原表回访结果", 12),
    ("raw_count", "原始条数", 8),
    ("repeat_of", "连续反映（前批编号）", 10),
    ("category", "类别", 12),
    ("disposition", "处理方式", 10),
    ("is_key_task", "重点任务", 8),
    ("lead_unit", "牵头单位", 22),
    ("co_units", "配合单位", 22),
    ("leader", "责任领导", 14),
    ("person", "责任人", 10),
    ("deadline", "整改时限", 12),
    ("measures", "整改措施", 40),
    ("goal", "整改目标", 30),
    ("progress", "整改进展", 10),
    ("result", "整改成效", 40),
    ("done_on", "完成时间", 12),
    ("evidence", "佐证材料", 24),
    ("closed", "是否销号", 8),
    ("closed_on", "销号时间", 12),
    ("light", "整改状态", 10),
    ("board", "公示牌", 16),
    ("reopened", "重新整改", 24),
    ("sources", "原始出处（文件/工作表/行）", 40),
]

# One row per working item with its own contact and source row; the raw items merged into it (a few
# percent) are read apart and added (a join and GROUP BY over every item took five times as long).
# The task's columns come from its state on the day (_STATE_QUERY, as_of), so they are not read twice.
_PACKED = "printf('%012d', {t}.id) || char(31) || COALESCE({t}.contact_name, '') || char(31) || COALESCE({t}.contact_phone, '')"
_SOURCE = "{f}.file_name || '/' || {f}.sheet || '/第' || {t}.row_number || '行'"
_QUERY = f"""
SELECT i.id, b.name AS batch, i.seq, i.title, i.text, i.county, i.township, i.village, i.source,
       i.received_on, {_PACKED.format(t="i")} AS contact_name, NULL AS contact_phone, i.category_given,
       i.category2, i.nature, i.disposition_given, i.unit_given, i.status_given, i.due_given, i.answered_on, i.satisfaction, i.callback,
       1 AS raw_count, i.repeat_of, i.category, i.disposition,
       CASE i.is_key_task WHEN 1 THEN '是' WHEN 0 THEN '否' END AS is_key_task,
       NULL AS lead_unit, NULL AS co_units, NULL AS leader, NULL AS person, NULL AS deadline, NULL AS measures,
       NULL AS goal, NULL AS progress, NULL AS result, NULL AS done_on, NULL AS evidence, NULL AS closed,
       NULL AS closed_on, NULL AS light, NULL AS board, NULL AS reopened, {_SOURCE.format(f="f", t="i")} AS sources
FROM items i
JOIN batches b ON b.id = i.batch_id
LEFT JOIN source_files f ON f.id = i.file_id
WHERE i.merged_into IS NULL {{where}}
ORDER BY i.id
"""
_MEMBERS = f"""
SELECT m.merged_into, {_PACKED.format(t="m")}, {_SOURCE.format(f="f", t="m")}
FROM items m LEFT JOIN source_files f ON f.id = m.file_id
WHERE m.merged_into IS NOT NULL ORDER BY m.id
"""
# A task's state on the day (store.items.as_of) and its light (figures.task_light), fetched beside the columns.
_STATE_QUERY = f"SELECT id, is_key_task, {', '.join(TRACKED)} FROM items WHERE merged_into IS NULL"
# Columns that show the task's state: on a past day, as it stood then.
_STATE_COLUMNS = (
    "lead_unit",
    "co_units",
    "leader",
    "person",
    "measures",
    "goal",
    "progress",
    "result",
    "done_on",
    "evidence",
    "closed_on",
    "board",
)

# A cell starting with one of these is read as a formula by Excel/WPS when a
# CSV is opened; the apostrophe makes it text (OWASP's advice for CSV).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_ledger(ws: Workspace, out: Path, *, batch: str | None = None, today: dt.date | None = None) -> Summary:
    """Write the ledger's items to ``out`` (.xlsx or .csv); return a summary. Tasks are shown as they
    stood at the end of ``today``, with their light then (红灯 = overdue) and the 重新整改 mark."""
    out = ws.output_file(out, out, (".xlsx", ".csv"))
    suffix = out.suffix.lower()
    today = today or clock.today()
    warn = int(ws.setting("tracking", "warn_days", 10))
    with ws.ledger() as led:
        params: tuple = ()
        where = ""
        if batch:
            led.require_batch(batch)
            where, params = "AND b.name = ?", (batch,)
        states = {t["id"]: t for t in as_of(led, led.dicts(_STATE_QUERY), today)}
        col = {k: j for j, (k, *_) in enumerate(COLUMNS)}
        state_cols = [(col[k], k) for k in _STATE_COLUMNS]

        members: dict[int, list[tuple[str, str | None]]] = {}
        for root, packed, source in led.conn.execute(_MEMBERS):
            members.setdefault(root, []).append((packed, source))

        def people(packed: list[str]) -> tuple[str | None, str | None]:
            """Everyone merged into an item, in import order, each name and phone once."""
            if len(packed) == 1:  # most items: one person
                _id, name, phone = packed[0].split("\x1f")
                return name.strip() or None, phone.strip() or None
            rows = sorted(p.split("\x1f") for p in packed)
            names, phones = (
                {v.strip(): None for v in c if v.strip()} for c in ([m[1] for m in rows], [m[2] for m in rows])
            )
            return "；".join(names) or None, "；".join(phones) or None

        rows = []
        contact, sources, raw_count, received = (
            col["contact_name"],
            col["sources"],
            col["raw_count"],
            col["received_on"],
        )
        for r in led.conn.execute(_QUERY.format(where=where), params):
            r, t = list(r), states[r[0]]
            if merged := members.get(r[0]):
                r[raw_count] += len(merged)
                packed = [r[contact], *(p for p, _s in merged)]
                r[sources] = "；".join(s for s in [r[sources], *(s for _p, s in merged)] if s) or None
            else:
                packed = [r[contact]]
            r[contact], r[col["contact_phone"]] = people(packed)
            for j, k in state_cols:
                r[j] = t[k]
            r[col["deadline"]] = deadline_text(t) or None
            r[col["closed"]] = None if not t["lead_unit"] else "是" if t["closed"] else "否"
            r[col["light"]] = task_light(t, today, warn)[0] if t["lead_unit"] and t["is_key_task"] != 0 else None
            r[col["reopened"]] = task_note(t) or None
            if suffix == ".xlsx" and r[received]:  # a date cell in a workbook; text in a CSV
                r[received] = dt.date.fromisoformat(r[received])
            rows.append(r)
    headers = [label for _, label, _ in COLUMNS]
    if suffix == ".xlsx":
        from rectikit.files.xlsxout import write_table

        write_table(out, "台账", headers, rows, widths=[w for *_, w in COLUMNS], internal=True)
    else:
        with atomic_path(out) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(headers)
            for r in rows:
                w.writerow(["'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in r])
    raw_count = [k for k, *_ in COLUMNS].index("raw_count")
    return Summary({"path": str(out), "items": len(rows), "raw_items": sum(r[raw_count] for r in rows)})
