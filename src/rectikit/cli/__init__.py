"""Command line: parses, calls one library function, prints.

People read rich tables on stderr; scripts read ``--json`` on stdout and the
exit code (0 ok, 1 failed or invalid data, 2 usage). Errors become one
Chinese message here, in :func:`main`; ``--debug`` shows the traceback.

The commands live by area — :mod:`.intake`, :mod:`.pipeline`,
:mod:`.tracking`, :mod:`.documents` — on the one app of :mod:`.common`.
"""

from __future__ import annotations

import os
import sys

import typer

from rectikit.base.errors import EXIT_FAILED, EXIT_USAGE, RectikitError
from rectikit.cli import documents, intake, pipeline, tracking  # noqa: F401  (they register the commands)
from rectikit.cli.common import app, err, print_issues, usage_message


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
            print_issues(e.report)
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
            err.print(f"[red]用法错误：[/]{usage_message(e.format_message())}", highlight=False)
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
