"""Commands that write documents: render (annexes), analyse, notice."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from rectikit.cli.common import (
    BatchesOpt,
    Command,
    TodayOpt,
    app,
    date_option,
    emit,
    err,
    say,
    shared_options,
    show_path,
    sub_app,
    table,
    working,
    workspace_of,
)


@app.command("render", cls=Command, help="生成附件：附件1 整改任务清单、附件2 整改完成情况一览表（.xlsx、.docx）。")
@shared_options
def render_cmd(
    annex: Annotated[str, typer.Argument(help="附件1 或 附件2（也可写 annex1、annex2）。", metavar="附件")],
    formats: Annotated[str, typer.Option("--format", help="输出格式，逗号分隔：xlsx,docx。")] = "xlsx,docx",
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区的“输出”文件夹。")] = None,
    include_all: Annotated[bool, typer.Option("--all", help="列出所有条目（默认只列重点整改任务）。")] = False,
    group_by: Annotated[
        Optional[str],
        typer.Option("--group-by", help="分组：领域、牵头单位、县区（也可写 category、lead_unit、county）。"),
    ] = None,
    numbering: Annotated[str, typer.Option("--numbering", help="编号：连续，或每组（每组重新编号）。")] = "连续",
    batch: BatchesOpt = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.documents.annexes import render

    with working("正在生成附件…"):
        res = render(
            workspace_of(),
            annex,
            formats=[f.strip() for f in formats.split(",") if f.strip()],
            out_dir=out,
            key_only=not include_all,
            group_by=group_by,
            numbering=numbering,
            batches=batch or [],
        )
    say(("已生成", "green"), f" {res['title']}（{res['rows']} 项）")
    for path in res["files"].values():
        show_path("  ", path)
    emit(res)


@app.command(
    "analyse",
    cls=Command,
    help="分析报告（.docx，附图表数据 .xlsx）：区域分布、反映量居前的乡镇、事项分类、责任单位、月度趋势、整改进度，每节一段文字、一张表和一幅可在 Word/WPS 中编辑的图表；领导批示、存在问题、原因分析、工作建议留给本单位填写。",
)
@shared_options
def analyse_cmd(
    out: Annotated[Optional[Path], typer.Option("--out", help="报告文件（.docx）；默认工作区“输出”文件夹。")] = None,
    rounding: Annotated[
        str,
        typer.Option(
            "--rounding",
            help="占比取一位小数的方法：截取（默认，与范文相同）或 四舍五入（也可写 cut、round）。",
            metavar="方法",
        ),
    ] = "截取",
    no_charts: Annotated[bool, typer.Option("--no-charts", help="不插入图表。")] = False,
    batch: BatchesOpt = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.documents.analysis import analyse

    with working("正在生成分析报告…"):
        res = analyse(
            workspace_of(),
            batches=batch or [],
            today=date_option(today, "--today"),
            out=out,
            rounding=rounding,
            charts=not no_charts,
        )
    err.print(res.overview)
    for s in res.sections:
        say((s.heading, "bold"), f"：{s.sentence}")
    say(("已生成", "green"))
    show_path("  ", res.path)
    show_path("  图表数据：", res.tables)
    emit(res)


@app.command(
    "notice",
    cls=Command,
    help="整改情况公示（.docx）：开头的数字由台账算出，正文三部分留给本单位填写；每个批次附一份整改完成情况一览表（已遮盖个人信息）。",
)
@shared_options
def notice_cmd(
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区“输出/公示”。")] = None,
    include_all: Annotated[bool, typer.Option("--all", help="附件列出所有条目（默认只列重点整改任务）。")] = False,
    batch: BatchesOpt = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.documents.notice import notice

    with working("正在生成公示…"):
        res = notice(
            workspace_of(),
            batches=batch or [],
            today=date_option(today, "--today"),
            out_dir=out,
            include_all=include_all,
        )
    err.print(res["opening"])
    say(("已生成", "green"))
    show_path("  ", res["path"])
    for a in res["attachments"]:
        err.print(f"  附件{a['number']}：{a['files']['docx']}")
    emit(res)


@app.command(
    "plan",
    cls=Command,
    help="整改方案初稿（.docx）：整改内容一段由台账算出（总条数、各来源条数、涉及方面、重点任务数），附件1、附件2 一并生成；指导思想等留给本单位填写。",
)
@shared_options
def plan_cmd(
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区“输出/整改方案”。")] = None,
    batch: BatchesOpt = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.documents.plan import plan

    with working("正在起草整改方案…"):
        res = plan(workspace_of(), batches=batch or [], today=date_option(today, "--today"), out_dir=out)
    err.print(res["content"])
    say(("已生成", "green"))
    show_path("  ", res["path"])
    for a in res["annexes"]:
        show_path(f"  附件{a['number']}：", a["files"]["docx"])
    emit({k: v for k, v in res.items() if k != "figures"} | {"figures": res["figures"]})


report_app = sub_app("report", "报告：monthly 整改工作月报，investigation 整改事项调查报告，upstream 向上级报送。")


@report_app.command(
    "monthly",
    cls=Command,
    help="整改工作月报（.docx 给领导看，另附同样内容的 .xlsx）：本月新完成、累计完成、销号、逾期，未报送的单位，与上月对比。",
)
@shared_options
def monthly_cmd(
    month: Annotated[
        Optional[str], typer.Option("--month", help="哪个月，如 2020-10；默认本月。", metavar="年-月")
    ] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区“输出/月报”。")] = None,
    batch: BatchesOpt = None,
    edition: Annotated[
        Optional[int],
        typer.Option(
            "--edition",
            help="重新生成该月月报的第几版（与当时生成的完全相同）；默认按台账现有信息生成，与上一版不同时写明哪些任务因后来补报的信息而变化。",
            metavar="版次",
        ),
    ] = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.documents.monthly import monthly_report

    with working("正在生成月报…"):
        res = monthly_report(
            workspace_of(),
            month=month,
            batches=batch or [],
            out_dir=out,
            today=date_option(today, "--today"),
            edition=edition,
        )
    err.print(res["overview"])
    if res["late"] and res["late"]["text"]:
        say(("补报：", "yellow"), res["late"]["text"])
    err.print(res["reporting"])
    say(("已生成", "green"))
    for path in res["files"].values():
        show_path("  ", path)
    emit(res)


@report_app.command(
    "upstream",
    cls=Command,
    help="向上级报送：把上级发来的整改任务交办表（最新一轮）按本单位台账填好"
    "整改进展、成效、完成时间、佐证材料，原表的标识和上级填写的列不变，上级用 rectikit collect 直接导入。",
)
@shared_options
def upstream_cmd(
    batch_name: Annotated[str, typer.Argument(help="从上级交办表导入的批次。", metavar="批次")],
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区“输出/上报”。")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出与上级表中已有内容不同的编号，不写文件。")] = False,
    today: TodayOpt = None,
) -> None:
    from rectikit.steps.upstream import report_up

    with working("正在填写上报表…"):
        res = report_up(workspace_of(), batch_name, today=date_option(today, "--today"), out_dir=out, dry_run=dry_run)
    for name, numbers in res.changes.items():
        err.print(
            f"{name}：{len(numbers)} 项有新的进展"
            + (f"（编号 {'、'.join(map(str, numbers[:20]))}）" if numbers else "")
        )
    if not dry_run:
        say(("已生成", "green"), "，请原样报回上级：")
        for path in res.files:
            show_path("  ", path)
    emit(res)


@report_app.command(
    "investigation",
    cls=Command,
    help="整改事项调查报告（.docx，每项一份）：整改事项、调查时间及人员、地点、对象、方式、过程、结果、工作计划、佐证材料清单九部分，各单位报送的内容分列在单位名下。",
)
@shared_options
def investigation_cmd(
    ids: Annotated[list[int], typer.Argument(help="条目编号，可多个。", metavar="编号...")],
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区“输出/调查报告”。")] = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.documents.investigation import investigation_reports

    with working("正在生成调查报告…"):
        res = investigation_reports(workspace_of(), ids, today=date_option(today, "--today"), out_dir=out)
    say(("已生成", "green"), f" {len(res['files'])} 份调查报告：")
    for path in res["files"].values():
        show_path("  ", path)
    emit(res)


@app.command(
    "satisfaction",
    cls=Command,
    help="满意度统计（.xlsx）：按单位、乡镇、类别、批次或县区列出回访、联系上比例、满意/基本满意/不满意（占联系上、占回访两种分母）和单位上报的满意度，以及每轮回访的满意率和 Wilson 95% 置信区间。",
)
@shared_options
def satisfaction_cmd(
    by: Annotated[
        str, typer.Option("--by", help="按什么分组：单位、乡镇、类别、批次、县区。", metavar="分组")
    ] = "单位",
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件（.xlsx）；默认工作区“输出”。")] = None,
    batch: BatchesOpt = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.documents.satisfaction import satisfaction_report

    res = satisfaction_report(workspace_of(), by=by, batches=batch or [], out=out, today=date_option(today, "--today"))
    t = table(
        f"满意度（按{res['by']}）", "名称", "回访", "联系上", "满意", "基本满意", "不满意", "上报 满意/基本/不满意"
    )
    for r in res["rows"]:
        rep = r["reported"]
        t.add_row(
            r["name"],
            str(r["called"]),
            str(r["reached"]),
            str(r["满意"]),
            str(r["基本满意"]),
            str(r["不满意"]),
            f"{rep['满意']}/{rep['基本满意']}/{rep['不满意']}",
        )
    err.print(t)
    for line in res["round_lines"]:
        err.print(line)
    show_path("满意度统计：", res["path"])
    emit(res)


@app.command(
    "answer",
    cls=Command,
    help="答复群众（七个一中的“一个答复、一条短信”）：每位反映人一页答复（.docx），"
    "整改完成告知短信清单（.xlsx，内部资料，每条不超过设定字数）。",
)
@shared_options
def answer_cmd(
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区“输出/答复”。")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只统计要答复的人数和短信条数，不写文件。")] = False,
    today: TodayOpt = None,
    batch: BatchesOpt = None,
) -> None:
    from rectikit.documents.answers import answers

    with working("正在生成答复…"):
        res = answers(
            workspace_of(), batches=batch or [], today=date_option(today, "--today"), out_dir=out, dry_run=dry_run
        )
    say(
        ("截至 " + res["today"], "bold"),
        f"：整改完成 {res['items']} 项，答复 {res['letters']} 人，短信 {res['messages']} 条"
        + (f"；{len(res['no_contact'])} 项没有反映人联系方式" if res["no_contact"] else "")
        + (f"；{res['not_mobile']} 个号码不是手机号，未列入短信" if res["not_mobile"] else "")
        + "。",
    )
    for path in res["files"]:
        show_path("  ", path)
    emit(res)


@app.command(
    "boards",
    cls=Command,
    help="整改公示牌（.docx，每页一块）：未完成和长期坚持的重点任务，写明问题、整改措施、目标、进度、责任单位、时限和监督电话，供在现场张贴。",
)
@shared_options
def boards_cmd(
    out: Annotated[
        Optional[Path], typer.Option("--out", help="输出文件（.docx）；默认工作区“输出/整改公示牌.docx”。")
    ] = None,
    today: TodayOpt = None,
    batch: BatchesOpt = None,
) -> None:
    from rectikit.documents.boards import boards

    with working("正在生成公示牌…"):
        res = boards(workspace_of(), batches=batch or [], today=date_option(today, "--today"), out=out)
    say(("已生成", "green"), f" {res['boards']} 块公示牌：")
    show_path("  ", res["path"])
    emit(res)
