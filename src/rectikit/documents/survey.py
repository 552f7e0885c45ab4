"""The survey report (摸底调查情况): for the leaders, round after round, how many were reached, the share
satisfied per area with its 95% interval, where it is lowest (areas and strata), and what moved since the
round before by more than sampling allows. A .docx summary with a native chart and an .xlsx table with every
round, question and stratum. Only counts leave the ledger: no person's answer is printed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import NotReadyError, UsageError
from rectikit.base.names import child, file_part
from rectikit.base.results import Summary
from rectikit.documents.builder import OfficialDocument
from rectikit.figures import survey_rounds
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date

HEADERS = [
    "轮次",
    "问题领域",
    "层",
    "作答人数",
    "满意（含基本满意）",
    "满意率",
    "95%区间下限",
    "95%区间上限",
    "比上轮（个百分点）",
    "超出抽样误差",
]


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _moved(q: dict) -> str:
    if q.get("change_pp") is None:
        return ""
    way = (
        "持平"
        if q["change_pp"] == 0
        else f"{'上升' if q['change_pp'] > 0 else '下降'} {abs(q['change_pp']):.1f} 个百分点"
    )
    return way + ("（超出抽样误差）" if q["beyond_chance"] else "（在抽样误差以内）")


def survey_report(
    ws: Workspace,
    *,
    name: str = "摸底调查",
    round_no: int | None = None,
    today: dt.date | None = None,
    out_dir: Path | None = None,
) -> Summary:
    """Write the report on round ``round_no`` (the newest by default) and the table of every round."""
    from rectikit.files.xlsxout import write_table

    today = today or clock.today()
    with ws.ledger() as led:
        rounds = survey_rounds(led, name, today)
    if not rounds:
        raise NotReadyError(f"还没有“{name}”的调查轮次。", hint="先运行 rectikit survey draw。")
    chosen = rounds[-1] if round_no is None else next((r for r in rounds if r["round"] == round_no), None)
    if chosen is None:
        raise UsageError(f"“{name}”没有第{round_no}轮（已有 {len(rounds)} 轮）。")
    if not chosen["overall"]["answered"]:
        raise NotReadyError(
            f"“{name}”第{chosen['round']}轮还没有导入的回答。", hint="调查表填好后用 rectikit collect 导入。"
        )
    out = Path(out_dir) if out_dir else ws.outputs_dir / "摸底调查"
    stem = file_part(f"{name}第{chosen['round']}轮情况")
    q = [x for x in chosen["questions"] if x["answered"]]
    low = sorted(q, key=lambda x: x["share"])[:3]
    strata = sorted((s for s in chosen["strata"] if s["answered"]), key=lambda s: s["share"])
    opening = _opening(name, chosen, today)
    doc = OfficialDocument(f"{name}第{chosen['round']}轮情况")
    doc.issuer(str(ws.setting("office", "name", "") or ""), today)
    doc.heading("总体情况")
    doc.paragraph(opening)
    doc.heading("各领域满意率")
    doc.paragraph(
        "各领域满意率从低到高："
        + "；".join(
            f"{x['area']} {_pct(x['share'])}（{_pct(x['low'])}—{_pct(x['high'])}，{x['answered']}人作答"
            + (f"，比上轮{_moved(x)}" if _moved(x) else "")
            + "）"
            for x in sorted(q, key=lambda x: x["share"])
        )
        + "。如下图："
    )
    doc.chart(
        "bar",
        "各领域满意率（%）",
        [(x["area"], round(100 * x["share"], 1), _pct(x["share"])) for x in q],
        "各领域满意率",
    )
    doc.heading("需要关注的领域和地方")
    text = "满意率最低的领域是" + "、".join(f"{x['area']}（{_pct(x['share'])}）" for x in low) + "。"
    if len(strata) > 1:
        text += (
            "满意率最低的是"
            + "、".join(f"{s['name']}（{_pct(s['share'])}，{s['answered']}人次作答）" for s in strata[:3])
            + "。"
        )
    doc.paragraph(text + "区间较宽的，作答人数少，宜在下一轮加抽。")
    doc.heading("下一步")
    doc.placeholder("请在此写明针对满意率低的领域和地方的整改措施")
    docx = doc.save(child(out, f"{stem}.docx"))
    rows = _table_rows(rounds)
    xlsx = write_table(
        child(out, f"{file_part(name)}各轮满意率.xlsx"),
        "满意率",
        HEADERS,
        rows,
        widths=[6, 12, 16, 8, 10, 8, 10, 10, 12, 10],
        title=[f"{name}各轮满意率（截至{cn_date(today)}）"],
    )
    return Summary(
        {"name": name, "round": chosen["round"], "opening": opening, "rounds": rounds, "files": [str(docx), str(xlsx)]}
    )


def _opening(name: str, chosen: dict, today: dt.date) -> str:
    """总体情况: who was drawn and reached, why others were not, the satisfaction rate with its interval."""
    o = chosen["overall"]
    opening = (
        f"{name}第{chosen['round']}轮于{cn_date(dt.date.fromisoformat(chosen['drawn_on']))}抽取 {chosen['size']} 人，"
        f"截至{cn_date(today)}联系上 {chosen['reached']} 人"
        + (
            f"，未联系上 {chosen['unreached']} 人（{'、'.join(f'{r}{n}人' for r, n in chosen['reasons'][:3])}）"
            if chosen["unreached"]
            else ""
        )
        + f"。各问题合计满意率（含基本满意，不含“不了解”）{_pct(o['share'])}"
        f"（95%置信区间 {_pct(o['low'])}—{_pct(o['high'])}）" + (f"，比上轮{_moved(o)}" if _moved(o) else "") + "。"
    )
    return opening


def _table_rows(rounds: list[dict]) -> list[list]:
    """Every round's rate per question, overall and per stratum, for the companion workbook."""
    rows = []
    for r in rounds:
        for x in r["questions"]:
            rows.append(
                [
                    r["round"],
                    x["area"],
                    "全部",
                    x["answered"],
                    x["satisfied"],
                    _pct(x["share"]),
                    _pct(x["low"]),
                    _pct(x["high"]),
                    "" if x.get("change_pp") is None else x["change_pp"],
                    "" if x.get("beyond_chance") is None else ("是" if x["beyond_chance"] else "否"),
                ]
            )
            rows += [
                [
                    r["round"],
                    x["area"],
                    s["name"],
                    s["answered"],
                    s["satisfied"],
                    _pct(s["share"]),
                    _pct(s["low"]),
                    _pct(s["high"]),
                    "",
                    "",
                ]
                for s in x["by_stratum"]
                if s["answered"]
            ]
    return rows
