"""The rectification plan (整改方案) draft, in the shape of seed 001: the 印发通知
that issues it (版头, 发文字号, 主送, "经……同意，现将……印发给你们", signature),
then the plan on its own page, its annex list and the 版记.

What the ledger knows is written out: how many opinions came back, from
which sources in file order ("其中：城乡居民……141条；……"), the areas they
touch, how many became key tasks, and the two annexes, rendered beside the
plan. What the office decides — the guiding thought, the goals — is left as
marked places to write; the place, the 版头, 主送, 抄送, the basis, the stage
periods and the dates come from rectikit.toml (``[office]``, ``[documents]``,
``[plan]``), or are left marked when not set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import NotReadyError
from rectikit.base.names import child, file_part
from rectikit.base.results import Summary
from rectikit.documents import form
from rectikit.documents.annexes import render
from rectikit.documents.builder import OfficialDocument
from rectikit.figures import plan_figures
from rectikit.store.workspace import Workspace
from rectikit.text.dates import iso_to_cn
from rectikit.text.masking import mask

STAGES = ("查找问题根源，明确责任主体。", "制定整改方案，推进落实整改。", "加强宣传引导，主动公开回应。")


def _setting(ws: Workspace, key: str, what: str, *, date: bool = False) -> str:
    value = str(ws.setting("plan", key, "") or "").strip()
    if not value:
        return form.fill(what)
    return iso_to_cn(value) if date else value


def counted_sentence(fig: dict, feedback_from: str, place: str = "") -> str:
    """ "自治区反馈我市……共435条。其中：城乡居民……的意见建议141条；……。" from the ledger."""
    merged = f"，经梳理归纳为{fig['items']}条" if fig["items"] != fig["raw_items"] else ""
    text = f"{feedback_from}反馈{form.we(place)}{fig['period']}社会评价群众意见建议共{fig['raw_items']}条{merged}。"
    named = [s for s in fig["sources"] if s["source"] != fig["unknown"]]
    if named:
        parts = [f"{mask(s['source'])}的意见建议{s['raw_items']}条" for s in fig["sources"]]  # a typed label: masked
        text += "其中：" + "；".join(parts) + "。"
    return text


def areas_sentence(categories: Sequence[str], more: bool) -> str:
    """ "所提意见建议涉及教育、医疗……等方面的问题。" (empty before classification)."""
    if not categories:
        return ""
    return f"所提意见建议涉及{'、'.join(categories)}{'等' if more else ''}方面的问题。"


def plan(
    ws: Workspace, *, batches: Sequence[str] = (), today: dt.date | None = None, out_dir: Path | None = None
) -> Summary:
    """Write the plan draft with the notice that issues it (.docx) and its two annexes (.xlsx and .docx)."""
    today = today or clock.today()
    out = Path(out_dir) if out_dir else ws.outputs_dir / "整改方案"
    office, place = form.office(ws), form.place(ws, or_office=False)
    with ws.ledger() as led:
        fig = plan_figures(led, batches)
    if not fig["raw_items"]:
        raise NotReadyError("台账中没有意见建议，无法起草整改方案。", hint="先运行 rectikit import 导入意见建议。")
    feedback_from = form.feedback_from(ws)
    given = str(ws.setting("plan", "feedback_from", "") or "").strip()
    period = fig["period"]
    title = str(
        ws.setting("plan", "title", "")
        or f"{given + '反馈' if given else ''}{period}社会评价{place}群众意见建议的整改方案"
    )
    annexes = _annexes(ws, out, fig, today)
    key_sentence = (
        (
            f"经责任分解，梳理归纳，将符合整改条件的{fig['key_tasks']}项具体意见建议作为重点整改任务，"
            f"形成了《{annexes[0]['title']}》（详见附件1）。"
        )
        if fig["key_tasks"]
        else form.fill("重点整改任务的确定情况（尚未选出重点整改任务，可运行 rectikit classify）")
    )
    content = (
        counted_sentence(fig, feedback_from, place)
        + areas_sentence(fig["categories"], fig["more_areas"])
        + key_sentence
    )

    doc = OfficialDocument(
        f"{office or form.fill('发文机关')}关于印发《{title}》的通知",
        head=form.head(ws),
        to=form.setting(ws, "plan", "to", "主送机关"),
    )
    approved = form.setting(ws, "plan", "approved_by", "审定机构")
    doc.paragraph(f"经{approved}同意，现将《{title}》印发给你们，请结合实际，认真抓好贯彻落实。")
    doc.blank()
    doc.blank()
    doc.signature(office, today)
    doc.page_break()
    doc.title(title)
    doc.blank()
    doc.paragraph(
        f"根据{form.basis(ws, 'plan')}精神，为加快推进{feedback_from}反馈{period}社会评价{form.we(place)}"
        "群众意见建议问题整改工作，以整改实效增强人民群众的获得感、幸福感、安全感，不断提高群众满意度，"
        f"结合{form.we(place)}实际，制定本方案。"
    )
    doc.heading("指导思想")
    doc.placeholder("请在此写明指导思想")
    doc.heading("整改目标")
    doc.placeholder("请在此写明整改目标")
    doc.heading("整改内容")
    doc.paragraph(content)
    _stages(doc, ws, office, annexes)
    _requirements(doc, ws)
    doc.blank()
    doc.attachments([a["title"] for a in annexes])
    doc.imprint(form.setting(ws, "plan", "cc", "抄送机关（无则删去此行）"), form.printer(ws), today)
    path = doc.save(child(out, f"整改方案-{file_part(period)}.docx"))
    return Summary({"title": title, "path": str(path), "content": content, "figures": fig, "annexes": annexes})


def _annexes(ws: Workspace, out: Path, fig: dict, today: dt.date) -> list[dict]:
    """附件1 and 附件2 rendered beside the plan, each with its number, title and files."""
    annexes = []
    for number, annex in ((1, "annex1"), (2, "annex2")):
        done = render(
            ws,
            annex,
            out_dir=out,
            batches=fig["batches"],
            number=str(number),
            today=today,
            stem=f"附件{number}-{fig['period']}",
        )
        annexes.append({"number": number, "title": done["title"], "files": done["files"]})
    return annexes


def _stages(doc: OfficialDocument, ws: Workspace, office: str, annexes: list[dict]) -> None:
    """组织实施: the three stages, with the periods and dates the office set (or marked to fill in)."""
    doc.heading("组织实施")
    stages = [str(x) for x in ws.setting("documents", "plan_stages", [])]
    periods = [
        f"（{stages[k]}）" if k < len(stages) else form.fill("时段，如2020年5月至6月") for k in range(len(STAGES))
    ]
    doc.heading(STAGES[0] + periods[0], level=2)
    doc.paragraph(
        "各级各部门要认真对照反馈的群众意见建议，梳理归纳，结合本单位实际，深入走访排查，查找问题根源，"
        "明确责任主体、整改时限和责任人，多措并举落实整改，确保整改工作可量化、可检验、出实效。"
        "对建设性且指向明确的意见建议，逐条逐项落实，做到立行立改；对提出具体困难的，及时回访，予以帮助；"
        "对政策性和法律法规方面的，及时解读说明；对个人诉求、泄愤的，及时引导化解。"
    )
    doc.heading(STAGES[1] + periods[1], level=2)
    doc.paragraph(
        f"各责任单位要按照有可以量化的阶段性目标、有推进工作的路线图、有完成任务的时间表、有明确具体的责任主体、"
        f"有可以核验的成果形成的标准制定整改方案，明确整改措施、整改时限、责任科室和责任人。"
        f"整改方案于{_setting(ws, 'platform_due', '平台填报截止日期', date=True)}前在平台上填报，"
        f"盖章电子版于{_setting(ws, 'stamped_copy_due', '盖章电子版报送日期', date=True)}前报{office or '本单位'}备案。"
    )
    doc.heading(STAGES[2] + periods[2], level=2)
    doc.paragraph(
        f"各级各部门要全程做好公示公开，主动回应群众关切。各责任单位要认真做好整改工作总结，"
        f"于{_setting(ws, 'annex2_due', '附件2报送日期', date=True)}前填报《{annexes[1]['title']}》"
        "（详见附件2）。"
    )


def _requirements(doc: OfficialDocument, ws: Workspace) -> None:
    """工作要求: leadership, focus, supervision, and when progress is reported each month."""
    doc.heading("工作要求")
    day = ws.setting("plan", "monthly_report_day", "")
    monthly = f"每月{int(day)}日前报送上月整改进展" if str(day).strip().isdigit() else form.fill("每月报送进展的日期")
    doc.heading("加强领导，压实责任。", level=2)
    doc.paragraph("主要领导亲自抓，分管领导具体抓，把整改事项分解落实到责任科室和责任人。")
    doc.heading("突出重点，务求实效。", level=2)
    doc.paragraph("整改目标紧扣问题，举措突出重点，让群众可感知、可把握、可监督。")
    doc.heading("强化监督，狠抓落实。", level=2)
    doc.paragraph(f"坚持主要领导每月一过问、分管领导每月一审核、责任科室每月一报告，{monthly}，狠抓整改完成销号。")
