"""The analysis report (分析报告) in seed 004's order: the 呈报 line and the
opening sentence, then 一、办件综述 — the totals, whether the units returned on
time, and each statistic as its part (region, the townships that raised most,
category, unit, nature, the trend, how rectification stands, satisfaction),
each a sentence, a table and a native chart Word and WPS can edit ("如下图") —
二、领导批示情况 for the office, 三、存在问题 drafted from the figures (what the
leading categories hold, by nature and county; money not paid out) with room
for more, 四、原因分析 and 五、工作建议 for the office. The figures come from
:func:`rectikit.figures.overview`; the tables behind the charts go to an
.xlsx beside the .docx. A part with nothing to say is left out and the report
says why; a part over fewer than all items names its base.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import NotReadyError, UsageError
from rectikit.base.names import child, file_part
from rectikit.documents import form
from rectikit.documents.wording import listing, share_text, with_shares
from rectikit.figures import LIGHTS, SATISFACTION, UNKNOWN, most, overview, top_n
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date
from rectikit.text.masking import mask

# Kept importable from here: tests and scripts print shares as the report does.
__all__ = ["Analysis", "Section", "analyse", "share_text", "write_docx"]
from rectikit.documents.analysisdoc import Analysis, Section, write_docx, write_tables

ROUNDINGS = {"cut": "cut", "截取": "cut", "round": "round", "四舍五入": "round"}

REGIONS = {
    "auto": "auto",
    "自动": "auto",
    "县": "county",
    "county": "county",
    "乡镇": "township",
    "township": "township",
}

_LABELLED = ("by_county", "by_township", "by_category", "by_unit", "by_nature", "by_status")


def _public(fig: dict) -> dict:
    """The report is public: every label people typed (a county, a township, a category, a unit, a
    nature, a status — someone may have put a phone or a name there) is masked like free text, in the
    text, the tables and the charts' data alike."""

    def masked(rows):
        return [(mask(str(name)), n) for name, n in rows]

    fig = {**fig, **{k: masked(fig[k]) for k in _LABELLED}}
    fig["top_townships"] = {**fig["top_townships"], "rows": masked(fig["top_townships"]["rows"])}
    fig["nature_by_county"] = {mask(str(nature)): masked(rows) for nature, rows in fig["nature_by_county"].items()}
    fig["category_detail"] = [
        {**d, "category": mask(str(d["category"])), "natures": masked(d["natures"]), "counties": masked(d["counties"])}
        for d in fig["category_detail"]
    ]
    fig["money"] = {**fig["money"], "by_category": masked(fig["money"]["by_category"])}
    fig["timeliness"] = {
        **fig["timeliness"],
        "late": [(mask(str(u)), d) for u, d in fig["timeliness"]["late"]],
        "missing": [mask(str(u)) for u in fig["timeliness"]["missing"]],
    }
    return fig


def _named(rows: Sequence[tuple[str, int, str]], top: dict, what: str, unit: str = "件") -> str:
    """A ranked list as an office writes it: the names, then those tied at the cut said together."""
    text = "，".join(f"{n}（{p}）" for n, _, p in rows)
    if top["tied"]:
        text += f"{'，' if text else ''}以及{top['tied']}个{what}各 {top['tied_each']} {unit}"
    return text


