"""Satisfaction figures as a table (满意度统计): per unit, township, category
or batch, the callbacks beside what units reported (seed 004 compares
107/12/8 reported with 99/18/10 at callback), and the rounds of callbacks
with their Wilson interval. Staff-only: counts, no names or phones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import NotReadyError, UsageError
from rectikit.base.names import child
from rectikit.base.results import Summary
from rectikit.documents.wording import share_text
from rectikit.figures import SATISFACTION, SATISFACTION_GROUPS, callback_rounds, satisfaction_table
from rectikit.store.workspace import Workspace

HEADERS = [
    "名称",
    "回访",
    "联系上",
    "联系上比例",
    *(f"{k}（占联系上）" for k in SATISFACTION),
    *(f"{k}（占回访）" for k in SATISFACTION),
    *(f"上报{k}" for k in SATISFACTION),
]


def satisfaction_report(
    ws: Workspace,
    *,
    by: str = "单位",
    batches: Sequence[str] = (),
    out: Path | None = None,
    today: dt.date | None = None,
) -> Summary:
    """The satisfaction table (.xlsx) and its figures."""
    from rectikit.files.xlsxout import write_table

    if by not in SATISFACTION_GROUPS:
        raise UsageError(f"--by 应为 {'、'.join(SATISFACTION_GROUPS)} 之一。")
    with ws.ledger() as led:
        rows = satisfaction_table(led, by, batches, today or clock.today())
        rounds = callback_rounds(led)
    if not rows:
        raise NotReadyError(
            "还没有回访结果或上报满意度。", hint="先运行 rectikit callback，回访后用 rectikit collect 导入。"
        )
    table = [
        [
            r["name"],
            r["called"],
            r["reached"],
            share_text(r["reached"], r["called"]),
            *(f"{r[k]}（{share_text(r[k], r['reached'])}）" for k in SATISFACTION),
            *(f"{r[k]}（{share_text(r[k], r['called'])}）" for k in SATISFACTION),
            *(r["reported"][k] for k in SATISFACTION),
        ]
        for r in rows
    ]
    path = ws.output_file(out, child(ws.outputs_dir, f"满意度统计-按{by}.xlsx"), (".xlsx",))
    notes = [
        "满意度统计说明",
        "联系上比例 = 联系上 / 回访；占联系上、占回访分别以联系上件数、回访件数为分母；"
        "上报满意度取自原表（如县区上报满意度）。",
        "回访轮次（满意率 = 满意和基本满意 / 联系上，区间为 Wilson 95% 置信区间）：",
    ]
    lines = [_round_line(k, r) for k, r in enumerate(rounds, start=1)]
    notes += lines
    write_table(path, "满意度", HEADERS, table, widths=[24, 6, 7, 9] + [12] * 6 + [8] * 3, notes=notes)
    return Summary({"by": by, "rows": rows, "rounds": rounds, "round_lines": lines, "path": str(path)})


def _round_line(k: int, r: dict) -> str:
    """One round in words: when the calls were made, how many, the rate with its interval, the change."""
    when = (
        f"{r['first_call']}至{r['last_call']}"
        if r["first_call"] and r["first_call"] != r["last_call"]
        else r["first_call"] or f"{r['sent'][:10]}发出"
    )
    text = f"第{k}轮（{when}，{r['sheets']}份记录表）：回访 {r['called']}，联系上 {r['reached']}，"
    if r["rate"] is None:
        return text + "尚无结果"
    text += f"满意率 {r['rate']:.1%}（95%置信区间 {r['low']:.1%}–{r['high']:.1%}），占回访 {r['rate_of_called']:.1%}"
    if "change_points" in r:
        p = r["change_points"]
        text += "，与上一轮持平" if p == 0 else f"，比上一轮{'提高' if p > 0 else '下降'} {abs(p):.1f} 个百分点"
    return text
