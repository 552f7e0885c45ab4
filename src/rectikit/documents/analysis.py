"""The analysis report (分析报告), modelled on seed 004: items by county, the
townships that raised most, by category (an item may count under several, as
the office's file gives them), by responsible unit, month by month, then how
rectification stands — each a sentence, a table and a native chart Word and
WPS can edit ("如下图"), then sections left for the office (leaders'
instructions, problems, reasons, recommendations). The figures come from
:func:`rectikit.figures.overview`; the tables behind the charts go to an
.xlsx beside the .docx.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import NotReadyError, UsageError
from rectikit.base.names import child, file_part
from rectikit.documents.builder import OfficialDocument
from rectikit.documents.wording import listing, share_text, with_shares
from rectikit.figures import LIGHTS, SATISFACTION, overview
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date
from rectikit.text.masking import mask

# Kept importable from here: tests and scripts print shares as the report does.
__all__ = ["Analysis", "Section", "analyse", "share_text", "write_docx"]
ROUNDINGS = {"cut": "cut", "截取": "cut", "round": "round", "四舍五入": "round"}
HOTLINE = re.compile(r"热线|12345|专线|工单|诉求")
# What only the office can write, after the counted sections.
OFFICE_SECTIONS = [("领导批示情况", "请在此写明领导批示的时间、文件和内容"),
                   ("存在问题", "请在此写明反映集中的问题和典型事例"),
                   ("原因分析", "请在此从客观、主观两方面分析原因"),
                   ("工作建议", "请在此写明下一步工作建议")]


@dataclass
class Section:
    heading: str
    sentence: str
    rows: list[tuple[str, int, str]] = field(default_factory=list)  # label, count, share
    chart: str = ""  # pie | bar | column | line; empty: no chart
    caption: str = ""


@dataclass
class Analysis:
    title: str
    office: str
    today: str
    total_raw: int
    total: int
    key_tasks: int
    overview: str
    sections: list[Section] = field(default_factory=list)
    path: str | None = None
    tables: str | None = None

    def to_dict(self) -> dict:
        return {"title": self.title, "office": self.office, "today": self.today, "total_raw": self.total_raw,
                "total": self.total, "key_tasks": self.key_tasks, "overview": self.overview, "path": self.path,
                "tables": self.tables,
                "sections": [{"heading": s.heading, "sentence": s.sentence, "chart": s.chart, "caption": s.caption,
                              "rows": [{"name": n, "count": c, "share": p} for n, c, p in s.rows]}
                             for s in self.sections]}


_LABELLED = ("by_county", "top_townships", "by_category", "by_unit", "by_nature", "by_status")


def _public(fig: dict) -> dict:
    """The report is public: every label people typed (a county, a township, a category, a unit, a
    nature, a status — someone may have put a phone or a name there) is masked like free text, in the
    text, the tables and the charts' data alike."""
    fig = {**fig, **{k: [(mask(str(name)), n) for name, n in fig[k]] for k in _LABELLED}}
    fig["nature_by_county"] = {mask(str(nature)): [(mask(str(c)), n) for c, n in rows]
                               for nature, rows in fig["nature_by_county"].items()}
    return fig


