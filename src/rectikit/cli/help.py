"""Help that reads whole in Chinese at any terminal width.

Typer's own help cuts command summaries with "…", shows type tags such as
<bool> and says "Usage" and "[required]" in English. Here every command and
the app lay their help out themselves: a Chinese usage line, the text, the
arguments and options in a two-column grid that wraps (never cuts) to the
terminal's width, defaults and required marks in Chinese, and one example.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata

EXAMPLES = {
    "rectikit": "rectikit demo（用自带示例把整个流程跑一遍）",
    "init": "rectikit init 2020社会评价整改 --office 某市绩效办 --year 2020",
    "import": "rectikit import 2019年度社会评价意见建议.xlsx --batch 2019年度",
    "status": "rectikit status --json",
    "export": "rectikit export 台账.xlsx --batch 2019年度",
    "dedupe": "rectikit dedupe --review 合并审核.xlsx\n然后：rectikit dedupe --apply 合并审核.xlsx",
    "unmerge": "rectikit unmerge 15",
    "classify": "rectikit classify --review 分类审核.xlsx\n然后：rectikit classify --apply 分类审核.xlsx",
    "assign": "rectikit assign --export 责任分解.xlsx\n然后：rectikit assign --apply 责任分解.xlsx",
    "render": "rectikit render 附件1 --group-by 领域",
    "dispatch": "rectikit dispatch --reply-by 2020-10-10\n调查表：rectikit dispatch --investigation",
    "collect": "rectikit collect 交办/报回/*.xlsx",
    "track": "rectikit track --out 催办清单.xlsx",
    "supervise": "rectikit supervise --today 2020-09-30 --reply-by 2020-10-10",
    "closeout": "rectikit closeout 15 27 --date 2020-12-01",
    "callback": "rectikit callback --sample 20% --by 乡镇 --seed 7\n然后：rectikit collect 回访/回访记录表-*.xlsx",
    "reopen": "rectikit reopen 15 --reason 回访不满意",
    "satisfaction": "rectikit satisfaction --by 乡镇",
    "boards": "rectikit boards --today 2020-10-01",
    "answer": "rectikit answer --dry-run\n然后：rectikit answer --today 2020-12-01",
    "frame": "rectikit frame templates --name 基层干部样本框\n然后：rectikit frame merge 样本框/报回/*.xlsx",
    "templates": "rectikit frame templates --name 基层干部样本框 --reply-by 2020-10-10",
    "merge": "rectikit frame merge 样本框/报回/*.xlsx",
    "survey": "rectikit survey draw --frame 样本框/样本框名单.xlsx --sample 200 --by 所属村(社区) --callers 张三,李四\n"
    "然后：rectikit collect 摸底调查/*.xlsx，rectikit survey report",
    "survey report": "rectikit survey report --name 摸底调查 --round 2",
    "draw": "rectikit survey draw --frame 样本框/样本框名单.xlsx --sample 20% --by 所属村(社区) --seed 7",
    "plan": "rectikit plan --batch 2019年度 --today 2020-06-10",
    "analyse": "rectikit analyse --today 2020-09-30",
    "notice": "rectikit notice --today 2020-12-31",
    "demo": "rectikit demo 演示工作区 --force",
    "report": "rectikit report monthly --month 2020-10",
    "monthly": "rectikit report monthly --month 2020-10",
    "upstream": "rectikit report upstream 市交办2020 --dry-run\n然后：rectikit report upstream 市交办2020",
    "investigation": "rectikit report investigation 72 88",
}

# What the value after an option is, in the usage and the option list.
_VALUE_WORDS = {
    "--batch": "批次",
    "--sheet": "工作表",
    "--map": "列名=字段",
    "--report": "文件",
    "--workspace": "文件夹",
    "--out": "输出",
    "--format": "格式",
    "--group-by": "分组",
    "--numbering": "编号方式",
    "--threshold": "相似度",
    "--today": "日期",
    "--date": "日期",
    "--reason": "原因",
    "--office": "单位名称",
    "--year": "年份",
    "--text-column": "列名",
    "--label-column": "列名",
    "--train": "文件",
    "--review": "文件",
    "--apply": "文件",
    "--export": "文件",
}


def width() -> int:
    """The terminal's width (COLUMNS wins, as in scripts and tests), at least 40."""
    try:
        cols = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        cols = shutil.get_terminal_size((100, 24)).columns
    return max(40, cols)


