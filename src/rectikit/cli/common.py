"""What every command shares: the app, the Chinese help, the options defined
once, the console on stderr, JSON on stdout, and the printing of problems."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
import typer.core
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

# Markup is off: citizens' text, file and unit names are printed as they are
# ("[bold]" in a complaint stays text); colour is given with say()'s styles.
# Into a log or a pipe nothing is wrapped: a path or a command broken at column 80 cannot be copied back.
err = Console(stderr=True, markup=False, highlight=False, soft_wrap=not sys.stderr.isatty())


def say(*parts) -> None:
    """One line on stderr from (text, style) pairs and plain strings."""
    err.print(Text.assemble(*parts))


def show_path(label: str, path) -> None:
    """A label and a path, never broken inside the path, so it can be copied whole."""
    err.print(Text(f"{label}{path}"), soft_wrap=True)


def table(title: str, *headers: str) -> Table:
    """A table whose cells wrap at the terminal's width and are never cut short
    (no vertical rules: Chinese headers keep their room at 80 columns)."""
    t = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    for h in headers:
        t.add_column(h, overflow="fold")
    return t


class _Quiet:
    def update(self, _message: str) -> None:
        pass


@contextlib.contextmanager
def working(message: str):
    """A spinner on stderr while a step runs; nothing with --json or when stderr is not a terminal."""
    if json_wanted() or not err.is_terminal:
        yield _Quiet()
        return
    with err.status(message) as status:
        yield status


class _ChineseHelp:
    """Help in Chinese, whole at any width (see :mod:`rectikit.cli.help`)."""

    def get_help_option(self, ctx):
        opt = super().get_help_option(ctx)
        if opt is not None:
            opt.help = "显示本帮助并退出。"
        return opt

    def format_help(self, ctx, formatter):
        from rectikit.cli.help import render

        formatter.write(render(self, ctx))


# Commands are listed in help in the order of the work, whatever module defines them.
ORDER = (
    "init",
    "import",
    "status",
    "export",
    "dedupe",
    "unmerge",
    "classify",
    "assign",
    "render",
    "dispatch",
    "collect",
    "track",
    "supervise",
    "closeout",
    "reopen",
    "callback",
    "satisfaction",
    "answer",
    "boards",
    "frame",
    "survey",
    "plan",
    "analyse",
    "notice",
    "report",
    "demo",
)


class Group(_ChineseHelp, typer.core.TyperGroup):
    def list_commands(self, ctx):
        rank = {name: k for k, name in enumerate(ORDER)}
        return sorted(super().list_commands(ctx), key=lambda name: (rank.get(name, len(rank)), name))


class Command(_ChineseHelp, typer.core.TyperCommand):
    def invoke(self, ctx):
        """A command's ``--today`` is the office's today for everything it does: the library's defaults
        (``rectikit.base.clock``) read it."""
        from rectikit.base import clock

        with clock.fixed(date_option(ctx.params.get("today"), "--today")):
            return super().invoke(ctx)


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


def usage_message(text: str) -> str:
    for rx, zh in _USAGE_MESSAGES:
        m = rx.search(text)
        if m:
            return zh.format(*(_value_problem(g) for g in m.groups()))
    return _value_problem(text)


# What the parser says about a bad value, in Chinese (typer's click wording and, from typer 0.29, pydantic's).
_VALUE_PROBLEMS = [
    (re.compile(r"Input should be a valid integer.*|.* is not a valid int(?:eger)?\b.*", re.S), "应为整数"),
    (re.compile(r"Input should be a valid number.*|.* is not a valid float.*", re.S), "应为数字"),
    (re.compile(r"Input should be a valid boolean.*|.* is not a valid boolean.*", re.S), "应为 是/否"),
    (re.compile(r"'?(.*?)'? is not one of (.*)", re.S), "“{0}”不在可选范围内：{1}"),
    (re.compile(r"(?:File|Path|Directory) '(.*)' does not exist\.?", re.S), "找不到 {0}"),
]


def _value_problem(text: str) -> str:
    for rx, zh in _VALUE_PROBLEMS:
        m = rx.fullmatch(text.strip())
        if m:
            return zh.format(*m.groups())
    return text


app = typer.Typer(
    cls=Group,
    help="rectikit：社会评价群众意见建议整改工具——导入、合并、分类、分解、跟踪、出表。",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def sub_app(name: str, help: str) -> typer.Typer:
    """A command with sub-commands (rectikit report monthly …), on the one app."""
    sub = typer.Typer(cls=Group, help=help, no_args_is_help=True, add_completion=False)
    app.add_typer(sub, name=name)
    return sub


def _version(value: bool) -> None:
    if value:
        from rectikit import __version__

        sys.stdout.write(f"rectikit {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", "-V", help="显示版本号并退出。", callback=_version, is_eager=True)
    ] = False,
) -> None:
    pass


JsonOpt = Annotated[bool, typer.Option("--json", help="在标准输出打印 JSON 结果（供脚本使用）。")]
WsOpt = Annotated[
    Optional[Path],
    typer.Option("--workspace", "-w", help="工作区文件夹；默认从当前文件夹向上查找，或取环境变量 RECTIKIT_WORKSPACE。"),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="出错时显示完整的调试信息。")]
BatchOpt = Annotated[Optional[str], typer.Option("--batch", "-b", help="只处理该批次；默认全部批次。", metavar="批次")]
TodayOpt = Annotated[
    Optional[str],
    typer.Option(
        "--today",
        help="按哪一天办理和计算（记入台账的业务日期、报告的截止日），如 2020-09-30；默认今天。"
        "也可用环境变量 RECTIKIT_TODAY。",
        metavar="日期",
    ),
]
BatchesOpt = Annotated[
    Optional[list[str]], typer.Option("--batch", "-b", help="批次，可重复；默认全部批次。", metavar="批次")
]


# --workspace, --json and --debug, declared once: every command gets them from shared_options, and the
# command's body reads them through workspace_of(), emit() and working().
_SHARED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("rectikit_shared_options", default=None)


def _shared() -> dict:
    return _SHARED.get() or {}


def shared_options(func=None, *, workspace: bool = True):
    """Give a command the options every command has (--workspace unless ``workspace`` is False, --json,
    --debug), after its own; while it runs they are what workspace_of(), emit() and working() use."""

    def wrap(f):
        sig = inspect.signature(f, eval_str=True)
        kw = inspect.Parameter.KEYWORD_ONLY
        extra = [inspect.Parameter("workspace", kw, default=None, annotation=WsOpt)] if workspace else []
        extra += [
            inspect.Parameter("as_json", kw, default=False, annotation=JsonOpt),
            inspect.Parameter("debug", kw, default=False, annotation=DebugOpt),
        ]
        names = [p.name for p in extra]

        @functools.wraps(f)
        def run(*args, **kwargs):
            token = _SHARED.set({name: kwargs.pop(name, None) for name in names})
            try:
                return f(*args, **kwargs)
            finally:
                _SHARED.reset(token)

        run.__signature__ = sig.replace(parameters=[*sig.parameters.values(), *extra])
        return run

    return wrap(func) if func is not None else wrap


def json_wanted() -> bool:
    return bool(_shared().get("as_json"))


def emit(data) -> None:
    """The command's result as JSON on stdout with --json, "ok" first (a failure's JSON is written by main).
    A result object is turned into JSON only then: for 100k items that alone takes seconds."""
    if json_wanted():
        from rectikit.base.results import Result, Summary

        sys.stdout.write((data if isinstance(data, Result) else Summary(data)).to_json() + "\n")


def workspace_of():
    """The workspace --workspace names, else the one found from the current folder or RECTIKIT_WORKSPACE."""
    from rectikit.store.workspace import find_workspace

    return find_workspace(explicit=_shared().get("workspace"))


def print_kept(kept: dict[str, str]) -> None:
    """Files that may have been filled in were left alone: where each new workbook went instead."""
    for old, new in kept.items():
        say(("未覆盖", "yellow"), f" {Path(old).name} 已被改动（可能已填写），新表写到 {Path(new).name}。")


def print_issues(report, limit: int = 30) -> None:
    from rectikit.base.problems import INFO, SEVERITY_LABELS

    shown = [i for i in report.issues if i.severity != INFO] or report.issues
    if not shown:
        return
    t = table(f"问题清单（错误 {len(report.errors)} 条，共 {len(report.issues)} 条）", "级别", "位置", "说明", "原值")
    for i in shown[:limit]:
        t.add_row(SEVERITY_LABELS[i.severity], i.location(), i.message, i.value)
    err.print(t)
    if len(shown) > limit:
        err.print(f"……另有 {len(shown) - limit} 条，见校验报告。")


def print_status(st: dict) -> None:
    """Per batch, the counts people look at first; everything else is in --json."""
    t = table(
        f"{st['office']} · {st['year']}年度 台账",
        "批次",
        "类型",
        "原始",
        "归纳后",
        "已分类",
        "重点",
        "已分解",
        "已完成",
        "已销号",
        "逾期",
    )
    t.columns[0].no_wrap = True  # a batch name is read whole; the numbers make room
    for b in st["batches"]:
        t.add_row(
            b["batch"],
            b["kind"],
            *(
                str(b[k])
                for k in ("raw_items", "items", "classified", "key_tasks", "assigned", "done", "closed", "overdue")
            ),
        )
    err.print(t)
    for b in st["batches"]:
        extra = [
            f"连续反映 {b['repeats']} 条" if b["repeats"] else "",
            f"反映时间 {b['first_date']} 至 {b['last_date']}" if b["first_date"] else "",
        ]
        if any(extra):
            err.print(f"{b['batch']}：" + "，".join(x for x in extra if x))
    err.print(
        f"合计：原始 {st['total_raw_items']} 条，工作条目 {st['total_items']} 条；历史记录 {st['history_entries']} 条。"
    )


def date_option(value: str | None, name: str):
    import datetime as dt

    from rectikit.base.errors import UsageError

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} 应为 年-月-日 格式的日期，如 2020-09-30，收到：{value}") from None
