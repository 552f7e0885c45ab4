"""The public notice (整改情况公示), modelled on seed 003: an opening with the
figures (received, merged, key tasks, done, closed), the three sections the
office writes itself, and per batch a completion table as an attachment.

What is published carries no personal data: the notice holds only counts,
and the attached tables mask phones, ID numbers and names like every annex.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import NotReadyError
from rectikit.base.results import Summary
from rectikit.documents import form
from rectikit.documents.annexes import render
from rectikit.documents.builder import OfficialDocument
from rectikit.figures import batch_counts, plan_figures, totals
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date

SECTIONS = [
    ("基本情况", "请在此写明整改工作的组织、部署和推进情况。"),
    ("工作成效", "请在此写明整改取得的成效，可引用附件中的典型事项。"),
    ("下一步措施", "请在此写明巩固整改成果、建立长效机制的措施。"),
]


def notice(
    ws: Workspace,
    *,
    batches: Sequence[str] = (),
    today: dt.date | None = None,
    out_dir: Path | None = None,
    include_all: bool = False,
) -> Summary:
    """Write the notice (.docx) and, per batch, its attached completion table
    (.xlsx and .docx) — of the key tasks, or of every item with ``include_all``."""
    today = today or clock.today()
    out = Path(out_dir) if out_dir else ws.outputs_dir / "公示"
    office = ws.setting("office", "name", "")
    with ws.ledger() as led:
        counts = batch_counts(led, batches, today)
        areas = plan_figures(led, batches, areas=12)["categories"]
    if not any(c["raw_items"] for c in counts):
        raise NotReadyError("台账中没有可公示的条目。", hint="先运行 rectikit import 导入意见建议。")
    names = [c["batch"] for c in counts]
    kinds = {c["batch"]: c["kind"] for c in counts}
    attachments = []
    for k, name in enumerate(names, start=1):
        title = f"{name}{form.speak_of([kinds[name]])[0]}整改完成情况一览表"
        annex = render(
            ws,
            "annex2",
            out_dir=out,
            batches=[name],
            number=str(k),
            stem=f"附件{k}-{title}",
            today=today,
            key_only=not include_all,
        )
        attachments.append({"number": k, "title": title, "files": annex["files"]})
    title = f"{form.place(ws)}落实{'和'.join(names)}{form.speak_of(kinds.values())[0]}整改情况公示"
    opening = _opening(counts, areas, today, form.basis(ws, "notice"), form.feedback_from(ws), form.place(ws))
    doc = OfficialDocument(title)
    doc.blank()
    doc.paragraph(opening)
    for heading, placeholder in SECTIONS:
        doc.heading(heading)
        doc.placeholder(placeholder)
    doc.blank()
    doc.attachments([a["title"] for a in attachments], [a["number"] for a in attachments])
    doc.blank()
    doc.signature(office, today)
    path = doc.save(out / "整改情况公示.docx")
    return Summary({"title": title, "opening": opening, "path": str(path), "attachments": attachments})


def _opening(
    counts: list[dict], areas: Sequence[str], today: dt.date, basis: str, feedback_from: str, place: str = ""
) -> str:
    """Seed 003's opening: the basis, what came back per batch, what it was
    merged to, the areas it touches, and where the key tasks stand."""
    said = {c["batch"]: form.speak_of([c["kind"]]) for c in counts}
    received = "、".join(f"{c['batch']}{said[c['batch']][0]}共{c['raw_items']}{said[c['batch']][1]}" for c in counts)
    merged = [c for c in counts if c["items"] != c["raw_items"]]
    text = f"根据{basis}要求，{feedback_from}反馈{form.we(place)}{received}。"
    if merged:
        text += (
            "由于部分意见建议内容相似或相同，经梳理归纳，"
            + "、".join(
                f"{c['batch']}共归纳为{c['items']}{said[c['batch']][1]}{said[c['batch']][0][-4:]}" for c in merged
            )
            + "。"
        )
    if areas:
        text += f"反馈的问题涉及{'、'.join(areas)}等{'多个' if len(areas) > 1 else ''}领域。"
    sums = totals(counts)
    text += (
        f"其中列为重点整改任务{sums['key_tasks']}项，截至{cn_date(today)}，"
        f"已完成整改{sums['done']}项，已销号{sums['closed']}项。现将整改情况公示如下。"
    )
    return text
