"""Command line: parses, calls one library function, prints.

People read rich tables on stderr; scripts read ``--json`` on stdout and the
exit code (0 ok, 1 failed or invalid data, 2 usage). Errors become one
Chinese message here, in :func:`main`; ``--debug`` shows the traceback.

The commands live by area — :mod:`.intake`, :mod:`.pipeline`,
:mod:`.tracking`, :mod:`.documents` — on the one app of :mod:`.common`.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import typer

from rectikit.base.errors import EXIT_FAILED, EXIT_USAGE, RectikitError
from rectikit.cli import documents, intake, pipeline, tracking  # noqa: F401  (they register the commands)
from rectikit.cli.common import app, err, print_issues, say, usage_message
from rectikit.store.ledger import Ledger


def main(argv: list[str] | None = None) -> int:
    """Entry point: the one place where errors become messages and exit codes.

    A failure prints one Chinese message (and what to do next) on stderr; with
    ``--json`` it also prints ``{"ok": false, "error": {code, message, hint}}``
    on stdout, so a script always has something to read.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or bool(os.environ.get("RECTIKIT_DEBUG"))
    as_json = "--json" in args
    committed = Ledger.commits
    failure: tuple[str, str, str] | None = None  # code, message, hint
    problems: dict | None = None  # the report behind a failure, for scripts
    try:
        rv = app(args=args, prog_name="rectikit", standalone_mode=False)
        code = rv if isinstance(rv, int) else 0
    except RectikitError as e:
        if debug:
            raise
        failure, code = (e.code, str(e), e.hint), e.exit_code
        say(("错误：", "red"), str(e))
        if e.hint:
            err.print(f"下一步：{e.hint}")
        if e.report is not None:
            print_issues(e.report)
            problems = e.report.to_dict()
    except typer.Exit as e:
        code = e.exit_code
    except KeyboardInterrupt:
        failure, code = ("aborted", "已中止。", ""), EXIT_FAILED
        err.print("已中止。")
    except MemoryError:
        if debug:
            raise
        message = "内存不足，本命令未完成；台账的改动在一次事务中，未完成的部分没有写入。"
        hint = "关闭其他程序后重试；如正在导入异常大的文件，请核对文件或调小 rectikit.toml 中 [import] 的上限。"
        say(("错误：", "red"), message)
        err.print(f"下一步：{hint}")
        failure, code = ("memory", message, hint), EXIT_FAILED
    except Exception as caught:
        # typer may raise click's classes or its vendored copies: match by name (and so, untyped).
        exc: Any = caught
        kinds = {c.__name__ for c in type(exc).__mro__}
        if "UsageError" in kinds:
            cmd = exc.ctx.command_path if getattr(exc, "ctx", None) else "rectikit"
            message, hint = usage_message(exc.format_message()), f"运行 {cmd} --help 查看用法。"
            say(("用法错误：", "red"), message)
            err.print(hint)
            failure, code = ("usage", message, hint), EXIT_USAGE
        elif "ClickException" in kinds:
            exc.show()
            failure, code = ("failed", exc.format_message(), ""), exc.exit_code
        elif "Abort" in kinds:
            err.print("已中止。")
            failure, code = ("aborted", "已中止。", ""), EXIT_FAILED
        else:
            if debug:
                raise
            message = f"{type(exc).__name__}: {exc}"
            hint = "加 --debug 查看详情并报告此问题。"
            if Ledger.commits > committed:
                hint = "本命令对台账的改动已经保存（可运行 rectikit status 查看），只是显示结果时出错。" + hint
            say(("内部错误：", "red"), message)
            err.print(hint)
            failure, code = ("internal", message, hint), EXIT_FAILED
    if failure and as_json:
        name, message, hint = failure
        sys.stdout.write(
            json.dumps(
                {
                    "ok": False,
                    "exit_code": code,
                    "error": {"code": name, "message": message, "hint": hint}
                    | ({"problems": problems} if problems else {}),
                },
                ensure_ascii=False,
            )
            + "\n"
        )
    return code


def run() -> None:
    """The console entry point. A command is one short process that builds hundreds of thousands of
    dicts and lists and makes few reference cycles, and the collector's default pace (a pass every 700
    new objects, full passes walking every live object) was 2-3 s of a 100k pipeline's 38 s: what
    start-up loaded is set aside for good, and passes come every 100k new objects (same peak memory)."""
    import gc

    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    sys.exit(main())
