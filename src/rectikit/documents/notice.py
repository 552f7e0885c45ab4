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

from rectikit.base.errors import UsageError
from rectikit.store.workspace import Workspace

SECTIONS = [
    ("一、基本情况", "（请在此写明整改工作的组织、部署和推进情况。）"),
    ("二、工作成效", "（请在此写明整改取得的成效，可引用附件中的典型事项。）"),
    ("三、下一步措施", "（请在此写明巩固整改成果、建立长效机制的措施。）"),
]


def notice(ws: Workspace, *, batches: Sequence[str] = (), today: dt.date | None = None,
           out_dir: Path | None = None) -> dict:
    """Write the notice (.docx) and, per batch, its attached completion table (.xlsx and .docx)."""
    from rectikit.documents.annexes import render

    today = today or dt.date.today()
    out = Path(out_dir) if out_dir else ws.root / "输出" / "公示"
    office = ws.config().get("office", {}).get("name", "")
    with ws.ledger() as led:
        names = list(batches) or [r[0] for r in led.conn.execute("SELECT name FROM batches ORDER BY id")]
        figures = [_figures(led, name) for name in names]
    if not names or not any(f["raw"] for f in figures):
        raise UsageError("台账中没有可公示的条目。请先导入意见建议。")
    attachments = []
    for k, name in enumerate(names, start=1):
        title = f"{name}社会评价群众意见建议整改完成情况一览表"
        annex = render(ws, "annex2", out_dir=out, batches=[name], number=str(k), stem=f"附件{k}-{title}")
        attachments.append({"number": k, "title": title, "files": annex["files"]})
    title = f"{office}落实{'和'.join(names)}社会评价群众意见建议整改情况公示"
    opening = _opening(figures, today)
    path = _write_docx(out / "整改情况公示.docx", title, opening, attachments, office, today)
    return {"title": title, "opening": opening, "path": str(path), "attachments": attachments}


def _figures(led, batch: str) -> dict:
    row = led.conn.execute(
        """SELECT COUNT(*),
                  SUM(i.merged_into IS NULL),
                  SUM(i.merged_into IS NULL AND i.is_key_task = 1),
                  SUM(i.merged_into IS NULL AND i.is_key_task = 1 AND (i.progress = '已完成' OR i.closed = 1)),
                  SUM(i.merged_into IS NULL AND i.is_key_task = 1 AND i.closed = 1)
           FROM items i JOIN batches b ON b.id = i.batch_id WHERE b.name = ?""", (batch,)).fetchone()
    raw, merged, key, done, closed = (int(v or 0) for v in row)
    return {"batch": batch, "raw": raw, "items": merged, "key": key, "done": done, "closed": closed}


def _opening(figures: list[dict], today: dt.date) -> str:
    received = "、".join(f"{f['batch']}社会评价群众意见建议共{f['raw']}条" for f in figures)
    merged = [f for f in figures if f["items"] != f["raw"]]
    text = f"收到{received}。"
    if merged:
        text += ("由于部分意见建议内容相似或相同，经梳理归纳，"
                 + "、".join(f"{f['batch']}共归纳为{f['items']}条" for f in merged) + "意见建议。")
    key, done, closed = (sum(f[k] for f in figures) for k in ("key", "done", "closed"))
    text += (f"其中列为重点整改任务{key}项，截至{today.year}年{today.month}月{today.day}日，"
             f"已完成整改{done}项，已销号{closed}项。现将整改情况公示如下。")
    return text


def _write_docx(path: Path, title: str, opening: str, attachments: list[dict], office: str, today: dt.date) -> Path:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from rectikit.files.docxstyle import official_document, paragraph, save

    doc = official_document(title)
    doc.add_paragraph()
    paragraph(doc, opening)
    for heading, placeholder in SECTIONS:
        paragraph(doc, heading, name="黑体", indent=False, keep_with_next=True)
        paragraph(doc, placeholder)
    doc.add_paragraph()
    for k, a in enumerate(attachments):
        paragraph(doc, ("附件：" if k == 0 else "　　　") + f"{a['number']}.{a['title']}", indent=False)
    doc.add_paragraph()
    for line in (office, f"{today.year}年{today.month}月{today.day}日"):
        paragraph(doc, line, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return save(doc, path)