def _value_word(param) -> str:
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    return param.metavar or next((_VALUE_WORDS[o] for o in param.opts if o in _VALUE_WORDS), "值")


def _option_help(param) -> str:
    text = (getattr(param, "help", None) or "").strip()
    notes = []
    if getattr(param, "required", False):
        notes.append("必填")
    default = getattr(param, "default", None)
    shown = getattr(param, "show_default", True)
    if (
        shown is not False
        and default not in (None, False, "", ())
        and not callable(default)
        and not getattr(param, "is_flag", False)
        and not isinstance(default, (list, tuple))
    ):
        notes.append(f"默认：{default}")
    return text + (f"（{'；'.join(notes)}）" if notes else "")


def _names(param) -> str:
    opts = sorted(param.opts, key=lambda o: (o.startswith("--"), o))
    names = "、".join(opts + list(param.secondary_opts))
    word = _value_word(param)
    return f"{names} {word}".strip()


_NO_LINE_START = set("，。、；：！？）》」』”’%…")  # closing marks hang at the end of a line instead


def cells(text: str) -> int:
    """Columns a text takes on a terminal: CJK and full-width characters two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, room: int) -> list[str]:
    """Lines of at most ``room`` columns, broken between characters (or at
    spaces in Latin text), never inside an option name or a path, and never
    before a closing mark: the word before it goes down with it."""
    lines: list[str] = []
    for para in text.split("\n"):
        line: list[str] = []
        for word in re.findall(r"[A-Za-z0-9_./\\:*\-=,|\[\]{}<>%@#~$+]+|\s|.", para):
            if cells("".join(line) + word) <= room or not "".join(line).strip():
                line.append(word)
            elif word.isspace():
                lines.append("".join(line).rstrip())
                line = []
            elif word in _NO_LINE_START and len(line) > 1:
                lines.append("".join(line[:-1]).rstrip())
                line = [line[-1], word]
            else:
                lines.append("".join(line).rstrip())
                line = [word]
        lines.append("".join(line).rstrip())
    return lines


def _grid(rows: list[tuple[str, str]], cols: int) -> list[str]:
    """Two columns: names on the left, help wrapped on the right; a name too
    long for the left column gets a line of its own."""
    left = min(max((cells(a) for a, _ in rows), default=8), max(12, cols // 3))
    room = max(20, cols - left - 2)
    out = []
    for name, text in rows:
        body = wrap(text, room) or [""]
        if cells(name) > left:
            out.append(name)
            out.extend(" " * (left + 2) + line for line in body)
        else:
            out.append(name + " " * (left - cells(name) + 2) + body[0])
            out.extend(" " * (left + 2) + line for line in body[1:])
    return out


def render(command, ctx) -> str:
    """The whole help of a command or the app, as text for click to print."""
    cols = width()
    params = list(command.get_params(ctx))
    arguments = [p for p in params if p.param_type_name == "argument"]
    options = [p for p in params if p.param_type_name == "option"]
    is_group = hasattr(command, "list_commands")
    usage = [ctx.command_path, "[选项]"] + (["命令", "[参数]..."] if is_group else [])
    usage += [a.metavar or a.name for a in arguments]
    out = wrap("用法：" + " ".join(usage), cols) + [""]
    if command.help:
        out += wrap(command.help.strip(), cols) + [""]
    if is_group:
        rows = [(n, (command.get_command(ctx, n).help or "").strip()) for n in command.list_commands(ctx)]
        out += ["命令："] + _grid(rows, cols) + [""]
    if arguments:
        out += ["参数："] + _grid([(a.metavar or a.name, _option_help(a)) for a in arguments], cols) + [""]
    if options:
        out += ["选项："] + _grid([(_names(o), _option_help(o)) for o in options], cols) + [""]
    # a subcommand's own example first ("survey report"), then the command's name
    full = f"{ctx.parent.command.name} {command.name}" if ctx.parent and ctx.parent.parent else ""
    example = EXAMPLES.get(full) or EXAMPLES.get(command.name if ctx.parent else "rectikit", EXAMPLES["rectikit"])
    out += wrap("示例：" + example, cols)
    return "\n".join(out) + "\n"
