"""The investigation report of one item (整改调查报告), in seed 000's nine
sections: the item, when and who, where, whom, how, the process, the
findings, the plan and the evidence — each unit's part under its name, lead
unit first. A section no unit has reported is left marked for the office.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import NotFoundError
from rectikit.base.names import child, file_part
from rectikit.base.results import Summary
from rectikit.documents import form
from rectikit.documents.builder import OfficialDocument
from rectikit.figures import investigation
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date, iso_to_cn
from rectikit.text.masking import mask


def _said(field: str, value: str) -> str:
    """A reported value as a document prints it: dates in Chinese (2021年5月9日), text masked."""
    return iso_to_cn(value) if field == "inquired_on" else mask(value)


# heading, the fields it shows (label, field)
SECTIONS = [
    ("调查时间及人员", (("调查时间", "inquired_on"), ("调查人员", "people"))),
    ("调查地点", (("", "places"),)),
    ("调查对象", (("", "subjects"),)),
    ("调查方式", (("", "methods"),)),
    ("调查过程", (("", "process"),)),
    ("调查结果", (("", "result"),)),
    ("工作计划", (("", "plan"),)),
    ("调查佐证材料清单", (("", "evidence"),)),
]


def investigation_reports(
    ws: Workspace, item_ids: Sequence[int], *, today: dt.date | None = None, out_dir: Path | None = None
) -> Summary:
    """One .docx per item from what the units reported."""
    today = today or clock.today()
    office = ws.setting("office", "name", "")
    basis = form.basis(ws, "investigation")
    out = Path(out_dir) if out_dir else ws.outputs_dir / "调查报告"
    with ws.ledger() as led:
        found = {i: investigation(led, i) for i in item_ids}
        kinds = led.batch_kinds()
    missing = [str(i) for i, f in found.items() if f is None]
    if missing:
        raise NotFoundError(f"台账中没有编号 {'、'.join(missing)} 的条目（或已并入其他条目）。")
    files = {}
    for item_id, fig in found.items():
        if fig is None:  # none left: refused above
            continue
        it, parts, silent = fig["item"], fig["parts"], fig["silent"]
        number = it["seq"] or item_id
        things = "社会评价意见建议" if kinds.get(it["batch"]) in ("社会评价", None) else "群众诉求"
        doc = OfficialDocument(f"{office}对{it['batch']}第{number}项{things}整改调查报告")
        doc.blank()
        doc.paragraph(
            f"根据{basis}要求，我们高度重视，专项研究{it['batch']}{things}整改工作，开展调查研究。调查情况报告如下："
        )
        doc.heading("整改事项")
        doc.paragraph(f"第{number}项：“{mask(it['text'] or '')}”")
        for heading, fields in SECTIONS:
            doc.heading(heading)
            said = [(p, [(label, f, p[f]) for label, f in fields if p[f]]) for p in parts]
            said = [(p, shown) for p, shown in said if shown]
            if not said:
                doc.placeholder(f"尚无单位报送{heading}，请补充")
            for p, shown in said:
                text = "；".join(f"{label}：{_said(f, v)}" if label else mask(v) for label, f, v in shown)
                lead = f"{p['unit']}（{p['role']}）" if len(parts) > 1 else p["unit"]
                doc.paragraph(
                    f"{lead}：{text}"
                    if heading != "调查过程"
                    else f"针对群众反映的问题，{p['unit']}组织相关工作人员进行调查：{mask(p['process'])}"
                )
        if silent:  # a unit asked to look into the item that has said nothing is named, not passed over
            doc.paragraph(f"截至{cn_date(today)}，{'、'.join(silent)}未报送调查情况。")
        doc.blank()
        doc.signature(office, today)
        name = file_part(f"调查报告-{it['batch']}-第{number}项")
        files[item_id] = str(doc.save(child(out, f"{name}.docx")))
    return Summary({"files": files})
