"""Site notice boards (整改公示牌, seed 002): for every key task not yet done,
or long-term, a printable page to put up where the problem is — the problem,
the plan and measures, the goal, how far it has got, the responsible unit,
the deadline and a phone for the public. Published, so the citizen's words
are masked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import NotReadyError
from rectikit.base.names import child
from rectikit.base.results import Summary
from rectikit.documents import form
from rectikit.documents.builder import OfficialDocument
from rectikit.figures import deadline_text, tasks_on
from rectikit.store.values import DONE
from rectikit.store.workspace import Workspace
from rectikit.text.dates import iso_to_cn
from rectikit.text.masking import mask


def boards(
    ws: Workspace, *, batches: Sequence[str] = (), today: dt.date | None = None, out: Path | None = None
) -> Summary:
    """One .docx, a board per page, for the unfinished and long-term key tasks."""
    today = today or clock.today()
    office = ws.setting("office", "name", "")
    # the office's line for the public, not the unit's: the public reports a unit to the office
    supervision_phone = str(ws.setting("office", "supervision_phone", "") or ws.setting("office", "phone", "") or "")
    with ws.ledger() as led:
        tasks = [
            i
            for i in tasks_on(led, batches, today)
            if i["lead_unit"] and not i["closed"] and (i["progress"] != DONE or i["long_term"])
        ]
    if not tasks:
        raise NotReadyError(
            "没有需要设立公示牌的任务（未完成或长期坚持、已分解到单位的重点任务）。", hint="先运行 rectikit assign。"
        )
    doc = OfficialDocument("整改公示牌", title_pt=36)  # a sign put up on site: read from a few steps away
    for k, it in enumerate(tasks):
        if k:
            doc.page_break()
            doc.title("整改公示牌")
        rows = [
            ("群众反映的问题", mask(it["text"] or "")),
            ("整改措施", mask(it["measures"] or "") or "（由责任单位填写）"),
            ("整改目标", mask(it["goal"] or "") or "（由责任单位填写）"),
            ("整改进度", "，".join(x for x in (it["progress"] or "未启动", mask(it["result"] or "")) if x)),
            ("责任单位", it["lead_unit"] + (f"（配合：{it['co_units']}）" if it["co_units"] else "")),
            ("整改时限", iso_to_cn(deadline_text(it)) or "（待定）"),
            ("监督电话", supervision_phone or form.fill("监督电话（[office] supervision_phone）")),
        ]
        doc.table(("项目", "内容"), rows, widths=(40, 116), pt=16)
        doc.blank()
        doc.line("欢迎广大群众监督。", indent=True)
        doc.signature(office, today)
    path = ws.output_file(out, child(ws.outputs_dir, "整改公示牌.docx"), (".docx",))
    doc.save(path, numbered=False)
    return Summary({"path": str(path), "boards": len(tasks), "items": [i["id"] for i in tasks]})