def analyse(
    ws: Workspace,
    *,
    batches: Sequence[str] = (),
    today: dt.date | None = None,
    out: Path | None = None,
    top_townships: int = 10,
    rounding: str = "cut",
    charts: bool = True,
) -> Analysis:
    """Write the report on the working items of the chosen batches (all by default) as .docx, and its tables as .xlsx."""
    if rounding not in ROUNDINGS:
        raise UsageError("占比的取法应为 cut（截取）或 round（四舍五入）。")
    rounding = ROUNDINGS[rounding]
    region = REGIONS.get(str(ws.setting("analysis", "region", "auto")).strip())
    if region is None:
        raise UsageError("[analysis] region 应为 自动、县 或 乡镇。")
    today = today or clock.today()
    warn = int(ws.setting("tracking", "warn_days", 10))
    with ws.ledger() as led:
        fig = _public(overview(led, batches, today, warn_days=warn, top_townships=top_townships))
    if not fig["items"]:
        raise NotReadyError("台账中没有可分析的条目。", hint="先运行 rectikit import 导入意见建议。")
    total = fig["items"]
    period = "、".join(fig["batches"])
    things, measure = form.speak_of(fig["kinds"].values())
    kind = {"群众诉求": "hotline", "群众意见建议和诉求": "mixed"}.get(things, "")
    things = things.removeprefix("社会评价")  # "社会评价" is said once, in the title
    opening = _opening(fig, period, things, measure, kind, rounding)
    office = form.office(ws)
    place = form.place(ws, or_office=False)
    res = Analysis(
        title=f"{place}{period}{'群众诉求办理' if kind == 'hotline' else '社会评价' + things + '整改'}情况分析报告",
        office=office,
        today=today.isoformat(),
        total_raw=fig["raw_items"],
        total=total,
        key_tasks=fig["key_tasks"],
        overview=opening,
        to=form.setting(ws, "analysis", "to", "呈报对象"),
        opening=(
            f"根据{form.basis(ws, 'analysis')}要求，{office or form.fill('本单位')}对{period}{things}"
            f"{'办理' if kind == 'hotline' else '整改'}情况进行了跟踪分析，现将有关情况报告如下。"
        ),
    )
    see = "如下图：" if charts else ""

    def shares(counts, of):
        return with_shares(counts, of, rounding)

    _region(res, fig, ws, region, total, shares, see, top_townships)
    rows = shares(fig["by_category"], total)
    several = "（一件涉及多个类别的分别计入）" if sum(n for _, n, _ in rows) > total else ""
    res.sections.append(
        Section("事项分类", f"从事项分类来看{several}，涉及{listing(rows)}。{see}", rows, "bar", "事项分类")
    )
    _by_unit(res, fig, total, shares, see)
    _by_nature(res, fig, total, shares, see)
    _trend(res, fig, shares, see)
    if fig["by_status"]:
        of = sum(n for _, n in fig["by_status"])
        rows = shares(fig["by_status"], of)
        base = f"注明办理状态的 {of} 件中，" if of < total else ""
        res.sections.append(
            Section("办理情况", f"从办理状态来看，{base}{listing(rows)}。{see}", rows, "pie", "办理状态")
        )
    _progress(res, fig["progress"], today, rounding, shares, see)
    res.sections.extend(_satisfaction(fig["satisfaction"], fig["callback"], rounding, see))
    res.problems = _problems(fig, total, rounding)
    if not charts:
        for s in res.sections:
            s.chart = ""
    folder = ws.outputs_dir
    path = ws.output_file(out, child(folder, f"分析报告-{file_part(period)}.docx"), (".docx",))
    res.path = str(write_docx(res, path))
    res.tables = str(write_tables(res, path.with_suffix(".xlsx")))
    return res


def _opening(fig: dict, period: str, things: str, measure: str, kind: str, rounding: str) -> str:
    """办件综述's first paragraph: how many came in, merged to how many, key tasks, against the last
    period, and whether the units returned their sheets on time."""
    total = fig["items"]
    merged = f"，经梳理归纳为 {total} {measure}" if total != fig["raw_items"] else ""
    key = f"，其中 {fig['key_tasks']} 项列为重点整改任务" if fig["key_tasks"] else ""
    verb = "受理" if kind == "hotline" else "收到"
    opening = f"{period}共{verb}{things} {fig['raw_items']} {measure}{merged}{key}。"
    if fig["previous"] and fig["previous"]["raw_items"]:
        before, now_ = fig["previous"]["raw_items"], fig["raw_items"]
        change = (
            "持平"
            if now_ == before
            else (
                f"{'增加' if now_ > before else '减少'} {abs(now_ - before)} "
                f"{measure}、{share_text(abs(now_ - before), before, rounding)}"
            )
        )
        opening += f"与上期（{fig['previous']['batch']}，{before} {measure}）相比{change}。"
    opening += _on_time(fig["timeliness"])
    return opening


def _by_unit(res: Analysis, fig: dict, total: int, shares, see: str) -> None:
    """承办单位 as the file gave them, or 责任单位 as the tasks were assigned."""
    if fig["by_unit"]:
        of = fig["units_items"]
        rows = shares(fig["by_unit"], of)
        if fig["units_from"] == "file":
            several = "（一件涉及多个单位的分别计入）" if sum(n for _, n, _ in rows) > of else ""
            base = f"注明承办单位的 {of} 件中，" if of < total else ""
            res.sections.append(
                Section("承办单位", f"从承办单位来看{several}，{base}{listing(rows)}。{see}", rows, "bar", "承办单位")
            )
        else:
            res.sections.append(
                Section(
                    "责任单位", f"已分解的 {of} 项任务中，牵头单位为{listing(rows)}。{see}", rows, "bar", "牵头单位"
                )
            )


