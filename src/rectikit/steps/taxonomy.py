"""The category table an office edits: levels, keywords, and a roll-up.

Offices sort feedback by domain (seed 001: 教育、医疗、就业、社会保障、城市管理、
环境保护、基础设施建设、社会治安、民生改善、营商环境) and report it folded into a
few aspects (seed 003: 经济发展、教育事业、社会保障、交通建设、环境保护、社会治安).
The table has one row per category path; keywords (with an optional weight,
"路灯:2") drive the rule classifier. A plain three-level tree with no
keyword column, such as a petition platform's, loads as it is: the lower
levels' names serve as keywords of the first level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base.errors import InvalidDataError, WorkspaceError
from rectikit.base.problems import ERROR, Issue, Report

TAXONOMY_FILE = "分类体系.xlsx"
HEADERS = ["一级分类", "二级分类", "三级分类", "关键词", "所属方面"]
_LEVEL_NAMES = ("一级分类", "二级分类", "三级分类")


@dataclass
class Category:
    name: str  # first level: what items are labelled with
    aspect: str = ""
    keywords: dict[str, float] = field(default_factory=dict)
    subcategories: list[str] = field(default_factory=list)


@dataclass
class Taxonomy:
    categories: dict[str, Category] = field(default_factory=dict)
    _matcher: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def names(self) -> list[str]:
        return list(self.categories)

    def aspect(self, name: str | None) -> str:
        c = self.categories.get(name or "")
        return c.aspect if c else ""

    def scores(self, norm: str) -> list[tuple[str, float, list[str]]]:
        """Every category whose keywords occur in ``norm``: name, score (each keyword's weight times
        its occurrences, at most three) and the words in the table's order, best first.

        All keywords are found in one Aho-Corasick pass (the table is read once per run): a
        keyword-by-keyword ``str.count`` made 27.9 M calls for 100k items."""
        if self._matcher is None:
            self._matcher = self._build_matcher()
        ac, owners = self._matcher
        if ac is None:
            return []
        hits: dict[int, int] = {}
        for word, _start, _end in ac.find_matches_as_indexes(norm, overlapping=True):
            hits[word] = hits.get(word, 0) + 1
        found: dict[str, list] = {}
        for word, n in hits.items():
            for name, order, weight, text in owners[word]:
                entry = found.setdefault(name, [0.0, []])
                entry[0] += weight * min(n, 3)
                entry[1].append((order, text))
        ranked = [(name, score, [w for _, w in sorted(words)]) for name, (score, words) in found.items()]
        order = {name: k for k, name in enumerate(self.categories)}
        return sorted(ranked, key=lambda r: (-r[1], order[r[0]]))

    def _build_matcher(self) -> tuple:
        from ahocorasick_rs import AhoCorasick

        words: dict[str, int] = {}
        owners: list[list[tuple[str, int, float, str]]] = []
        for c in self.categories.values():
            for order, (word, weight) in enumerate(c.keywords.items()):
                if word not in words:
                    words[word] = len(owners)
                    owners.append([])
                owners[words[word]].append((c.name, order, weight, word))
        return (AhoCorasick(list(words)) if words else None), owners


def parse_keywords(cell: str) -> dict[str, float]:
    """ "路灯 坑洼:2，学位" -> {"路灯": 1, "坑洼": 2, "学位": 1}. A weight that is not a positive finite
    number (坑洼:x, 坑洼:nan, 坑洼:-1) is a ValueError with a Chinese message: it would skew every score."""
    out: dict[str, float] = {}
    text = str(cell or "").replace("：", ":")
    for token in text.replace("，", " ").replace(",", " ").replace("、", " ").replace("；", " ").split():
        word, _, weight = token.partition(":")
        word = word.strip()
        if not word:
            continue
        try:
            value = float(weight) if weight else 1.0
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and 0 < value <= 100):
            raise ValueError(f"关键词“{token}”的权重应为 0 到 100 之间的数（如 坑洼:2），收到“{weight}”。")
        out[word] = value
    return out


def keywords_or_issue(t, row: list, r: int, report: Report, column: str = "关键词") -> dict[str, float]:
    """The keywords of a rule-table row, or none with the problem added to ``report`` (file, row, column)."""
    try:
        return parse_keywords(t.text(row, column))
    except ValueError as e:
        report.add(
            Issue(
                "bad-keyword-weight",
                str(e),
                ERROR,
                file=t.file,
                sheet=t.sheet,
                row=r,
                column=column,
                value=t.text(row, column),
            )
        )
        return {}


def load(path: Path) -> Taxonomy:
    """Load a category table (this project's layout or a bare level tree)."""
    from rectikit.files.readers import read_table

    t = read_table(path, ["一级分类"], what="分类体系表")
    report = Report()
    tax = Taxonomy()
    for r, row in t.records():
        name = t.text(row, "一级分类")
        if not name:
            report.add(
                Issue(
                    "missing-category",
                    "此行一级分类为空。",
                    ERROR,
                    file=t.file,
                    sheet=t.sheet,
                    row=r,
                    column="一级分类",
                )
            )
            continue
        c = tax.categories.setdefault(name, Category(name))
        c.aspect = t.text(row, "所属方面") or c.aspect
        c.keywords.update(keywords_or_issue(t, row, r, report))
        for level in _LEVEL_NAMES[1:]:
            sub = t.text(row, level)
            if sub and sub not in c.subcategories:
                c.subcategories.append(sub)
                c.keywords.setdefault(sub, 1.0)
        c.keywords.setdefault(name, 1.0)
    if report.errors:
        raise InvalidDataError(f"分类体系表 {t.file} 有 {len(report.errors)} 处错误。", report=report)
    return tax


def workspace_taxonomy(ws) -> Taxonomy:
    """The category table of a workspace (rules/分类体系.xlsx)."""
    path = ws.rules_dir / TAXONOMY_FILE
    if not path.exists():
        raise WorkspaceError(
            f"找不到分类体系表 {path}。",
            hint="从其他工作区复制，或在新文件夹 rectikit init 后复制其中的 rules/分类体系.xlsx。",
        )
    return load(path)
