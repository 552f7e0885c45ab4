"""Commands that follow the work with the units: dispatch, collect, track, closeout."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from rectikit.cli.common import (
    BatchesOpt,
    BatchOpt,
    Command,
    TodayOpt,
    app,
    date_option,
    emit,
    err,
    print_issues,
    print_kept,
    say,
    shared_options,
    show_path,
    sub_app,
    table,
    working,
    workspace_of,
)


@app.command(
    "dispatch",
    cls=Command,
    help="给每个牵头单位（和配合单位）生成一份整改任务交办表（.xlsx），表头写明承办单位、报回时间和联系人，由单位填写进展后报回。",
)
@shared_options
def dispatch_cmd(
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区的“交办”文件夹。")] = None,
    batch: BatchOpt = None,
    reply_by: Annotated[
        Optional[str],
        typer.Option(
            "--reply-by", help="请单位在哪天前报回，如 2020-10-10；默认今天起 10 天（配置文件中可改）。", metavar="日期"
        ),
    ] = None,
    investigation: Annotated[
        bool,
        typer.Option(
            "--investigation",
            help="改为发整改事项调查表：牵头和配合单位逐项填写调查时间、人员、地点、对象、方式、过程、结果、工作计划和佐证材料。",
        ),
    ] = False,
    today: TodayOpt = None,
) -> None:
    from rectikit.steps.dispatch import dispatch
    from rectikit.steps.investigation import dispatch_investigation

    send = dispatch_investigation if investigation else dispatch
    with working("正在生成交办表…"):
        res = send(workspace_of(), out, batch=batch, reply_by=date_option(reply_by, "--reply-by"))
    t = table(
        f"整改任务交办表：{len(res.files)} 个单位，牵头 {sum(res.tasks.values())} 项", "单位", "牵头", "配合", "文件"
    )
    for unit, path in res.files.items():
        t.add_row(unit, str(res.tasks.get(unit, "")), str(res.co_tasks.get(unit, "")), Path(path).name)
    err.print(t)
    if res.unassigned:
        say(("还没有牵头单位的重点任务", "yellow"), f" {len(res.unassigned)} 项，未交办（先运行 rectikit assign）。")
    print_kept(res.kept)
    emit(res)


@app.command(
    "collect",
    cls=Command,
    help="导入交回的表格：单位报回的整改任务交办表（进展、成效、完成时间、佐证材料）、整改事项调查表、回访记录表（不满意的重新打开），可混在一起。每个文件单独导入：有错误的文件不做任何改动，其余照常导入；按发出的先后导入。",
)
@shared_options
def collect_cmd(
    files: Annotated[list[Path], typer.Argument(help="报回的交办表，可多个。", metavar="文件...")],
    today: TodayOpt = None,
) -> int:
    from rectikit.steps.returns import take_back

    with working("正在导入报回的表格…"):
        res = take_back(workspace_of(), files)
    print_issues(res.report)
    for name in res.taken:
        say(("已导入", "green"), f" {name}")
    for name, why in res.failed.items():
        say(("未导入", "red"), f" {name}：{why}")
    reopened = (
        f"，回访不满意重新打开 {len(res.reopened)} 项（{'、'.join(map(str, res.reopened))}）" if res.reopened else ""
    )
    say(
        ("合计", "green"),
        f" 导入 {len(res.taken)} 个文件、{res.rows} 项，更新 {res.changed} 处{reopened}"
        + (f"；{len(res.failed)} 个文件有错误未导入（其余文件已导入）。" if res.failed else "。"),
    )
    emit(res)
    return 1 if res.failed else 0


@app.command(
    "track",
    cls=Command,
    help="整改进度：每项任务亮红灯（逾期未完成）、黄灯（临近时限）、绿灯，按单位汇总；可写出催办清单。",
)
@shared_options
def track_cmd(
    out: Annotated[Optional[Path], typer.Option("--out", help="把红灯、黄灯任务写成催办清单（.xlsx）。")] = None,
    today: TodayOpt = None,
    batch: BatchOpt = None,
) -> None:
    from rectikit.figures import LIGHTS
    from rectikit.steps.tracking import track

    with working("正在计算整改进度…"):
        res = track(workspace_of(), today=date_option(today, "--today"), batch=batch, out=out)
    t = table(f"整改进度（截至 {res.today}）", "牵头单位", *LIGHTS)
    for unit, counts in res.by_unit.items():
        t.add_row(unit, *(str(counts.get(light, "")) for light in LIGHTS))
    err.print(t)
    err.print("合计：" + "，".join(f"{k} {v} 项" for k, v in res.counts().items()))
    if res.path:
        show_path("催办清单：", res.path)
    emit(res)


@app.command("closeout", cls=Command, help="销号：把已完成且有佐证材料的任务销号。任何一项不符合则都不销号。")
@shared_options
def closeout_cmd(
    ids: Annotated[list[int], typer.Argument(help="要销号的条目编号，可多个。", metavar="编号...")],
    on: Annotated[Optional[str], typer.Option("--date", help="销号日期，如 2020-12-01；默认今天。")] = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.steps.tracking import close_out

    res = close_out(workspace_of(), ids, on=date_option(on, "--date"))
    say(("已销号", "green"), f" {len(res['closed'])} 项（{res['on']}）。")
    if res["already"]:
        say(("未改动", "yellow"), f" 编号 {'、'.join(map(str, res['already']))} 此前已经销号。")
    emit(res)


@app.command(
    "reopen", cls=Command, help="重新打开已销号的任务（重办），原因记入台账历史。已销号的任务只有这样才会再被改动。"
)
@shared_options
def reopen_cmd(
    ids: Annotated[list[int], typer.Argument(help="要重新打开的条目编号，可多个。", metavar="编号...")],
    reason: Annotated[str, typer.Option("--reason", help="重新整改的原因，如：回访不满意。")] = "",
    today: TodayOpt = None,
) -> None:
    from rectikit.steps.tracking import reopen

    res = reopen(workspace_of(), ids, reason=reason)
    say(("已重新打开", "green"), f" {len(res['reopened'])} 项，原因：{res['reason']}")
    emit(res)


@app.command(
    "supervise",
    cls=Command,
    help="督办通知（.docx）：给每个有红灯（逾期）、黄灯（临近时限）任务的牵头单位一份，列出任务、逾期天数、报回时间和双方联系人。",
)
@shared_options
def supervise_cmd(
    today: TodayOpt = None,
    reply_by: Annotated[
        Optional[str],
        typer.Option("--reply-by", help="请单位在哪天前报回，如 2020-10-10；默认 10 天后。", metavar="日期"),
    ] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区“输出/督办”。")] = None,
    batch: BatchesOpt = None,
) -> None:
    from rectikit.documents.supervision import supervise

    with working("正在生成督办通知…"):
        res = supervise(
            workspace_of(),
            today=date_option(today, "--today"),
            reply_by=date_option(reply_by, "--reply-by"),
            batches=batch or [],
            out_dir=out,
        )
    if not res["files"]:
        say(("没有红灯、黄灯任务", "green"), "，无需督办。")
    for unit, path in res["files"].items():
        show_path(f"{unit}（{res['tasks'][unit]} 项）：", path)
    emit(res)


@app.command(
    "callback",
    cls=Command,
    help="回访：给已完成的条目（全部或分层随机抽样）生成回访记录表（内部资料，含群众联系方式），按单位或回访人分表；填好后用 rectikit collect 导入，不满意的重新打开。",
)
@shared_options
def callback_cmd(
    sample: Annotated[
        Optional[str], typer.Option("--sample", help="抽多少：条数如 50，或百分比如 20%；默认全部。", metavar="数量")
    ] = None,
    by: Annotated[
        Optional[str], typer.Option("--by", help="分层抽样的依据：乡镇、单位、类别、县区、批次。", metavar="依据")
    ] = None,
    seed: Annotated[
        Optional[int], typer.Option("--seed", help="随机种子，写上同样的数可重现同样的抽样；默认 0。", metavar="整数")
    ] = None,
    per: Annotated[str, typer.Option("--per", help="按 单位 或 回访人 分表。", metavar="分表")] = "单位",
    callers: Annotated[
        Optional[str],
        typer.Option("--callers", help="回访人，逗号分隔，如 张三,李四（按回访人分表时用）。", metavar="姓名"),
    ] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区“回访”。")] = None,
    batch: BatchOpt = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.steps.callbacks import call_sheets

    with working("正在生成回访记录表…"):
        res = call_sheets(
            workspace_of(),
            out,
            sample=sample,
            by=by,
            seed=seed,
            per=per,
            callers=[c.strip() for c in (callers or "").replace("，", ",").split(",") if c.strip()],
            batch=batch,
        )
    err.print(res.draw.explain())
    for name, path in res.files.items():
        show_path(f"{name}（{res.counts[name]} 项）：", path)
    err.print("回访记录表含群众联系方式，属内部资料，请勿外传。")
    print_kept(res.kept)
    emit(res)


frame_app = sub_app("frame", "样本框：templates 给各村（社区、单位）生成名单表，merge 核对报回的名单并合并。")


@frame_app.command(
    "templates",
    cls=Command,
    help="按规则表文件夹中的样本框定义.xlsx（列、必填项、各村名额）给每个村（社区、单位）生成一份名单表。",
)
@shared_options
def frame_templates_cmd(
    name: Annotated[str, typer.Option("--name", help="样本框名称，如 基层干部样本框。", metavar="名称")] = "样本框",
    reply_by: Annotated[
        Optional[str], typer.Option("--reply-by", help="请在哪天前报回，如 2020-10-10；默认 10 天后。", metavar="日期")
    ] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区“样本框/下发”。")] = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.steps.frames import frame_templates

    res = frame_templates(workspace_of(), out, name=name, reply_by=date_option(reply_by, "--reply-by"))
    for place, path in res.files.items():
        show_path(f"{place}：", path)
    print_kept(res.kept)
    emit(res)


@frame_app.command(
    "merge",
    cls=Command,
    help="核对报回的名单（必填项、电话号码、是不是本村的人、重复报送、名额）并合并成一份样本框；有错误则不生成。",
)
@shared_options
def frame_merge_cmd(
    files: Annotated[list[Path], typer.Argument(help="报回的名单表，可多个。", metavar="文件...")],
    out: Annotated[
        Optional[Path], typer.Option("--out", help="合并后的样本框（.xlsx）；默认工作区“样本框/样本框名单.xlsx”。")
    ] = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.steps.frames import collect_frames

    res = collect_frames(workspace_of(), files, out)
    print_issues(res.report)
    say(("已合并", "green"), f" {len(res.files)} 份名单、{res.people} 人（内部资料，不得外传）：")
    show_path("  ", res.path)
    emit(res)


survey_app = sub_app(
    "survey", "摸底调查：draw 从样本框抽一轮、生成调查记录表，report 各轮满意率；填好的表用 collect 导入。"
)


@survey_app.command(
    "draw",
    cls=Command,
    help="从合并后的样本框按比例分层随机抽取一轮，按调查人生成调查记录表（内部资料，问卷见规则表文件夹的调查问卷.xlsx）。",
)
@shared_options
def survey_draw_cmd(
    frame: Annotated[
        Path, typer.Option("--frame", help="合并后的样本框名单（rectikit frame merge 生成）。", metavar="文件")
    ],
    name: Annotated[str, typer.Option("--name", help="调查名称；同名的各轮依次编号。", metavar="名称")] = "摸底调查",
    sample: Annotated[
        Optional[str], typer.Option("--sample", help="抽多少：人数如 200，或百分比如 20%；默认全部。", metavar="数量")
    ] = None,
    by: Annotated[
        Optional[str], typer.Option("--by", help="按样本框的哪一列分层，如 所属村(社区)、身份/职务。", metavar="列名")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="随机种子，同样的数抽到同样的人。", metavar="整数")] = 0,
    callers: Annotated[
        Optional[str], typer.Option("--callers", help="调查人，逗号分隔，每人一张表。", metavar="姓名")
    ] = None,
    skip_days: Annotated[
        int, typer.Option("--skip-days", help="近多少天内已联系上的人不再抽；默认 0（不排除）。", metavar="天数")
    ] = 0,
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区“摸底调查”。")] = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.steps.surveys import draw_round

    res = draw_round(
        workspace_of(),
        frame,
        name=name,
        sample=sample,
        by=by,
        seed=seed,
        callers=[c.strip() for c in (callers or "").replace("，", ",").split(",") if c.strip()],
        skip_days=skip_days,
        today=date_option(today, "--today"),
        out_dir=out,
    )
    err.print(res.explain())
    say(("已生成", "green"), f" {len(res.files)} 份调查记录表（内部资料，不得外传）：")
    for path in res.files.values():
        show_path("  ", path)
    emit(res)


@survey_app.command(
    "report",
    cls=Command,
    help="摸底调查情况（.docx 给领导看）和各轮满意率表（.xlsx）：各领域满意率及 95% 置信区间、分层、比上轮变化是否超出抽样误差。",
)
@shared_options
def survey_report_cmd(
    name: Annotated[str, typer.Option("--name", help="调查名称。", metavar="名称")] = "摸底调查",
    round_no: Annotated[Optional[int], typer.Option("--round", help="第几轮；默认最新一轮。", metavar="轮次")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区“输出/摸底调查”。")] = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.documents.survey import survey_report

    res = survey_report(workspace_of(), name=name, round_no=round_no, today=date_option(today, "--today"), out_dir=out)
    err.print(res["opening"])
    say(("已生成", "green"))
    for path in res["files"]:
        show_path("  ", path)
    emit(res)