def _by_nature(res: Analysis, fig: dict, total: int, shares, see: str) -> None:
    """问题性质, with the counties where each is most reported."""
    if fig["by_nature"]:
        of = fig["nature_items"]
        rows = shares(fig["by_nature"], of)
        base = f"注明问题性质的 {of} 件中，" if of < total else ""
        res.sections.append(
            Section("问题性质", f"从问题性质来看，{base}{listing(rows)}。{see}", rows, "bar", "问题性质")
        )
        where = []
        for nature, counties in fig["nature_by_county"].items():
            top = top_n(counties, 3)
            if top["rows"]:
                where.append(
                    f"{nature}主要在{'、'.join(f'{c}（{k}件）' for c, k in top['rows'])}"
                    + (f"等{len(top['rows']) + top['tied']}个县（市、区）" if top["tied"] else "")
                )
        if where:
            res.sections[-1].sentence += f"分县（市、区）看，{'；'.join(where)}。"


def _progress(res: Analysis, p: dict, today: dt.date, rounding: str, shares, see: str) -> None:
    """整改进度 on the day: done, closed out, overdue, due soon, long-term."""
    if p["tasks"]:
        rows = shares([(name, p["lights"][name]) for name in LIGHTS if name in p["lights"]], p["tasks"])
        res.sections.append(
            Section(
                "整改进度",
                f"截至{cn_date(today)}，已分解的 {p['tasks']} 项任务中，已完成 {p['done']} 项、占 "
                f"{share_text(p['done'], p['tasks'], rounding)}（其中已销号 {p['closed']} 项），逾期未完成 {p['overdue']} 项，"
                f"临近整改时限 {p['due_soon']} 项，长期坚持 {p['long_term']} 项。{see}",
                rows,
                "column",
                "整改进度",
            )
        )


def _on_time(t: dict) -> str:
    """Whether the units returned their task sheets by the day asked, as seed 004 says it."""
    if not t["sheets"]:
        return ""
    if t["on_time"] == t["sheets"]:
        return f"交办的 {t['sheets']} 份整改任务表均按时报回，未出现迟报漏报情况。"
    parts = [f"{t['on_time']} 份按时报回"]
    if t["late"]:
        parts.append(f"迟报 {len(t['late'])} 份（{_few([f'{u}晚 {d} 天' for u, d in t['late']])}）")
    if t["missing"]:
        parts.append(f"逾期未报 {len(t['missing'])} 份（{_few(t['missing'])}）")
    return f"交办的 {t['sheets']} 份整改任务表中，" + "，".join(parts) + "。"


def _few(names: Sequence[str], n: int = 5) -> str:
    """At most ``n`` names, then 等: a sentence, not a directory."""
    return "、".join(names[:n]) + (f"等 {len(names)} 个" if len(names) > n else "")


def _region(res: Analysis, fig: dict, ws: Workspace, region: str, total: int, shares, see: str, top: int) -> None:
    """区域分布 by county, or by township for a county office's list (no county column, or set so); left
    out with a note when neither is known, never a table of 未注明."""
    known_counties = [r for r in fig["by_county"] if r[0] != UNKNOWN]
    if region == "township" or (region == "auto" and not known_counties):
        towns = fig["by_township"]
        if not towns:
            res.notes.append("清单未注明县（市、区）和乡（镇、街道），未作区域分析。")
            return
        of = sum(n for _, n in towns)
        shown = top_n(towns, top)
        rows = shares(shown["rows"], total)
        base = f"注明乡（镇、街道）的 {of} 件中，" if of < total else ""
        res.sections.append(
            Section(
                "区域分布",
                f"从区域分布来看，{base}共有 {len(towns)} 个乡（镇、街道）的群众反映了问题，"
                f"{_named(rows, shown, '乡（镇、街道）')}。{see}",
                rows,
                "bar",
                "各乡（镇、街道）分布",
            )
        )
        return
    listed = [c for c in ws.setting("analysis", "counties", []) if c not in dict(fig["by_county"])]
    rows = shares(fig["by_county"] + [(c, 0) for c in listed], total)  # a configured county with none is said too
    res.sections.append(
        Section("区域分布", f"从区域分布来看，{listing(rows)}。{see}", rows, "pie", "各县（市、区）分布")
    )
    shown = top_n(fig["by_township"], top)
    if shown["rows"]:
        rows = shares(shown["rows"], total)
        n = len(shown["rows"])
        res.sections.append(
            Section(
                f"反映量居前{n}位的乡（镇、街道）",
                f"共有 {fig['townships']} 个乡（镇、街道）的群众反映了问题，反映量居前 {n} 位的是："
                f"{_named(rows, shown, '乡（镇、街道）')}。{see}",
                rows,
                "bar",
                f"反映量居前{n}位的乡（镇、街道）",
            )
        )


