"""Commands that set up a workspace and bring items in and out: init, import, status, export, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.text import Text

from rectikit.base.errors import EXIT_FAILED
from rectikit.cli.common import (
    BatchOpt,
    Command,
    TodayOpt,
    app,
    emit,
    err,
    print_issues,
    print_status,
    say,
    shared_options,
    show_path,
    table,
    working,
    workspace_of,
)


@app.command("init", cls=Command, help="创建工作区：配置文件、规则表文件夹和台账数据库。")
@shared_options(workspace=False)
def init_cmd(
    folder: Annotated[Path, typer.Argument(help="要创建的工作区文件夹。", metavar="文件夹")],
    office: Annotated[str, typer.Option("--office", help="本单位名称；默认取文件夹名。")] = "",
    year: Annotated[Optional[int], typer.Option("--year", help="整改年度；默认今年。")] = None,
) -> None:
    from rectikit.store.workspace import init_workspace

    ws = init_workspace(folder, office=office, year=year)
    say(("已创建工作区", "green"), f" {ws.root}")
    err.print(f"  配置文件：{ws.config_path.name}  规则表：{ws.rules_dir.name}/  台账：{ws.ledger_path.name}")
    emit({"workspace": str(ws.root), "config": str(ws.config_path), "ledger": str(ws.ledger_path)})


_STATUS_LABELS = {
    "imported": Text("已导入", "green"),
    "already": Text("已导入过，未新增", "yellow"),
    "would-import": Text("可导入（试运行）", "cyan"),
    "rejected": Text("未导入：有错误", "red"),
    "empty": Text("未导入：没有数据", "red"),
    "changed-version": Text("未导入：像是已导入文件的新版本", "red"),
    "replaced": Text("已替换旧版本", "green"),
    "unreadable": Text("无法读取", "red"),
}


@app.command(
    "import", cls=Command, help="导入意见建议表格（xlsx/xlsm/xls/ods/csv），每个文件要么全部导入，要么不导入。"
)
@shared_options
def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="一个或多个表格文件。", metavar="文件...")],
    batch: Annotated[str, typer.Option("--batch", "-b", help="批次名称，如 2019年度、2020年中期。")] = "",
    sheet: Annotated[
        Optional[str],
        typer.Option("--sheet", help="工作表名称；all 表示所有含内容列的工作表。默认取第一个可用工作表。"),
    ] = None,
    mapping: Annotated[
        Optional[list[str]], typer.Option("--map", help="指定列对应的字段，如 --map 诉求描述=意见建议内容，可重复。")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查并显示将导入的内容，不写入台账。")] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="跳过错误行，只导入有效行（错误行列入报告）。")
    ] = False,
    report: Annotated[Optional[Path], typer.Option("--report", help="校验报告 .xlsx 的保存位置。")] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="文件是本批次已导入文件修改后的新版本时，用它替换旧版本；未改动的条目保留已做的工作。"
        ),
    ] = False,
    add: Annotated[bool, typer.Option("--add", help="文件与已导入的相似，但确是另一份材料时，照常新增导入。")] = False,
    kind: Annotated[
        Optional[str],
        typer.Option(
            "--kind",
            help="批次类型：社会评价、热线、专线、信访、其他；文件中的说法随之"
            "（“社会评价群众意见建议”或“群众诉求”）。默认按批次名称判断。",
            metavar="类型",
        ),
    ] = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.steps.ingest import import_files, parse_mapping

    ws = workspace_of()
    overrides = parse_mapping(mapping or [])
    with working("正在导入…") as st:
        res = import_files(
            ws,
            files,
            batch=batch,
            sheet=sheet,
            mapping=overrides,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            report_path=report,
            replace=replace,
            add=add,
            kind=kind,
            progress=lambda name: st.update(f"正在读取 {name} …"),
        )
    err.print(_import_table(res, dry_run))
    print_issues(res.report)
    if res.report_path:
        show_path("校验报告：", res.report_path)
    err.print(f"本次新增 {res.added} 条。")
    emit(res)
    if not res.ok:
        raise typer.Exit(EXIT_FAILED)


def _import_table(res, dry_run: bool):
    """Each file and sheet imported: header row, status, rows taken, rejected and skipped."""
    t = table(
        f"导入结果 · 批次 {res.batch}" + ("（试运行，未写入）" if dry_run else ""),
        "文件",
        "工作表",
        "表头行",
        "状态",
        "条数",
        "错误行",
        "跳过行",
    )
    for f in res.files:
        if not f.sheets:
            t.add_row(f.file, "", "", _STATUS_LABELS[f.status], "0", "", "")
        for s in f.sheets:
            t.add_row(
                f.file,
                s.sheet,
                str(s.header_row),
                _STATUS_LABELS[f.status],
                str(s.rows),
                str(s.rejected),
                str(s.skipped),
            )
    return t


@app.command("status", cls=Command, help="查看台账：各批次的文件数、原始条数、工作条数。")
@shared_options
def status_cmd(today: TodayOpt = None) -> None:
    from rectikit.figures import ledger_status

    st = ledger_status(workspace_of())
    print_status(st)
    emit(st)


@app.command("export", cls=Command, help="把台账导出为 .xlsx 或 .csv，每条一行，附原始出处。")
@shared_options
def export_cmd(
    out: Annotated[Path, typer.Argument(help="输出文件，如 台账.xlsx。", metavar="输出文件")],
    batch: BatchOpt = None,
    today: TodayOpt = None,
) -> None:
    from rectikit.documents.export import export_ledger

    with working("正在导出台账…"):
        res = export_ledger(workspace_of(), out, batch=batch)
    say(("已导出", "green"), f" {res['items']} 条到：")
    show_path("  ", res["path"])
    emit(res)


@app.command("demo", cls=Command, help="用自带示例数据建一个工作区，把现有各步骤跑一遍。")
@shared_options(workspace=False)
def demo_cmd(
    folder: Annotated[Path, typer.Argument(help="演示工作区文件夹。", metavar="[文件夹]")] = Path("rectikit-演示"),
    force: Annotated[bool, typer.Option("--force", help="文件夹已是演示工作区时，先删除再重建。")] = False,
    today: TodayOpt = None,
) -> None:
    from rectikit.demo import run_demo

    res = run_demo(folder, force=force, progress=lambda msg: err.print(f"· {msg}"))
    print_status(res["status"])
    say(("演示完成。", "green"), f" 工作区：{res['workspace']}")
    for label, path in res["outputs"].items():
        show_path(f"  {label}：", path)
    emit(res)
