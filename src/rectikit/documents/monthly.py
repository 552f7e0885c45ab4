"""The monthly report (月报) of 每月一过问、一审核、一报告: where the key tasks
stand at a month's end, what moved in the month, which units did not report,
beside the month before. A .docx for leaders and an .xlsx of the same table.
The figures come from :func:`rectikit.figures.monthly`, worked out from the
history, so any past month gives the same report again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import NotReadyError, UsageError
from rectikit.base.names import child
from rectikit.base.results import Summary
from rectikit.documents import form
from rectikit.documents.builder import OfficialDocument
from rectikit.documents.wording import share_text
from rectikit.figures import late_news, month_bounds, monthly
from rectikit.store import editions
from rectikit.store.values import DONE
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date

HEADERS = ("牵头单位", "任务数", "本月完成", "累计完成", "本月销号", "累计销号", "逾期未完成", "本月报送")
KEYS = ("tasks", "done_this_month", "done", "closed_this_month", "closed", "overdue")


def _month(value: str | None, today: dt.date) -> str:
    if not value:
        return f"{today.year}-{today.month:02d}"
    try:
        month_bounds(value)
    except ValueError:
        raise UsageError(f"--month 应写成 2020-10 的形式，收到：{value}") from None
    year, mon = value.split("-")
    return f"{int(year)}-{int(mon):02d}"


def _previous(month: str) -> str:
    first, _ = month_bounds(month)
    before = first - dt.timedelta(days=1)
    return f"{before.year}-{before.month:02d}"


def _change(now: int, before: int) -> str:
    return "与上月持平" if now == before else f"比上月{'增加' if now > before else '减少'}{abs(now - before)}项"


def _news_line(n: dict) -> str:
    """One piece of late news in words: which item, who, what happened when, and when it was entered."""
    changes = json.loads(n["changes"])
    on, entered = (cn_date(dt.date.fromisoformat(n[k])) for k in ("on_date", "recorded_on"))
    if n["kind"] == "collect":
        what = f"{n['unit'] or '单位'}报回" + (
            f"已完成，完成于{on}"
            if changes.get("progress") == DONE
            else f"{changes.get('progress') or '整改情况'}（{on}）"
        )
    elif n["kind"] == "close-out":
        what = f"销号，销号日期{on}"
    elif n["kind"] in ("reopen", "callback-reopen"):
        what = f"{'回访不满意，' if n['kind'] == 'callback-reopen' else ''}自{on}起重新整改"
    else:
        what = f"{on}有变动"
    return f"编号{n['item_id']}：{what}，{entered}录入"


def _late(led, earlier: dict, fig: dict, day: dt.date) -> dict:
    """How this edition differs from an earlier one of the same month: the items whose state changed and
    the late news that changed them."""
    old = {int(k): v for k, v in earlier["figures"]["states"].items()}
    new = fig["states"]
    changed = sorted(i for i in set(old) | set(new) if old.get(i) != new.get(i))
    news = late_news(led, earlier["event_mark"], day, changed)
    text = (
        (
            f"本报告与{cn_date(dt.date.fromisoformat(earlier['made_on']))}生成的第{earlier['number']}版相比，"
            f"有{len(changed)}项任务的情况因此后补报、录入的信息而变化：" + "；".join(map(_news_line, news)) + "。"
        )
        if changed
        else ""
    )
    return {"edition": earlier["number"], "made_on": earlier["made_on"], "changed": changed, "news": news, "text": text}


def monthly_report(
    ws: Workspace,
    *,
    month: str | None = None,
    batches: Sequence[str] = (),
    out_dir: Path | None = None,
    today: dt.date | None = None,
    edition: int | None = None,
) -> Summary:
    """Write the month's report (.docx) and its table (.xlsx), as the tasks stood at the month's end (or
    today, while the month is not over). Each different report made is kept as an edition: made again
    later, the report is the same, or says which items changed since the last edition and why;
    ``edition`` makes an earlier edition again as it was."""
    from rectikit.files.xlsxout import write_table

    today = today or clock.today()
    month = _month(month, today)
    warn = int(ws.setting("tracking", "warn_days", 10))
    scope = "、".join(batches)
    fig, before, late, today = _figures(ws, month, scope, batches, warn, today, edition)
    if not fig["units"]:
        raise NotReadyError("还没有分解到牵头单位的重点整改任务，无法生成月报。", hint="先运行 rectikit assign。")
    year, mon = (int(x) for x in month.split("-"))
    with ws.ledger() as led:
        things = form.speak_of(led.batch_kinds(batches).values())[0]
    title = f"{year}年{mon}月{things}整改工作月报"
    overview, reporting, rows = _texts(fig, before)
    dates = (
        "完成数按单位报送的完成时间计入所在月份，销号数按销号日期计入，逾期按当日的整改时限计算"
        "（重新整改的任务按新的时限）。"
    )
    out = Path(out_dir) if out_dir else ws.outputs_dir / "月报"
    doc = OfficialDocument(title)
    doc.issuer(ws.setting("office", "name", ""), today)
    doc.heading("总体情况")
    doc.paragraph(overview)
    doc.paragraph(dates)
    if late and late["text"]:
        doc.paragraph(late["text"])
    doc.heading("各单位整改进展")
    doc.paragraph("各牵头单位的任务数、完成和销号情况如下表（按逾期项数排列，逾期多的在前）。")
    doc.table(HEADERS, rows, widths=(44, 14, 16, 16, 16, 16, 18, 16))  # mm across 156
    doc.heading("报送情况")
    doc.paragraph(reporting)
    doc.heading("存在问题和下一步工作")
    doc.placeholder("请在此写明存在的问题、督办措施和下一步工作安排")
    suffix = f"-第{edition}版" if edition is not None else ""
    path = doc.save(child(out, f"整改工作月报-{month}{suffix}.docx"))
    notes = [title, overview, dates, *([late["text"]] if late and late["text"] else []), reporting]
    table = write_table(
        child(out, f"整改工作月报-{month}{suffix}.xlsx"),
        "月报",
        HEADERS,
        rows,
        widths=[28, 8, 9, 9, 9, 9, 10, 9],
        notes=notes,
    )
    return Summary(
        {
            "title": title,
            "month": month,
            "as_of": fig["as_of"],
            "overview": overview,
            "reporting": reporting,
            "figures": {k: v for k, v in fig.items() if k != "states"},
            "previous": before["total"],
            "late": late,
            "files": {"docx": str(path), "xlsx": str(table)},
        }
    )


def _figures(
    ws: Workspace, month: str, scope: str, batches: Sequence[str], warn: int, today: dt.date, edition: int | None
) -> tuple[dict, dict, dict | None, dt.date]:
    """The month's figures and the previous month's: an earlier edition's as it was, or today's, kept as a
    new edition when they differ from the last one (and what arrived late since, on the same day)."""
    late = None
    with ws.ledger() as led:
        if month_bounds(month)[0] > today:
            raise UsageError(f"{month} 还没有开始（今天是 {today.isoformat()}）。")
        earlier = editions.latest(led, "monthly", month, scope)
        if edition is not None:
            chosen = editions.numbered(led, "monthly", month, scope, edition)
            if chosen is None:
                raise UsageError(f"{month} 的月报没有第{edition}版（已有 {earlier['number'] if earlier else 0} 版）。")
            today = dt.date.fromisoformat(chosen["made_on"])
            fig = monthly(led, month, warn_days=warn, batches=batches, today=today, mark=chosen["event_mark"])
            before = monthly(led, _previous(month), warn_days=warn, batches=batches, mark=chosen["event_mark"])
        else:
            fig = monthly(led, month, warn_days=warn, batches=batches, today=today)
            before = monthly(led, _previous(month), warn_days=warn, batches=batches)
            stored = json.loads(json.dumps(fig, sort_keys=True))
            if earlier is None or earlier["figures"] != stored:
                if earlier is not None and earlier["figures"]["as_of"] == fig["as_of"]:
                    late = _late(led, earlier, fig, dt.date.fromisoformat(fig["as_of"]))
                with led.transaction():
                    editions.remember(led, "monthly", month, scope, today, fig)
    return fig, before, late, today


def _texts(fig: dict, before: dict) -> tuple[str, str, list[list]]:
    """总体情况 (done, closed, overdue against last month), 报送情况, and the table's rows with its total."""
    missing = fig["not_reported"]
    t, b = fig["total"], before["total"]
    overview = (
        f"截至{cn_date(dt.date.fromisoformat(fig['as_of']))}，{t['tasks']}项重点整改任务中，累计完成{t['done']}项、"
        f"占{share_text(t['done'], t['tasks'])}，其中本月新完成{t['done_this_month']}项；累计销号{t['closed']}项，"
        f"其中本月销号{t['closed_this_month']}项；逾期未完成{t['overdue']}项，{_change(t['overdue'], b['overdue'])}。"
    )
    reporting = (
        f"本月未报送整改进展的单位有{len(missing)}个：{'、'.join(missing)}。"
        if missing
        else "各牵头单位本月均已报送整改进展。"
    )
    rows = [[r["unit"], *(r[k] for k in KEYS), "是" if r["reported"] else "否"] for r in fig["units"]]
    rows.append(["合计", *(t[k] for k in KEYS), f"{len(fig['units']) - len(missing)}/{len(fig['units'])}"])
    return overview, reporting, rows
