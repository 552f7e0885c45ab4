"""The units directory (单位名录): full names, short names and aliases.

Offices write the same unit many ways (市住建局 = 市住房城乡建设局 =
桂中市住房和城乡建设局). Every unit named in a rule table, a returned
workbook or an import is resolved through this table; an unknown name stops
with the closest known names.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rectikit.base.errors import InvalidDataError
from rectikit.base.names import file_part, name_problem
from rectikit.base.problems import ERROR, Issue, Report, Where

UNITS_FILE = "单位名录.xlsx"
HEADERS = ["单位全称", "简称/别名（用;分隔）", "层级", "责任领导", "联系人", "联系电话"]


@dataclass(frozen=True)
class Unit:
    name: str
    aliases: tuple[str, ...] = ()
    level: str = ""
    leader: str = ""
    contact: str = ""
    phone: str = ""


def _key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(name)).split()).replace("（", "(").replace("）", ")")


class Directory:
    def __init__(self, units: list[Unit]):
        self.units = {u.name: u for u in units}
        self._by_key: dict[str, str] = {}
        self._resolved: dict[str, str | None] = {}
        for u in units:
            for n in (u.name, *u.aliases):
                self._by_key.setdefault(_key(n), u.name)

    def resolve(self, name: str) -> str | None:
        """The full name a name or alias stands for (remembered: assign asks the same few names for
        every item)."""
        if name not in self._resolved:
            self._resolved[name] = self._by_key.get(_key(name))
        return self._resolved[name]

    def closest(self, name: str, limit: int = 3) -> list[str]:
        from rapidfuzz import fuzz, process

        hits = process.extract(_key(name), list(self._by_key), scorer=fuzz.WRatio, limit=limit * 3)
        out: list[str] = []
        for key, _score, _ in hits:
            full = self._by_key[key]
            if full not in out:
                out.append(full)
        return out[:limit]

    def unknown_message(self, name: str) -> str:
        near = self.closest(name)
        return (
            f"单位名录中没有“{name}”"
            + (f"，是否是：{'、'.join(near)}？" if near else "。")
            + "可在单位名录中补充简称或别名。"
        )


def load(path: Path) -> Directory:
    from rectikit.files.readers import read_table

    path = Path(path)
    if not path.exists():
        raise InvalidDataError(f"找不到单位名录 {path}。")
    t = read_table(path, ["单位全称"], what="单位名录")
    alias_col = next((h for h in t.header if h.startswith("简称")), None)
    report = Report()
    units: list[Unit] = []
    seen: dict[str, tuple[str, int]] = {}
    files: dict[str, tuple[str, int]] = {}
    full: dict[str, int] = {}
    for r, row in t.records():
        name = t.text(row, "单位全称")
        if not name:
            continue
        where = Where(file=t.file, sheet=t.sheet, row=r, column="单位全称", value=name)
        problem = name_problem(name)
        if problem:  # a unit's name becomes the name of its task sheet
            report.add(Issue("bad-unit-name", f"单位名称{problem}", ERROR, **where))
        if _key(name) in full:
            report.add(
                Issue("duplicate-unit", f"单位全称与第{full[_key(name)]}行重复，每个单位只写一行。", ERROR, **where)
            )
            continue
        full[_key(name)] = r
        other = files.setdefault(file_part(name).casefold(), (name, r))
        if other[0] != name:
            report.add(
                Issue(
                    "same-file-name",
                    f"与第{other[1]}行“{other[0]}”写成文件名后相同，交办表会互相覆盖，请改名。",
                    ERROR,
                    **where,
                )
            )
        aliases = tuple(
            a.strip() for a in t.text(row, alias_col).replace("；", ";").replace("、", ";").split(";") if a.strip()
        )
        for n in (name, *aliases):
            k = _key(n)
            if k in seen and seen[k][0] != name:
                report.add(
                    Issue(
                        "ambiguous-alias",
                        f"“{n}”同时指向“{seen[k][0]}”（第{seen[k][1]}行）和“{name}”。",
                        ERROR,
                        file=t.file,
                        sheet=t.sheet,
                        row=r,
                        column=alias_col or "单位全称",
                        value=n,
                    )
                )
            seen.setdefault(k, (name, r))
        units.append(
            Unit(
                name,
                aliases,
                t.text(row, "层级"),
                t.text(row, "责任领导"),
                t.text(row, "联系人"),
                t.text(row, "联系电话"),
            )
        )
    if report.errors:
        raise InvalidDataError(f"单位名录 {t.file} 有 {len(report.errors)} 处错误。", report=report)
    return Directory(units)


def directory_of(ws) -> Directory | None:
    """The workspace's units directory, or None when it has none (documents then leave contacts out)."""
    path = ws.rules_dir / UNITS_FILE
    return load(path) if path.exists() else None
