"""Answers to the citizens who raised each finished item (seed 002's 七个一: "积极答复社会公众…整改情况",
"发一条短信告知工作进展"): a letter per person (one per page of a .docx: what they raised, who
rectified it, what was done and when) and an SMS list for the office's messaging platform, each message
within the platform's length.

The letters go to the person who wrote, so they carry that person's name; what they raised and what was
done are masked like every text that leaves the office (another person's phone may be in it). The SMS
list holds phone numbers: it is marked 内部资料.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rectikit.base import clock
from rectikit.base.errors import NotReadyError
from rectikit.base.names import child, file_part
from rectikit.base.results import Summary
from rectikit.documents import form
from rectikit.documents.builder import OfficialDocument
from rectikit.figures import answers_due
from rectikit.store.workspace import Workspace
from rectikit.text.dates import iso_to_cn
from rectikit.text.masking import mask
from rectikit.text.normalise import mobile_key

SMS_HEADERS = ("编号", "批次", "姓名", "手机号", "短信内容", "字数")
CLAUSE_END = "。；！？;!?\n"


def _clause(text: str, limit: int) -> str:
    """The first clause of ``text``, at most ``limit`` characters (cut with …)."""
    text = " ".join((text or "").split())
    first = next((text[:k] for k, ch in enumerate(text) if ch in CLAUSE_END), text)
    if len(first) <= limit:
        return first
    comma = max(first.rfind(c, 0, limit) for c in "，,、")
    return first[:comma] if comma >= limit // 2 else first[: max(limit - 1, 1)] + "…"


def sms_text(sign: str, raised: str, unit: str, done_on: str, result: str, limit: int) -> str:
    """One message within ``limit`` characters: the result is shortened first, then what was raised, then
    the result is left out; the sign, the unit and the date always stay."""
    when = f"已于{iso_to_cn(done_on)}" if done_on else "已"
    for said, did in ((20, 30), (20, 16), (12, 10), (8, 0), (6, 0)):
        what = f"：{_clause(result, did)}" if did and result else ""
        text = f"【{sign}】您反映的“{_clause(raised, said)}”问题，{unit}{when}整改完成{what}。感谢您的监督！"
        if len(text) <= limit:
            return text
    return text[:limit]


def answers(
    ws: Workspace,
    *,
    batches: Sequence[str] = (),
    today: dt.date | None = None,
    out_dir: Path | None = None,
    dry_run: bool = False,
) -> Summary:
    """Write the answer letters (.docx) and the SMS list (.xlsx) for every finished item with a contact;
    ``dry_run`` counts them and writes nothing."""
    from rectikit.files.xlsxout import write_table

    today = today or clock.today()
    office, place = form.office(ws), form.place(ws)
    sign = str(ws.setting("answer", "sign", "") or office or "").strip() or "整改办"
    limit = int(ws.setting("answer", "sms_chars", 70))
    phone = str(ws.setting("office", "supervision_phone", "") or ws.setting("office", "phone", "") or "")
    with ws.ledger() as led:
        due = answers_due(led, batches, today)
    if not due:
        raise NotReadyError("截至当天还没有整改完成的事项，无需答复。", hint="单位报回“已完成”后再运行。")
    letters, messages, no_contact, not_mobile = _recipients(due, sign, limit)
    res: dict[str, Any] = {
        "today": today.isoformat(),
        "items": len(due),
        "letters": len(letters),
        "messages": len(messages),
        "no_contact": no_contact,
        "not_mobile": not_mobile,
        "files": [],
    }
    if dry_run or not letters:
        return Summary(res)
    out = Path(out_dir) if out_dir else ws.outputs_dir / "答复"
    period = file_part("、".join(dict.fromkeys(t["batch"] for t in due)))
    doc = OfficialDocument("关于您反映问题的答复")
    for k, (t, name) in enumerate(letters):
        if k:
            doc.page_break()
            doc.title("关于您反映问题的答复")
        doc.blank()
        doc.line(f"{name}：" if name else "群众朋友：")
        raised = f"您于{iso_to_cn(t['received_on'])}" if t["received_on"] else "您"
        co = f"会同{t['co_units']}" if t["co_units"] else ""
        did = mask(t["result"] or "") or "已按要求整改"
        when = f"，于{iso_to_cn(t['done_on'])}整改完成" if t["done_on"] else ""
        quoted = mask(t["text"] or "").rstrip("。；！!;.， ")
        doc.paragraph(f"{raised}反映的“{quoted}”问题，经{t['lead_unit']}{co}整改，{did.rstrip('。')}{when}。")
        doc.paragraph(
            f"感谢您对{place or '我们'}工作的关心和支持。如对整改结果有意见，请致电"
            f"{phone or form.fill('监督电话（[office] supervision_phone）')}。"
        )
        doc.blank()
        doc.signature(office, today)
    res["files"].append(str(doc.save(child(out, f"答复-{period}.docx"))))
    if messages:
        res["files"].append(
            str(
                write_table(
                    child(out, f"短信清单-{period}.xlsx"),
                    "短信",
                    SMS_HEADERS,
                    messages,
                    widths=[8, 14, 10, 14, 70, 6],
                    internal=True,
                    title=[f"整改完成告知短信（每条不超过 {limit} 字）"],
                )
            )
        )
    return Summary(res)


def _recipients(due: list[dict], sign: str, limit: int) -> tuple[list, list, list[int], int]:
    """Who gets a letter (everyone named), who gets a text message (a mobile number, the text masked and
    cut to ``limit``), the items with no contact, and the numbers that are not mobiles."""
    letters: list = []
    messages: list = []
    no_contact: list[int] = []
    not_mobile = 0
    for t in due:
        if not t["people"]:
            no_contact.append(t["id"])
        for name, number in t["people"]:
            letters.append((t, name))
            key = mobile_key(number)
            if key:
                text = sms_text(
                    sign, mask(t["text"] or ""), t["lead_unit"], t["done_on"] or "", mask(t["result"] or ""), limit
                )
                messages.append((t["seq"] or t["id"], t["batch"], name, key, text, len(text)))
            elif number:
                not_mobile += 1
    return letters, messages, no_contact, not_mobile
