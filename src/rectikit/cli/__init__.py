"""Command line: parses, calls one library function, prints.

People read rich tables on stderr; scripts read ``--json`` on stdout and the
exit code (0 ok, 1 failed or invalid data, 2 usage). Errors become one
Chinese message here, in :func:`main`; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
import typer.core
import typer.rich_utils as _ru
from rich.console import Console
from rich.table import Table

from rectikit.base.errors import EXIT_FAILED, EXIT_USAGE, RectikitError

_ru.OPTIONS_PANEL_TITLE = "选项"
_ru.ARGUMENTS_PANEL_TITLE = "参数"
_ru.COMMANDS_PANEL_TITLE = "命令"
_ru.ERRORS_PANEL_TITLE = "错误"
_ru.ABORTED_TEXT = "已中止。"

err = Console(stderr=True)


class _ChineseHelp:
    """Gives the built-in --help option a Chinese help text."""

    def get_help_option(self, ctx):
        opt = super().get_help_option(ctx)
        if opt is not None:
            opt.help = "显示本帮助并退出。"
        return opt


class _Group(_ChineseHelp, typer.core.TyperGroup):
    pass


class _Command(_ChineseHelp, typer.core.TyperCommand):
    pass


# click's usage messages, said in Chinese; anything else is shown as click says it.
_USAGE_MESSAGES = [
    (re.compile(r"No such option: (\S+)"), "没有这个选项：{0}"),
    (re.compile(r"No such command '([^']+)'"), "没有这个命令：{0}"),
    (re.compile(r"Missing argument '([^']+)'"), "缺少参数：{0}"),
    (re.compile(r"Missing option '([^']+)'"), "缺少选项：{0}"),
    (re.compile(r"Option '([^']+)' requires an argument"), "选项 {0} 需要一个值"),
    (re.compile(r"Invalid value for '([^']+)': (.*)", re.S), "{0} 的取值无效：{1}"),
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), "多余的参数：{0}"),
]


def _usage_message(text: str) -> str:
    for rx, zh in _USAGE_MESSAGES:
        m = rx.search(text)
        if m:
            return zh.format(*m.groups())
    return text


app = typer.Typer(
    cls=_Group,
    help="rectikit：社会评价群众意见建议整改工具——导入、合并、分类、分解、跟踪、出表。",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonOpt = Annotated[bool, typer.Option("--json", help="在标准输出打印 JSON 结果（供脚本使用）。")]
WsOpt = Annotated[
    Optional[Path],
    typer.Option("--workspace", "-w", help="工作区文件夹；默认从当前文件夹向上查找，或取环境变量 RECTIKIT_WORKSPACE。"),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="出错时显示完整的调试信息。")]
BatchesOpt = Annotated[Optional[list[str]], typer.Option("--batch", "-b", help="批次，可重复；默认全部批次。", metavar="批次")]


def _emit(data: dict, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _ws(path: Path | None):
    from rectikit.store.workspace import find_workspace

    return find_workspace(explicit=path)


@app.command("init", cls=_Command, help="创建工作区：配置文件、规则表文件夹和台账数据库。")
def init_cmd(
    folder: Annotated[Path, typer.Argument(help="要创建的工作区文件夹。", metavar="文件夹")],
    office: Annotated[str, typer.Option("--office", help="本单位名称；默认取文件夹名。")] = "",
    year: Annotated[Optional[int], typer.Option("--year", help="整改年度；默认今年。")] = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.store.workspace import init_workspace

    ws = init_workspace(folder, office=office, year=year)
    err.print(f"[green]已创建工作区[/] {ws.root}")
    err.print(f"  配置文件：{ws.config_path.name}  规则表：{ws.rules_dir.name}/  台账：{ws.ledger_path.name}")
    _emit({"workspace": str(ws.root), "config": str(ws.config_path), "ledger": str(ws.ledger_path)}, as_json)


_STATUS_LABELS = {
    "imported": "[green]已导入[/]",
    "already": "[yellow]已导入过，未新增[/]",
    "would-import": "[cyan]可导入（试运行）[/]",
    "rejected": "[red]未导入：有错误[/]",
    "unreadable": "[red]无法读取[/]",
}


@app.command("import", cls=_Command, help="导入意见建议表格（xlsx/xlsm/xls/ods/csv），每个文件要么全部导入，要么不导入。")
def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="一个或多个表格文件。", metavar="文件...")],
    batch: Annotated[str, typer.Option("--batch", "-b", help="批次名称，如 2019年度、2020年中期。")] = "",
    sheet: Annotated[
        Optional[str], typer.Option("--sheet", help="工作表名称；all 表示所有含内容列的工作表。默认取第一个可用工作表。")
    ] = None,
    mapping: Annotated[
        Optional[list[str]], typer.Option("--map", help="指定列对应的字段，如 --map 诉求描述=意见建议内容，可重复。")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查并显示将导入的内容，不写入台账。")] = False,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="跳过错误行，只导入有效行（错误行列入报告）。")] = False,
    report: Annotated[Optional[Path], typer.Option("--report", help="校验报告 .xlsx 的保存位置。")] = None,
    workspace: WsOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.steps.ingest import import_files, parse_mapping

    ws = _ws(workspace)
    overrides = parse_mapping(mapping or [])
    with err.status("正在导入…") as st:
        res = import_files(
            ws, files, batch=batch, sheet=sheet, mapping=overrides, dry_run=dry_run,
            skip_invalid=skip_invalid, report_path=report,
            progress=lambda name: st.update(f"正在读取 {name} …"),
        )
    t = Table(title=f"导入结果 · 批次 {res.batch}" + ("（试运行，未写入）" if dry_run else ""))
    for col in ("文件", "工作表", "表头行", "状态", "条数", "错误行", "跳过行"):
        t.add_column(col)
    for f in res.files:
        if not f.sheets:
            t.add_row(f.file, "", "", _STATUS_LABELS[f.status], "0", "", "")
        for s in f.sheets:
            t.add_row(f.file, s.sheet, str(s.header_row), _STATUS_LABELS[f.status], str(s.rows),
                      str(s.rejected), str(s.skipped))
    err.print(t)
    _print_issues(res.report)
    if res.report_path:
        err.print(f"校验报告：{res.report_path}")
    err.print(f"本次新增 {res.added} 条。")
    _emit(res.to_dict(), as_json)
    if not res.ok:
        raise typer.Exit(EXIT_FAILED)


def _print_issues(report, limit: int = 30) -> None:
    from rectikit.base.problems import INFO, SEVERITY_LABELS

    shown = [i for i in report.issues if i.severity != INFO] or report.issues
    if not shown:
        return
    t = Table(title=f"问题清单（错误 {len(report.errors)} 条，共 {len(report.issues)} 条）")
    for col in ("级别", "位置", "说明", "原值"):
        t.add_column(col, overflow="fold")
    for i in shown[:limit]:
        t.add_row(SEVERITY_LABELS[i.severity], i.location(), i.message, i.value)
    err.print(t)
    if len(shown) > limit:
        err.print(f"……另有 {len(shown) - limit} 条，见校验报告。")


@app.command("status", cls=_Command, help="查看台账：各批次的文件数、原始条数、工作条数。")
def status_cmd(workspace: WsOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False) -> None:
    from rectikit.figures import ledger_status

    st = ledger_status(_ws(workspace))
    _print_status(st)
    _emit(st, as_json)


def _print_status(st: dict) -> None:
    t = Table(title=f"{st['office']} · {st['year']}年度 台账")
    for col in ("批次", "原始条数", "归纳后", "连续反映", "已分类", "重点任务", "已分解", "反映时间"):
        t.add_column(col)
    for b in st["batches"]:
        span = f"{b['first_date'] or ''} 至 {b['last_date'] or ''}" if b["first_date"] else ""
        t.add_row(b["batch"], str(b["raw_items"]), str(b["items"]), str(b["repeats"]), str(b["classified"]),
                  str(b["key_tasks"]), str(b["assigned"]), span)
    err.print(t)
    err.print(f"合计：原始 {st['total_raw_items']} 条，工作条目 {st['total_items']} 条；历史记录 {st['history_entries']} 条。")


@app.command("export", cls=_Command, help="把台账导出为 .xlsx 或 .csv，每条一行，附原始出处。")
def export_cmd(
    out: Annotated[Path, typer.Argument(help="输出文件，如 台账.xlsx。", metavar="输出文件")],
    batch: Annotated[Optional[str], typer.Option("--batch", "-b", help="只导出该批次。")] = None,
    workspace: WsOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.documents.export import export_ledger

    res = export_ledger(_ws(workspace), out, batch=batch)
    err.print(f"[green]已导出[/] {res['items']} 条到 {res['path']}")
    _emit(res, as_json)


@app.command("dedupe", cls=_Command, help="合并内容相似或相同的意见建议（梳理归纳）。不加选项时只列出建议合并的组，不做改动。")
def dedupe_cmd(
    batch: Annotated[Optional[str], typer.Option("--batch", "-b", help="只处理该批次；默认每个批次各自处理。")] = None,
    threshold: Annotated[
        Optional[float], typer.Option("--threshold", help="相似度阈值（0.5–1），默认取配置文件，初始为 0.8。")
    ] = None,
    auto: Annotated[bool, typer.Option("--auto", help="自动合并几乎相同的组（相似度不低于配置的 auto_threshold，初始 0.9），供定时脚本使用。")] = False,
    review: Annotated[Optional[Path], typer.Option("--review", help="把建议合并的组写成审核表（.xlsx），在“处理意见”列选择后用 --apply 导回。")] = None,
    apply: Annotated[Optional[Path], typer.Option("--apply", help="按审核表中的处理意见合并；有错误则不做任何改动。")] = None,
    across: Annotated[bool, typer.Option("--across-batches", help="同时与更早批次比对，标记“连续反映”的条目（只标记，不合并）。")] = False,
    workspace: WsOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.steps.dedupe import apply_review, dedupe

    ws = _ws(workspace)
    if apply and (review or auto):
        from rectikit.base.errors import UsageError

        raise UsageError("--apply 不能与 --review 或 --auto 同时使用。")
    if apply:
        res = apply_review(ws, apply)
        err.print(f"[green]已按审核表处理[/]：合并 {res.merged_groups} 组，记为不重复 {res.kept_apart} 对。")
    else:
        with err.status("正在比对…") as st:
            res = dedupe(ws, batch=batch, threshold=threshold, auto=auto, review=review, across_batches=across,
                         progress=lambda m: st.update(f"正在比对：{m}"))
        _print_groups(res.groups)
        if res.repeats:
            err.print(f"与更早批次重复（连续反映）：{len(res.repeats)} 条，已标记。")
        if auto:
            err.print(f"[green]已自动合并[/] {res.merged_groups} 组。")
        if res.review_path:
            err.print(f"审核表：{res.review_path}（在“处理意见”列选择后运行 rectikit dedupe --apply 该文件）")
    _print_merge_summary(res.summary)
    _emit(res.to_dict(), as_json)


def _print_groups(groups, limit: int = 20) -> None:
    if not groups:
        err.print("没有找到建议合并的条目。")
        return
    t = Table(title=f"建议合并 {len(groups)} 组（涉及 {sum(len(g.item_ids) for g in groups)} 条）")
    for col in ("组", "相似度", "编号", "内容"):
        t.add_column(col, overflow="fold")
    for n, g in enumerate(groups[:limit], start=1):
        for k, (i, text) in enumerate(zip(g.item_ids, g.texts)):
            t.add_row(str(n) if k == 0 else "", f"{g.score:.2f}" if k == 0 else "", str(i), text[:60])
    err.print(t)
    if len(groups) > limit:
        err.print(f"……另有 {len(groups) - limit} 组，用 --review 导出查看。")


def _print_merge_summary(summary) -> None:
    for b in summary:
        err.print(f"批次 {b['batch']}：原始 {b['raw_items']} 条，归纳为 {b['items']} 条"
                  + (f"，其中连续反映 {b['repeats']} 条" if b.get("repeats") else "") + "。")


@app.command("unmerge", cls=_Command, help="撤销一次合并：该条目下的原始意见建议恢复为各自独立的条目。")
def unmerge_cmd(
    item: Annotated[int, typer.Argument(help="合并后条目的编号。", metavar="编号")],
    workspace: WsOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.steps.dedupe import unmerge

    res = unmerge(_ws(workspace), item)
    err.print(f"[green]已撤销合并[/]：编号 {res['item']} 恢复为 {len(res['restored'])} 条（{'、'.join(map(str, res['restored']))}）。")
    _print_merge_summary(res["summary"])
    _emit(res, as_json)


@app.command("classify", cls=_Command, help="分类：领域类别、处理方式（立行立改/回访帮助/解读说明/引导化解/长期坚持）、是否列为重点整改任务。")
def classify_cmd(
    batch: Annotated[Optional[str], typer.Option("--batch", "-b", help="只处理该批次。")] = None,
    model: Annotated[
        Optional[bool], typer.Option("--model/--rules", help="用学习模型或关键词规则分类；默认有模型就用模型。")
    ] = None,
    review: Annotated[Optional[Path], typer.Option("--review", help="写出分类审核表（.xlsx），人工修改后用 --apply 导回。")] = None,
    apply: Annotated[Optional[Path], typer.Option("--apply", help="按分类审核表更新；人工确定的结果以后不会被自动覆盖。")] = None,
    train: Annotated[Optional[Path], typer.Option("--train", help="用已标注的表格（含内容列和类别列）训练学习模型。")] = None,
    from_ledger: Annotated[bool, typer.Option("--from-ledger", help="用台账中人工确定（或原表自带）的类别训练学习模型。")] = False,
    text_column: Annotated[Optional[str], typer.Option("--text-column", help="训练表格中内容列的列名。")] = None,
    label_column: Annotated[Optional[str], typer.Option("--label-column", help="训练表格中类别列的列名。")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示结果，不写入台账。")] = False,
    workspace: WsOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.steps import classify as cl

    ws = _ws(workspace)
    if train or from_ledger:
        with err.status("正在训练…"):
            res = cl.train(ws, file=train, from_ledger=from_ledger, text_column=text_column, label_column=label_column)
        err.print(f"[green]已训练学习模型[/]：{res['items']} 条，{len(res['labels'])} 个类别（{res['source']}）。")
        _emit(res, as_json)
        return
    if apply:
        out = cl.apply_review(ws, apply)
        err.print(f"[green]已按审核表更新[/] {out.changed} 项。")
    else:
        with err.status("正在分类…") as st:
            out = cl.classify(ws, batch=batch, use_model=model, review=review, dry_run=dry_run,
                              progress=lambda m: st.update(m))
        _print_classes(out)
        if out.review_path:
            err.print(f"分类审核表：{out.review_path}（修改后运行 rectikit classify --apply 该文件）")
    for line in out.summary:
        err.print(f"{line['batch']}：{line['sentence']}" + (f"（未分类 {line['unclassified']} 条）" if line["unclassified"] else ""))
    _emit(out.to_dict(), as_json)


def _print_classes(res) -> None:
    from collections import Counter

    counts = Counter(d.category or "（未分类）" for d in res.decisions)
    t = Table(title=f"分类结果（{'学习模型' if res.method == 'model' else '关键词规则'}，共 {len(res.decisions)} 条）")
    for col in ("类别", "条数"):
        t.add_column(col)
    for name, n in counts.most_common():
        t.add_row(name, str(n))
    err.print(t)
    if res.unmatched:
        err.print(f"未命中任何类别：{len(res.unmatched)} 条（编号 {'、'.join(map(str, res.unmatched[:15]))}"
                  f"{'……' if len(res.unmatched) > 15 else ''}），请人工分类。")
    if res.flagged:
        err.print(f"置信度偏低、建议人工审核：{len(res.flagged)} 条。")


@app.command("assign", cls=_Command, help="责任分解：按分解规则确定牵头单位、配合单位、责任领导、责任人、整改时限、措施和目标。")
def assign_cmd(
    batch: Annotated[Optional[str], typer.Option("--batch", "-b", help="只处理该批次。")] = None,
    include_all: Annotated[bool, typer.Option("--all", help="所有条目都分解（默认只分解重点整改任务）。")] = False,
    only_unassigned: Annotated[bool, typer.Option("--only-unassigned", help="只处理还没有牵头单位的条目。")] = False,
    reassign: Annotated[bool, typer.Option("--reassign", help="连人工确定的分解也按规则重新分解。")] = False,
    export: Annotated[Optional[Path], typer.Option("--export", help="把分解结果写成表格（.xlsx），人工修改后用 --apply 导回。")] = None,
    apply: Annotated[Optional[Path], typer.Option("--apply", help="按修改后的责任分解表更新；有错误则不做任何改动。")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示结果，不写入台账。")] = False,
    workspace: WsOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.steps import assign as asg

    ws = _ws(workspace)
    if apply:
        res = asg.apply_assignments(ws, apply)
        err.print(f"[green]已按责任分解表更新[/] {len(res.assignments)} 项（记为人工确定）。")
    else:
        res = asg.assign(ws, batch=batch, include_all=include_all, only_unassigned=only_unassigned,
                         reassign=reassign, dry_run=dry_run)
        from collections import Counter

        t = Table(title=f"责任分解：{len(res.assignments)} 项")
        for col in ("牵头单位", "项数"):
            t.add_column(col)
        for unit, n in Counter(a.lead_unit for a in res.assignments).most_common():
            t.add_row(unit, str(n))
        err.print(t)
        if res.kept_manual:
            err.print(f"人工确定的 {res.kept_manual} 项保持不变（加 --reassign 可重新分解）。")
        if res.unassigned:
            err.print(f"[yellow]没有规则命中[/]：{len(res.unassigned)} 项（编号 {'、'.join(map(str, res.unassigned[:20]))}"
                      f"{'……' if len(res.unassigned) > 20 else ''}），请补充分解规则或用 --export 后人工填写。")
    if export:
        path = asg.export_assignments(ws, export, batch=batch, include_all=include_all)
        err.print(f"责任分解表：{path}")
    _emit(res.to_dict(), as_json)


@app.command("render", cls=_Command, help="生成附件：annex1 整改任务清单、annex2 整改完成情况一览表（.xlsx、.docx）。")
def render_cmd(
    annex: Annotated[str, typer.Argument(help="annex1 或 annex2。", metavar="附件")],
    formats: Annotated[str, typer.Option("--format", help="输出格式，逗号分隔：xlsx,docx。")] = "xlsx,docx",
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区的“输出”文件夹。")] = None,
    include_all: Annotated[bool, typer.Option("--all", help="列出所有条目（默认只列重点整改任务）。")] = False,
    group_by: Annotated[
        Optional[str], typer.Option("--group-by", help="分组：category（领域）、lead_unit（牵头单位）、county（县区）。")
    ] = None,
    numbering: Annotated[str, typer.Option("--numbering", help="编号：continuous（连续）或 per-group（每组重新编号）。")] = "continuous",
    batch: BatchesOpt = None,
    workspace: WsOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.documents.annexes import render

    res = render(_ws(workspace), annex, formats=[f.strip() for f in formats.split(",") if f.strip()], out_dir=out,
                 key_only=not include_all, group_by=group_by, numbering=numbering, batches=batch or [])
    err.print(f"[green]已生成[/] {res['title']}（{res['rows']} 项）")
    for path in res["files"].values():
        err.print(f"  {path}")
    _emit(res, as_json)


@app.command("dispatch", cls=_Command, help="给每个牵头单位生成一份整改任务交办表（.xlsx），由单位填写进展后报回。")
def dispatch_cmd(
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区的“交办”文件夹。")] = None,
    batch: Annotated[Optional[str], typer.Option("--batch", "-b", help="只交办该批次。")] = None,
    workspace: WsOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.steps.tracking import dispatch

    res = dispatch(_ws(workspace), out, batch=batch)
    t = Table(title=f"整改任务交办表：{len(res.files)} 个单位，{sum(res.tasks.values())} 项")
    for col in ("牵头单位", "项数", "文件"):
        t.add_column(col)
    for unit, path in res.files.items():
        t.add_row(unit, str(res.tasks[unit]), Path(path).name)
    err.print(t)
    if res.unassigned:
        err.print(f"[yellow]还没有牵头单位的重点任务[/] {len(res.unassigned)} 项，未交办（先运行 rectikit assign）。")
    _emit(res.to_dict(), as_json)


@app.command("collect", cls=_Command, help="导入单位报回的整改任务交办表：整改进展、成效、完成时间、佐证材料。有错误则不做任何改动。")
def collect_cmd(
    files: Annotated[list[Path], typer.Argument(help="报回的交办表，可多个。", metavar="文件...")],
    workspace: WsOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.steps.tracking import collect

    res = collect(_ws(workspace), files)
    _print_issues(res.report)
    err.print(f"[green]已导入[/] {len(res.files)} 个文件、{res.rows} 项报回，更新 {res.changed} 处。")
    _emit(res.to_dict(), as_json)


@app.command("track", cls=_Command, help="整改进度：每项任务亮红灯（逾期未完成）、黄灯（临近时限）、绿灯，按单位汇总；可写出催办清单。")
def track_cmd(
    out: Annotated[Optional[Path], typer.Option("--out", help="把红灯、黄灯任务写成催办清单（.xlsx）。")] = None,
    today: Annotated[Optional[str], typer.Option("--today", help="按哪一天计算，如 2020-09-30；默认今天。")] = None,
    batch: Annotated[Optional[str], typer.Option("--batch", "-b", help="只看该批次。")] = None,
    workspace: WsOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.steps.tracking import LIGHTS, track

    res = track(_ws(workspace), today=_date_option(today, "--today"), batch=batch, out=out)
    t = Table(title=f"整改进度（截至 {res.today}）")
    t.add_column("牵头单位", no_wrap=True)
    for light in LIGHTS:
        t.add_column(light)
    for unit, counts in res.by_unit.items():
        t.add_row(unit, *(str(counts.get(light, "")) for light in LIGHTS))
    err.print(t)
    err.print("合计：" + "，".join(f"{k} {v} 项" for k, v in res.counts().items()))
    if res.path:
        err.print(f"催办清单：{res.path}")
    _emit(res.to_dict(), as_json)


@app.command("closeout", cls=_Command, help="销号：把已完成且有佐证材料的任务销号。任何一项不符合则都不销号。")
def closeout_cmd(
    ids: Annotated[list[int], typer.Argument(help="要销号的条目编号，可多个。", metavar="编号...")],
    on: Annotated[Optional[str], typer.Option("--date", help="销号日期，如 2020-12-01；默认今天。")] = None,
    workspace: WsOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.steps.tracking import close_out

    res = close_out(_ws(workspace), ids, on=_date_option(on, "--date"))
    err.print(f"[green]已销号[/] {len(res['closed'])} 项（{res['on']}）。")
    _emit(res, as_json)


@app.command("analyse", cls=_Command, help="分析报告（.docx）：区域分布、反映量居前的乡镇、事项分类、责任单位、整改进度，占比截取一位小数。")
def analyse_cmd(
    out: Annotated[Optional[Path], typer.Option("--out", help="报告文件（.docx）；默认工作区“输出”文件夹。")] = None,
    batch: BatchesOpt = None,
    today: Annotated[Optional[str], typer.Option("--today", help="整改进度按哪一天计算，如 2020-09-30；默认今天。")] = None,
    workspace: WsOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.documents.analysis import analyse

    res = analyse(_ws(workspace), batches=batch or [], today=_date_option(today, "--today"), out=out)
    err.print(res.overview)
    for s in res.sections:
        err.print(f"[bold]{s.heading}[/]：{s.sentence}")
    err.print(f"[green]已生成[/] {res.path}")
    _emit(res.to_dict(), as_json)


@app.command("notice", cls=_Command, help="整改情况公示（.docx）：开头的数字由台账算出，正文三部分留给本单位填写；每个批次附一份整改完成情况一览表（已遮盖个人信息）。")
def notice_cmd(
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹；默认工作区“输出/公示”。")] = None,
    batch: BatchesOpt = None,
    today: Annotated[Optional[str], typer.Option("--today", help="公示日期，如 2020-12-31；默认今天。")] = None,
    workspace: WsOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.documents.notice import notice

    res = notice(_ws(workspace), batches=batch or [], today=_date_option(today, "--today"), out_dir=out)
    err.print(res["opening"])
    err.print(f"[green]已生成[/] {res['path']}")
    for a in res["attachments"]:
        err.print(f"  附件{a['number']}：{a['files']['docx']}")
    _emit(res, as_json)


def _date_option(value: str | None, name: str):
    import datetime as dt

    from rectikit.base.errors import UsageError

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} 应为 年-月-日 格式的日期，如 2020-09-30，收到：{value}") from None


@app.command("demo", cls=_Command, help="用自带示例数据建一个工作区，把现有各步骤跑一遍。")
def demo_cmd(
    folder: Annotated[Path, typer.Argument(help="演示工作区文件夹。", metavar="[文件夹]")] = Path("rectikit-演示"),
    force: Annotated[bool, typer.Option("--force", help="文件夹已是演示工作区时，先删除再重建。")] = False,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    from rectikit.demo import run_demo

    res = run_demo(folder, force=force, progress=lambda msg: err.print(f"· {msg}"))
    _print_status(res["status"])
    err.print(f"[green]演示完成。[/] 工作区：{res['workspace']}")
    for label, path in res["outputs"].items():
        err.print(f"  {label}：{path}")
    _emit(res, as_json)


def main(argv: list[str] | None = None) -> int:
    """Entry point: the one place where errors become messages and exit codes."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or bool(os.environ.get("RECTIKIT_DEBUG"))
    try:
        rv = app(args=args, prog_name="rectikit", standalone_mode=False)
        code = rv if isinstance(rv, int) else 0
    except RectikitError as e:
        if debug:
            raise
        err.print(f"[red]错误：[/]{e}", highlight=False)
        if e.report is not None:
            _print_issues(e.report)
        code = e.exit_code
    except typer.Exit as e:
        code = e.exit_code
    except KeyboardInterrupt:
        err.print("已中止。")
        code = EXIT_FAILED
    except Exception as e:
        # typer may raise click's classes or its vendored copies: match by name.
        kinds = {c.__name__ for c in type(e).__mro__}
        if "UsageError" in kinds:
            cmd = e.ctx.command_path if getattr(e, "ctx", None) else "rectikit"
            err.print(f"[red]用法错误：[/]{_usage_message(e.format_message())}", highlight=False)
            err.print(f"运行 `{cmd} --help` 查看用法。", highlight=False)
            code = EXIT_USAGE
        elif "ClickException" in kinds:
            e.show()
            code = e.exit_code
        elif "Abort" in kinds:
            err.print("已中止。")
            code = EXIT_FAILED
        else:
            if debug:
                raise
            err.print(f"[red]内部错误：[/]{type(e).__name__}: {e}。加 --debug 查看详情并报告此问题。", highlight=False)
            code = EXIT_FAILED
    return code


def run() -> None:
    sys.exit(main())
