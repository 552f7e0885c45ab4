"""Supervision notices (督办通知): one per lead unit that has overdue (red)
or nearly due (yellow) tasks — which tasks, how late, by when to report back,
the unit's own contact from the units directory and the office's contact.
The lights come from :func:`rectikit.figures.task_table`, as in ``track``.
Notices circulate between offices, so citizens' text is masked.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import NotReadyError
from rectikit.base.names import child, file_part
from rectikit.base.results import Summary
from rectikit.documents import form
from rectikit.documents.builder import OfficialDocument
from rectikit.figures import task_table, tasks_on
from rectikit.steps.units import directory_of
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date, iso_to_cn
from rectikit.text.masking import mask

CHASED = ("红灯", "黄灯")
HEADERS = ("序号", "编号", "意见建议内容", "整改时限", "整改进展", "状态", "逾期/剩余天数")


def supervise(
    ws: Workspace,
    *,
    today: dt.date | None = None,
    reply_by: dt.date | None = None,
    batches: Sequence[str] = (),
    out_dir: Path | None = None,
) -> Summary:
    """Write a 督办通知 (.docx) for every lead unit with red or yellow tasks."""
    today = today or clock.today()
    reply_by = reply_by or today + dt.timedelta(days=int(ws.setting("tracking", "reply_days", 10)))
    warn = int(ws.setting("tracking", "warn_days", 10))
    office = ws.setting("office", "name", "")
    office_contact = "，".join(x for x in (ws.setting("office", "contact", ""), ws.setting("office", "phone", "")) if x)
    with ws.ledger() as led:
        tasks = task_table(tasks_on(led, batches, today), today, warn)
        things = form.speak_of(led.batch_kinds(batches).values())[0]
    if not tasks:
        raise NotReadyError("还没有分解到牵头单位的重点整改任务。", hint="先运行 rectikit assign。")
    by_unit: dict[str, list[dict]] = defaultdict(list)
    for t in tasks:
        if t["light"] in CHASED:
            by_unit[t["unit"]].append(t)
    directory = directory_of(ws)
    out = Path(out_dir) if out_dir else ws.outputs_dir / "督办"
    files = {}
    for unit, chased in sorted(by_unit.items()):
        chased.sort(key=lambda t: (t["days_left"], t["id"]))
        red = sum(1 for t in chased if t["light"] == "红灯")
        doc = OfficialDocument(
            f"{office or form.fill('发文机关')}关于督促加快{things}整改任务的通知", head=form.head(ws), to=unit
        )
        doc.paragraph(
            f"截至{cn_date(today)}，你单位牵头的{things}整改任务中，已过整改时限仍未完成{red}项，"
            f"临近整改时限{len(chased) - red}项（见下表）。请主要领导亲自过问，抓紧推进整改，"
            f"于{cn_date(reply_by)}前将整改进展、成效和佐证材料报送{office or '本单位'}。逾期未报的，将按有关规定处理。"
        )
        known = directory.units.get(unit) if directory else None
        if known and (known.contact or known.phone):
            doc.paragraph(f"你单位联系人：{known.contact}{'（' + known.phone + '）' if known.phone else ''}。")
        if office_contact:
            doc.paragraph(f"{office}联系人：{office_contact}。")
        rows = [
            (
                k,
                t["id"],
                mask(t["text"] or ""),
                iso_to_cn(t["deadline"]),
                t["progress"] or "未报送",
                t["light"],
                f"逾期{-t['days_left']}天" if t["days_left"] < 0 else f"剩余{t['days_left']}天",
            )
            for k, t in enumerate(chased, start=1)
        ]
        doc.table(HEADERS, rows, widths=(10, 12, 62, 24, 14, 12, 22))  # mm across 156
        doc.blank()
        doc.signature(office, today)
        doc.imprint(str(ws.setting("documents", "supervision_cc", "") or ""), form.printer(ws), today)
        files[unit] = str(doc.save(child(out, f"督办通知-{file_part(unit)}.docx")))
    return Summary(
        {
            "today": today.isoformat(),
            "reply_by": reply_by.isoformat(),
            "folder": str(out),
            "files": files,
            "tasks": {u: len(v) for u, v in by_unit.items()},
        }
    )
