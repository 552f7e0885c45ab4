"""The analysis report (分析报告), modelled on seed 004: items by county, the
townships that raised most, by category and by responsible unit, then how
rectification stands. The figures come from :func:`rectikit.figures.overview`;
this module only says them in sentences and tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base.errors import NotReadyError
from rectikit.base.names import child, file_part
from rectikit.documents.builder import OfficialDocument
from rectikit.documents.wording import listing, share_text, with_shares
from rectikit.figures import LIGHTS, overview
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date

# Kept importable from here: tests and scripts print shares as the report does.
__all__ = ["Analysis", "Section", "analyse", "share_text", "write_docx"]


@dataclass
class Section:
    heading: str
    sentence: str
    rows: list[tuple[str, int, str]] = field(default_factory=list)  # label, count, share


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

    def to_dict(self) -> dict:
        return {"title": self.title, "office": self.office, "today": self.today, "total_raw": self.total_raw,
                "total": self.total, "key_tasks": self.key_tasks, "overview": self.overview, "path": self.path,
                "sections": [{"heading": s.heading, "sentence": s.sentence,
                              "rows": [{"name": n, "count": c, "share": p} for n, c, p in s.rows]}
                             for s in self.sections]}


def analyse(ws: Workspace, *, batches: Sequence[str] = (), today: dt.date | None = None, out: Path | None = None,
            top_townships: int = 10) -> Analysis:
    """Write the report on the working items of the chosen batches (all by default) as .docx."""
    today = today or dt.date.today()
    warn = int(ws.setting("tracking", "warn_days", 10))
    with ws.ledger() as led:
        fig = overview(led, batches, today, warn_days=warn, top_townships=top_townships)
    if not fig["items"]:
        raise NotReadyError("台账中没有可分析的条目。", hint="先运行 rectikit import 导入意见建议。")
    total = fig["items"]
    period = "、".join(fig["batches"])
    merged = f"，经梳理归纳为 {total} 条" if total != fig["raw_items"] else ""
    res = Analysis(
        title=f"{period}社会评价群众意见建议整改情况分析报告", office=ws.setting("office", "name", ""),
        today=today.isoformat(), total_raw=fig["raw_items"], total=total, key_tasks=fig["key_tasks"],
        overview=f"{period}共收到群众意见建议 {fig['raw_items']} 条{merged}，其中 {fig['key_tasks']} 项列为重点整改任务。",
    )
    rows = with_shares(fig["by_county"], total)
    res.sections.append(Section("区域分布", f"从区域分布来看，{listing(rows)}。", rows))
    top = with_shares(fig["top_townships"], total)
    if top:
        names = "，".join(f"{n}（{p}）" for n, _, p in top)
        res.sections.append(Section(f"反映量居前{len(top)}位的乡（镇、街道）",
                                    f"共有 {fig['townships']} 个乡（镇、街道）的群众反映了意见建议，反映量居前"
                                    f" {len(top)} 位的是：{names}。", top))
    rows = with_shares(fig["by_category"], total)
    res.sections.append(Section("事项分类", f"从事项分类来看，涉及{listing(rows)}。", rows))
    assigned = sum(n for _, n in fig["by_unit"])
    if assigned:
        rows = with_shares(fig["by_unit"], assigned)
        res.sections.append(Section("责任单位", f"已分解的 {assigned} 项任务中，牵头单位为{listing(rows)}。", rows))
        p = fig["progress"]
        rows = with_shares([(name, p["lights"][name]) for name in LIGHTS if name in p["lights"]], p["tasks"])
        res.sections.append(Section(
            "整改进度",
            f"截至 {cn_date(today)}，已完成 {p['done']} 项、占 {share_text(p['done'], p['tasks'])}"
            f"（其中已销号 {p['closed']} 项），逾期未完成 {p['overdue']} 项，"
            f"临近整改时限 {p['due_soon']} 项，长期坚持 {p['long_term']} 项。", rows))
    path = ws.output_file(out, child(ws.root / "输出", f"分析报告-{file_part(period)}.docx"), (".docx",))
    res.path = str(write_docx(res, path))
    return res


def write_docx(res: Analysis, path: Path) -> Path:
    """Overview, then each section as a numbered heading, its sentence and its table."""
    doc = OfficialDocument(res.title)
    doc.issuer(res.office, dt.date.fromisoformat(res.today))
    doc.heading("总体情况")
    doc.paragraph(res.overview)
    for s in res.sections:
        doc.heading(s.heading)
        doc.paragraph(s.sentence)
        doc.table(("名称", "件数", "占比"), s.rows)
    return doc.save(path)
