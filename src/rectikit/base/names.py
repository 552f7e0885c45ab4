"""Names that become parts of file names: batches, units, offices.

A batch called "../../x" or a unit called "甲/乙局" must never make rectikit
write outside the folder the user chose, and two names must never map to one
file. Names are checked where they enter (import --batch, the units
directory); file names are made from them by one function, and every output
built from a name is checked to stay in its folder.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from rectikit.base.errors import UsageError

MAX_NAME = 60
# What Windows refuses in a file name, control characters, and path separators.
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def without_control(text: str) -> str:
    """Text with the characters XML and terminals cannot carry taken out (tabs and line breaks stay)."""
    return _CONTROL.sub("", text)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a batch or unit (in Chinese), or None."""
    if not name:
        return "名称为空。"
    if len(name) > MAX_NAME:
        return f"名称过长（{len(name)} 个字符，最多 {MAX_NAME} 个）。"
    bad = sorted(set(_FORBIDDEN.findall(name)))
    if bad:
        shown = "、".join(repr(c)[1:-1] if c.isprintable() else f"\\x{ord(c):02x}" for c in bad)
        return f"名称中不能有 {shown}（不能用于文件名）。"
    if name in (".", "..") or name.startswith("..") or name.endswith((".", " ")):
        return "名称不能以“.”开头或结尾，也不能以空格结尾。"
    if name.split(".")[0].upper() in _RESERVED:
        return f"“{name}”是 Windows 保留的文件名，请换一个。"
    return None


def check_name(name: str, what: str) -> str:
    """The name, stripped, or a usage error saying what is wrong with it."""
    name = unicodedata.normalize("NFC", str(name or "")).strip()
    problem = name_problem(name)
    if problem:
        raise UsageError(f"{what}“{name}”不能使用：{problem}")
    return name


def file_part(name: str) -> str:
    """A name as part of a file name: anything a file name cannot hold becomes "_"."""
    part = _FORBIDDEN.sub("_", unicodedata.normalize("NFC", str(name))).strip(" .")[:MAX_NAME] or "_"
    return f"_{part}" if part.split(".")[0].upper() in _RESERVED else part


def child(folder: Path, file_name: str) -> Path:
    """``folder / file_name``, refused unless it is a file directly in ``folder``."""
    folder = Path(folder)
    path = folder / file_name
    if Path(file_name).name != file_name or path.resolve().parent != folder.resolve():
        raise UsageError(f"文件名“{file_name}”会写到文件夹 {folder} 之外，已拒绝。")
    return path


def distinct_files(names: dict[str, str]) -> None:
    """Refuse when two names map to one file name (``names``: name -> file name)."""
    seen: dict[str, str] = {}
    for name, file_name in names.items():
        key = file_name.casefold()  # Windows and macOS file names ignore case
        if key in seen:
            raise UsageError(f"“{seen[key]}”和“{name}”会写成同一个文件 {file_name}，请在名录中把其中一个改名。")
        seen[key] = name
