"""Per-item investigation (调查, seed 000): each unit a task was given to —
the lead unit and those co-operating — looks into it and reports when and
who, where, whom, how, what it found, its plan and its evidence. A form goes
out per unit (``dispatch --investigation``), comes back through ``collect``
with the same checks as task sheets, and each unit's part is kept per item
for the investigation report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from rectikit.base.errors import InvalidDataError
from rectikit.steps.collect import CollectResult
from rectikit.steps.dispatch import LEAD, DispatchResult, Form, send_to_units
from rectikit.store import returnedbooks
from rectikit.store.ledger import now
from rectikit.store.workspace import Workspace

SHEET = "调查情况"
# What a unit writes: (field, header, width), in seed 000's order.
FIELDS = [
    ("inquired_on", "调查时间", 11),
    ("people", "调查人员", 12),
    ("places", "调查地点", 18),
    ("subjects", "调查对象", 18),
    ("methods", "调查方式", 14),
    ("process", "调查过程", 40),
    ("result", "调查结果", 30),
    ("plan", "工作计划", 30),
    ("evidence", "佐证材料清单", 22),
]
FORM = Form(
    "investigation",
    "整改事项调查表",
    SHEET,
    [
        ("id", "编号", 6),
        ("role", "分工", 6),
        ("text", "意见建议内容", 36),
        ("contacts", "反映人及联系方式（内部资料）", 18),
    ]
    + FIELDS,
    [
        "整改事项调查表填写说明",
        "1. 每行是交由本单位调查的一项意见建议（“分工”写明牵头或配合），牵头和配合单位都要填写本单位的调查情况。",
        "2. 调查方式可写：实地走访、电话询问、查阅资料、座谈会、问卷调查、内部调查等。",
        "3. 调查过程、调查结果写清做了什么、发现了什么；工作计划写下一步措施和时间。",
        "4. 佐证材料清单列出材料名称（如：走访记录、通话记录、照片、自查报告）。",
        "5. 不要修改“编号”列和意见建议内容，不要删除列；填好后原样报回。",
        "6. “反映人及联系方式”供调查时联系群众，属内部资料，不得外传。",
    ],
)


def dispatch_investigation(
    ws: Workspace,
    folder: Path | None = None,
    *,
    batch: str | None = None,
    reply_by: dt.date | None = None,
    today: dt.date | None = None,
) -> DispatchResult:
    """Write one investigation form per unit (整改事项调查表-单位.xlsx)."""
    folder = Path(folder) if folder else ws.root / "交办" / "调查"
    return send_to_units(
        ws, FORM, folder, batch=batch, reply_by=reply_by, today=today, res=DispatchResult(folder=str(folder))
    )


def collect_investigation(ws: Workspace, files: Sequence[Path], *, today: dt.date | None = None) -> CollectResult:
    """Take returned investigation forms into the ledger: all files or none.
    A unit's part of an item is kept as it last reported it; a blank cell
    keeps what it reported before."""
    res = CollectResult(files=[Path(f).name for f in files])
    wanted: list[tuple[str, str, str, int, dict]] = []  # file, unit, role, item id, values
    with ws.ledger() as led:
        for t, book, _r, row, item_id in returnedbooks.returned_rows(
            led,
            files,
            "investigation",
            sheet=SHEET,
            required=["编号", "意见建议内容"] + [h for _, h, _ in FIELDS],
            what="调查表",
            hint="请使用 rectikit dispatch --investigation 生成的原表，不要删除列。",
            report=res.report,
        ):
            values = {key: t.text(row, header) for key, header, _ in FIELDS}
            if any(values.values()):
                wanted.append((t.file, book.unit, t.text(row, "分工") or LEAD, item_id, values))
        if res.report.errors:
            raise InvalidDataError(f"报回的调查表有 {len(res.report.errors)} 处错误，未做任何改动。", report=res.report)
        stamp = now()
        with led.transaction() as conn:
            for file, unit, role, item_id, values in wanted:
                old = conn.execute(
                    "SELECT * FROM investigations WHERE item_id=? AND unit=?", (item_id, unit)
                ).fetchone()
                changes = {k: v for k, v in values.items() if v and (old is None or old[k] != v)}
                res.rows += 1
                if not changes:
                    continue
                if old is None:
                    conn.execute(
                        f"INSERT INTO investigations(item_id, unit, role, reported_at, {', '.join(changes)})"
                        f" VALUES (?, ?, ?, ?, {', '.join('?' * len(changes))})",
                        (item_id, unit, role, stamp, *changes.values()),
                    )
                else:
                    conn.execute(
                        f"UPDATE investigations SET reported_at=?, {', '.join(f'{k}=?' for k in changes)} WHERE id=?",
                        (stamp, *changes.values(), old["id"]),
                    )
                for k, v in changes.items():
                    led.record(
                        "investigate",
                        "item",
                        item_id,
                        field=k,
                        old=old[k] if old else None,
                        new=v,
                        detail={"unit": unit, "file": file},
                    )
                res.changed += len(changes)
    return res