def analyse(ws: Workspace, *, batches: Sequence[str] = (), today: dt.date | None = None, out: Path | None = None,
            top_townships: int = 10, rounding: str = "cut", charts: bool = True) -> Analysis:
    """Write the report on the working items of the chosen batches (all by default) as .docx, and its tables as .xlsx."""
    if rounding not in ROUNDINGS:
        raise UsageError("占比的取法应为 cut（截取）或 round（四舍五入）。")
    rounding = ROUNDINGS[rounding]
    today = today or clock.today()
    warn = int(ws.setting("tracking", "warn_days", 10))
    with ws.ledger() as led:
        fig = _public(overview(led, batches, today, warn_days=warn, top_townships=top_townships))
    if not fig["items"]:
        raise NotReadyError("台账中没有可分析的条目。", hint="先运行 rectikit import 导入意见建议。")
    total = fig["items"]
    period = "、".join(fig["batches"])
    hotline = bool(HOTLINE.search(period))
    merged = f"，经梳理归纳为 {total} 条" if total != fig["raw_items"] else ""
    key = f"，其中 {fig['key_tasks']} 项列为重点整改任务" if fig["key_tasks"] else ""
    opening = (f"{period}共受理群众诉求 {fig['raw_items']} 件{merged}{key}。" if hotline else
               f"{period}共收到群众意见建议 {fig['raw_items']} 条{merged}{key}。")
    if fig["previous"] and fig["previous"]["raw_items"]:
        before, now_ = fig["previous"]["raw_items"], fig["raw_items"]
        change = "持平" if now_ == before else (f"{'增加' if now_ > before else '减少'} {abs(now_ - before)} "
                                               f"{'件' if hotline else '条'}、{share_text(abs(now_ - before), before, rounding)}")
        opening += f"与上期（{fig['previous']['batch']}，{before} {'件' if hotline else '条'}）相比{change}。"
    res = Analysis(
        title=f"{period}{'群众诉求办理' if hotline else '社会评价群众意见建议整改'}情况分析报告",
        office=ws.setting("office", "name", ""), today=today.isoformat(), total_raw=fig["raw_items"], total=total,
        key_tasks=fig["key_tasks"], overview=opening,
    )
    see = "如下图：" if charts else ""

    def shares(counts, of):
        return with_shares(counts, of, rounding)

    listed = [c for c in ws.setting("analysis", "counties", []) if c not in dict(fig["by_county"])]
    rows = shares(fig["by_county"] + [(c, 0) for c in listed], total)  # a configured county with none is said too
    res.sections.append(Section("区域分布", f"从区域分布来看，{listing(rows)}。{see}", rows, "pie",
                                "各县（市、区）分布"))
    top = shares(fig["top_townships"], total)
    if top:
        names = "，".join(f"{n}（{p}）" for n, _, p in top)
        shown = min(len(top), top_townships)
        tied = "（含并列）" if len(top) > shown else ""
        res.sections.append(Section(f"反映量居前{shown}位的乡（镇、街道）",
                                    f"共有 {fig['townships']} 个乡（镇、街道）的群众反映了意见建议，反映量居前"
                                    f" {shown} 位{tied}的是：{names}。{see}", top, "bar", f"反映量居前{shown}位的乡（镇、街道）"))
    rows = shares(fig["by_category"], total)
    several = "（一件涉及多个类别的分别计入）" if sum(n for _, n, _ in rows) > total else ""
    res.sections.append(Section("事项分类", f"从事项分类来看{several}，涉及{listing(rows)}。{see}", rows, "bar", "事项分类"))
    if fig["by_unit"]:
        of = fig["units_items"]
        rows = shares(fig["by_unit"], of)
        if fig["units_from"] == "file":
            several = "（一件涉及多个单位的分别计入）" if sum(n for _, n, _ in rows) > of else ""
            res.sections.append(Section("承办单位", f"从承办单位来看{several}，{listing(rows)}。{see}", rows, "bar",
                                        "承办单位"))
        else:
            res.sections.append(Section("责任单位", f"已分解的 {of} 项任务中，牵头单位为{listing(rows)}。{see}", rows,
                                        "bar", "牵头单位"))
    if fig["by_nature"]:
        rows = shares(fig["by_nature"], total)
        res.sections.append(Section("问题性质", f"从问题性质来看，{listing(rows)}。{see}", rows, "bar", "问题性质"))
        where = "；".join(f"{n}主要在{'、'.join(f'{c}（{k}件）' for c, k in counties[:3])}"
                         for n, counties in fig["nature_by_county"].items() if counties)
        if where:
            res.sections[-1].sentence += f"分县（市、区）看，{where}。"
    if len(fig["by_month"]) > 1:
        rows = shares(fig["by_month"], total)
        peak = max(fig["by_month"], key=lambda m: m[1])
        res.sections.append(Section("月度趋势", f"从反映时间来看，{listing(rows)}，{peak[0]}最多。{see}", rows, "line",
                                    "各月反映量"))
    if fig["by_status"]:
        rows = shares(fig["by_status"], sum(n for _, n in fig["by_status"]))
        res.sections.append(Section("办理情况", f"从办理状态来看，{listing(rows)}。{see}", rows, "pie", "办理状态"))
    p = fig["progress"]
    if p["tasks"]:
        rows = shares([(name, p["lights"][name]) for name in LIGHTS if name in p["lights"]], p["tasks"])
        res.sections.append(Section(
            "整改进度",
            f"截至 {cn_date(today)}，已完成 {p['done']} 项、占 {share_text(p['done'], p['tasks'], rounding)}"
            f"（其中已销号 {p['closed']} 项），逾期未完成 {p['overdue']} 项，"
            f"临近整改时限 {p['due_soon']} 项，长期坚持 {p['long_term']} 项。{see}", rows, "column", "整改进度"))
    res.sections.extend(_satisfaction(fig["satisfaction"], fig["callback"], rounding, see))
    if not charts:
        for s in res.sections:
            s.chart = ""
    folder = ws.outputs_dir
    path = ws.output_file(out, child(folder, f"分析报告-{file_part(period)}.docx"), (".docx",))
    res.path = str(write_docx(res, path))
    res.tables = str(_write_tables(res, path.with_suffix(".xlsx")))
    return res