def _trend(res: Analysis, fig: dict, shares, see: str) -> None:
    """The trend at the grain the span calls for, its peak (all tied named) and the change from the period
    before (环比) and the same period a year before (同比); items without a date are counted and said."""
    periods, grain = fig["by_period"], fig["grain"]
    undated = f"另有 {fig['undated']} 件未注明反映时间。" if fig["undated"] else ""
    if len(periods) < 2:
        if undated:
            res.notes.append(undated)
        return
    dated = sum(n for _, n in periods)
    rows = shares(periods, dated)
    peaks = most(periods)
    peak_n = max(n for _, n in periods)
    text = (
        f"从反映时间来看，{periods[0][0]}至{periods[-1][0]}共 {len(periods)} {'年' if grain == '年' else '个' + grain}，"
        f"{'、'.join(peaks)}最多（{'各' if len(peaks) > 1 else ''}{peak_n} 件）"
    )
    (last, n_last), n_prev = periods[-1], periods[-2][1]
    text += f"；{last} {n_last} 件，环比{_change(n_last, n_prev)}"
    per_year = {"月": 12, "季度": 4, "年": 1}[grain]
    if len(periods) > per_year and grain != "年":
        text += f"，同比{_change(n_last, periods[-1 - per_year][1])}"
    res.sections.append(Section("反映趋势", f"{text}。{undated}{see}", rows, "line", f"各{grain}反映量"))


def _change(now: int, before: int) -> str:
    if now == before:
        return "持平"
    if not before:
        return f"增加 {now} 件"
    return f"{'增长' if now > before else '下降'} {share_text(abs(now - before), before)}"


def _problems(fig: dict, total: int, rounding: str) -> list[Section]:
    """三、存在问题 as far as the figures go: each leading category with its natures and counties (over the
    category's items), and money not paid out by category (seed 004 (二)、(四))."""
    out = []
    for k, d in enumerate(fig["category_detail"]):
        n = d["items"]
        if n < 2:
            continue
        text = f"{total} 件中，涉及{d['category']}的 {n} 件、占 {share_text(n, total, rounding)}。"
        natures = top_n(d["natures"], 3)
        if natures["rows"]:
            text += (
                "其中，"
                + "；".join(f"{name} {c} 件、占 {share_text(c, n, rounding)}" for name, c in natures["rows"])
                + "。"
            )
        counties = top_n(d["counties"], 4)
        if counties["rows"]:
            text += (
                "分县（市、区）看，"
                + "、".join(f"{c}（{share_text(m, n, rounding)}）" for c, m in counties["rows"])
                + f"{'等' if counties['tied'] else ''}的群众在{d['category']}方面反映较多。"
            )
        out.append(Section(f"{d['category']}方面问题{'较为突出' if k == 0 else '较多'}。", text))
    money = fig["money"]
    if money["items"] >= 2:
        top = top_n(money["by_category"], 3)
        text = (
            f"{total} 件中，反映资金、补助未兑现或发放不及时的 {money['items']} 件、占 "
            f"{share_text(money['items'], total, rounding)}。"
        )
        if top["rows"]:
            text += "其中反映量居前的是" + "、".join(f"{c}（{m} 件）" for c, m in top["rows"]) + "。"
        out.append(Section("反映资金兑现不及时的问题偏多。", text))
    return out


def _satisfaction(reported: dict, callback: dict, rounding: str, see: str) -> list[Section]:
    """Seed 004's satisfaction paragraph: what units reported beside what the
    callback found, each share with its denominator said."""
    pies: list[tuple[str, list]] = []  # caption, rows
    parts = []
    if reported["total"]:
        rows = with_shares([(k, reported[k]) for k in SATISFACTION if reported[k]], reported["total"], rounding)
        parts.append("各单位上报时，群众表示" + "，".join(f"{k}的 {n} 件、占 {share}" for k, n, share in rows))
        pies.append(("上报满意度", rows))
    if callback["called"]:
        reached, called = callback["reached"], callback["called"]
        said = [(k, callback[k]) for k in SATISFACTION if callback[k]]
        detail = "，".join(
            f"{k} {n} 件、占联系上的 {share_text(n, reached, rounding)}、占回访的 {share_text(n, called, rounding)}"
            for k, n in said
        )
        reasons = "、".join(r for r, _ in callback["reasons"][:3])
        text = (
            f"回访 {called} 件，联系上 {reached} 件、占 {share_text(reached, called, rounding)}"
            + (f"，其中{detail}" if detail else "")
            + (f"；因{reasons}等原因未完成回访的 {callback['unreached']} 件" if callback["unreached"] else "")
        )
        parts.append(text)
        rows = with_shares(
            [*said, ("未联系上", callback["unreached"])] if callback["unreached"] else said, called, rounding
        )
        pies.append(("回访结果", rows))
    if not pies:
        return []
    sentence = "从满意度来看，" + "；".join(parts) + f"。{see}"
    (caption, rows), *rest = pies
    return [
        Section("满意度", sentence, rows, "pie", caption),
        *[Section(f"满意度（{caption}）", "", rows, "pie", caption) for caption, rows in rest],
    ]
