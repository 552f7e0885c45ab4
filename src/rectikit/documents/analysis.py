"""The analysis report (分析报告), modelled on seed 004: items by county, the
townships that raised most, by category and by responsible unit, then how
rectification stands. Shares are cut, not rounded, to one decimal, as offices
write them (19/127 is 14.9%, 8/127 is 6.2%), so they never add up to more
than there is.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base.errors import UsageError
from rectikit.store.workspace import Workspace

UNKNOWN = "未注明"
UNCLASSIFIED = "未分类"


def share_text(n: int, total: int) -> str:
    """n/total as a percentage cut to one decimal: 30/127 → 23.6%, 14/127 → 11%."""
    if total <= 0:
        return "0%"
    tenths = n * 1000 // total
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth}%" if tenth else f"{whole}%"


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


def _distribution(counts: Counter, total: int) -> list[tuple[str, int, str]]:
    """Most first; ties keep the ledger's order, with the not-stated last."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] in (UNKNOWN, UNCLASSIFIED)))
    return [(name, n, share_text(n, total)) for name, n in ranked]


def _listing(rows: list[tuple[str, int, str]]) -> str:
    """"A 30 件、占 23.6%，B、C各 4 件、各占 3.1%": equal counts are said once."""
    parts, k = [], 0
    while k < len(rows):
        same = [r for r in rows[k:] if r[1] == rows[k][1]]
        _, n, share = same[0]
        if len(same) == 1:
            parts.append(f"{same[0][0]} {n} 件、占 {share}")
        else:
            parts.append(f"{'、'.join(r[0] for r in same)}各 {n} 件、各占 {share}")
        k += len(same)
    return "，".join(parts)


def analyse(ws: Workspace, *, batches: Sequence[str] = (), today: dt.date | None = None, out: Path | None = None,
            top_townships: int = 10) -> Analysis:
    """Count the working items of the chosen batches (all by default) and write the report as .docx."""
    from rectikit.steps.tracking import LIGHTS, track

    today = today or dt.date.today()
    cfg = ws.config()
    office = cfg.get("office", {}).get("name", "")
    with ws.ledger() as led:
        items = led.working_items(batches)
        names = list(batches) or [r[0] for r in led.conn.execute("SELECT name FROM batches ORDER BY id")]
        marks = ",".join("?" * len(names))
        raw = led.conn.execute(f"SELECT COUNT(*) FROM items i JOIN batches b ON b.id=i.batch_id"
                               f" WHERE b.name IN ({marks})", names).fetchone()[0] if names else 0
    if not items:
        raise UsageError("台账中没有可分析的条目。请先导入意见建议。")
    total = len(items)
    key = sum(1 for i in items if i["is_key_task"] == 1)
    period = "、".join(names)
    merged = f"，经梳理归纳为 {total} 条" if total != raw else ""
    res = Analysis(
        title=f"{period}社会评价群众意见建议整改情况分析报告", office=office, today=today.isoformat(),
        total_raw=raw, total=total, key_tasks=key,
        overview=f"{period}共收到群众意见建议 {raw} 条{merged}，其中 {key} 项列为重点整改任务。",
    )
    counties = Counter(i["county"] or UNKNOWN for i in items)
    rows = _distribution(counties, total)
    res.sections.append(Section("区域分布", f"从区域分布来看，{_listing(rows)}。", rows))
    towns = Counter(f"{i['county'] or ''}{i['township']}" for i in items if i["township"])
    top = _distribution(towns, total)[:top_townships]
    if top:
        listing = "，".join(f"{n}（{p}）" for n, _, p in top)
        res.sections.append(Section(f"反映量居前{len(top)}位的乡（镇、街道）",
                                    f"共有 {len(towns)} 个乡（镇、街道）的群众反映了意见建议，反映量居前"
                                    f" {len(top)} 位的是：{listing}。", top))
    rows = _distribution(Counter(i["category"] or UNCLASSIFIED for i in items), total)
    res.sections.append(Section("事项分类", f"从事项分类来看，涉及{_listing(rows)}。", rows))
    tasks = [i for i in items if i["lead_unit"]]
    if tasks:
        rows = _distribution(Counter(i["lead_unit"] for i in tasks), len(tasks))
        res.sections.append(Section("责任单位", f"已分解的 {len(tasks)} 项任务中，牵头单位为{_listing(rows)}。", rows))
        ids = {i["id"] for i in tasks}
        lights = Counter(t["light"] for t in track(ws, today=today).tasks if t["id"] in ids)
        rows = [(name, lights[name], share_text(lights[name], len(tasks))) for name in LIGHTS if lights[name]]
        done = lights.get("已完成", 0) + lights.get("已销号", 0)
        res.sections.append(Section(
            "整改进度",
            f"截至 {today.year}年{today.month}月{today.day}日，已完成 {done} 项、占 {share_text(done, len(tasks))}"
            f"（其中已销号 {lights.get('已销号', 0)} 项），逾期未完成 {lights.get('红灯', 0)} 项，"
            f"临近整改时限 {lights.get('黄灯', 0)} 项，长期坚持 {lights.get('长期坚持', 0)} 项。", rows))
    path = Path(out) if out else ws.root / "输出" / f"分析报告-{period}.docx"
    res.path = str(write_docx(res, path))
    return res


def write_docx(res: Analysis, path: Path) -> Path:
    """A4 portrait by GB/T 9704: title 2号小标宋, headings 黑体, body 3号仿宋 with tables."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from rectikit.documents.annexes import cn_ordinal
    from rectikit.files.docxstyle import font, official_document, paragraph, repeat_header, save

    doc = official_document(res.title)
    day = dt.date.fromisoformat(res.today)
    paragraph(doc, f"{res.office}  {day.year}年{day.month}月{day.day}日".strip(), name="楷体_GB2312", indent=False,
              align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(doc, "一、总体情况", name="黑体", indent=False, keep_with_next=True)
    paragraph(doc, res.overview)
    for k, s in enumerate(res.sections, start=2):
        paragraph(doc, f"{cn_ordinal(k)}、{s.heading}", name="黑体", indent=False, keep_with_next=True)
        paragraph(doc, s.sentence)
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        repeat_header(table.rows[0])
        for cell, text in zip(table.rows[0].cells, ("名称", "件数", "占比")):
            font(cell.paragraphs[0].add_run(text), "黑体", 12)
        for name, n, share in s.rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, (name, str(n), share)):
                font(cell.paragraphs[0].add_run(text), "仿宋_GB2312", 12)
    return save(doc, path)