def write_docx(res: Analysis, path: Path) -> Path:
    """Overview, then each counted section (sentence, table, chart), then the office's sections."""
    doc = OfficialDocument(res.title)
    doc.issuer(res.office, dt.date.fromisoformat(res.today))
    doc.heading("总体情况")
    doc.paragraph(res.overview)
    for s in res.sections:
        doc.heading(s.heading)
        if s.sentence:
            doc.paragraph(s.sentence)
        if s.chart and s.rows:
            doc.chart(s.chart, s.caption, [(name, n) for name, n, _ in s.rows], s.caption)
        doc.table(("名称", "件数", "占比"), s.rows, widths=(96, 30, 30))
    for heading, placeholder in OFFICE_SECTIONS:
        doc.heading(heading)
        doc.placeholder(placeholder)
    return doc.save(path)


def _write_tables(res: Analysis, path: Path) -> Path:
    """The tables behind the report's charts, one after another on one sheet."""
    from rectikit.files.xlsxout import write_table

    rows: list[list] = []
    for s in res.sections:
        rows.append([f"【{s.heading}】", None, None])
        rows.extend([name, n, share] for name, n, share in s.rows)
        rows.append([None, None, None])
    return write_table(path, "数据", ["名称", "件数", "占比"], rows, widths=[40, 10, 10], notes=[res.title, res.overview])


def _satisfaction(reported: dict, callback: dict, rounding: str, see: str) -> list[Section]:
    """Seed 004's satisfaction paragraph: what units reported beside what the
    callback found, each share with its denominator said."""
    pies: list[tuple[str, list]] = []  # caption, rows
    parts = []
    if reported["total"]:
        rows = with_shares([(k, reported[k]) for k in SATISFACTION if reported[k]], reported["total"], rounding)
        parts.append("各单位上报时，群众表示" + "，".join(f"{k}的 {n} 件、占 {share}" for k, n, share in rows))
        pies.append(("上报满意度", rows))
    if callback["called"]:
        reached, called = callback["reached"], callback["called"]
        said = [(k, callback[k]) for k in SATISFACTION if callback[k]]
        detail = "，".join(f"{k} {n} 件、占联系上的 {share_text(n, reached, rounding)}、占回访的 {share_text(n, called, rounding)}"
                           for k, n in said)
        reasons = "、".join(r for r, _ in callback["reasons"][:3])
        text = (f"回访 {called} 件，联系上 {reached} 件、占 {share_text(reached, called, rounding)}"
                + (f"，其中{detail}" if detail else "")
                + (f"；因{reasons}等原因未完成回访的 {callback['unreached']} 件" if callback["unreached"] else ""))
        parts.append(text)
        rows = with_shares([*said, ("未联系上", callback["unreached"])] if callback["unreached"] else said, called,
                           rounding)
        pies.append(("回访结果", rows))
    if not pies:
        return []
    sentence = "从满意度来看，" + "；".join(parts) + f"。{see}"
    (caption, rows), *rest = pies
    return [Section("满意度", sentence, rows, "pie", caption),
            *[Section(f"满意度（{caption}）", "", rows, "pie", caption) for caption, rows in rest]]
