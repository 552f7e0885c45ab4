"""How official documents say numbers, dates and lists in Chinese.

Shares are cut, not rounded, to one decimal, as offices write them (19/127
is 14.9%, 14/127 is 11%), so a column of shares never adds up to more than
there is; equal counts are said once ("B、C各 4 件、各占 3.1%").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

_CN = "零一二三四五六七八九"
PLACEHOLDER = re.compile(r"(【[^【】]*】)")  # a place the office fills in; split() keeps it as every odd part
_NO_BREAK_AFTER = "《“（(〔【"
_NO_BREAK_BEFORE = "》”）)〕】、，。：；"
# Terms of the trade a title line should not split, though the word cutter sees two or three words in each.
_TERMS = (
    "群众意见建议",
    "意见建议",
    "社会评价",
    "绩效考评",
    "领导小组",
    "整改情况",
    "整改方案",
    "整改任务",
    "办公室文件",
    "分析报告",
    "调查报告",
)


def _width(text: str) -> float:
    """Characters a text takes on a line: half for a Latin letter or digit."""
    return sum(0.5 if ch.isascii() else 1 for ch in text)


def _spans(term: str, before: str, after: str) -> bool:
    """Whether ``term`` runs across the boundary of two words."""
    return term in before + after and term not in before and term not in after


def break_title(title: str, per_line: int) -> list[str]:
    """A title in lines of about equal length, each at most ``per_line`` characters, broken between words
    (never inside 群众意见建议 or after 《), as a title is set in an official document."""
    import rjieba

    if _width(title) <= per_line:
        return [title]
    words: list[str] = []
    for w in rjieba.cut(title):  # glue brackets, punctuation and the trade's terms to their word
        if words and (
            words[-1][-1] in _NO_BREAK_AFTER
            or w[0] in _NO_BREAK_BEFORE
            or (words[-1][-1].isdigit() and w[0] in "年月日期项条号件届次")
            or (words[-1][-1] == "第" and w[0].isdigit())
            or any(_spans(term, words[-1][-6:], w) for term in _TERMS)
        ):
            words[-1] += w
        else:
            words.append(w)
    pieces = []  # a word longer than a line is cut into line-long pieces
    for w in words:
        while _width(w) > per_line:
            cut = next(k for k in range(len(w), 0, -1) if _width(w[:k]) <= per_line)
            pieces.append(w[:cut])
            w = w[cut:]
        pieces.append(w)
    for count in range(math.ceil(_width(title) / per_line), len(pieces) + 1):
        lines = _balanced(pieces, count, per_line)
        if lines:
            return lines
    return pieces


def _balanced(words: Sequence[str], count: int, per_line: float) -> list[str] | None:
    """``words`` in ``count`` lines no longer than ``per_line``, as even as can be (least squared
    difference from the mean), or None."""
    n, mean = len(words), sum(map(_width, words)) / count
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(count + 1)]  # best[k][j]: first j words in k lines
    back = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for k in range(1, count + 1):
        for j in range(1, n + 1):
            for i in range(j - 1, -1, -1):
                width = _width("".join(words[i:j]))
                if width > per_line:
                    break
                cost = best[k - 1][i] + (width - mean) ** 2
                if cost < best[k][j]:
                    best[k][j], back[k][j] = cost, i
    if best[count][n] == inf:
        return None
    lines, j = [], n
    for k in range(count, 0, -1):
        i = back[k][j]
        lines.append("".join(words[i:j]))
        j = i
    return lines[::-1]


def cn_ordinal(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 35 -> 三十五."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def share_text(n: int, total: int, rounding: str = "cut") -> str:
    """n/total as a percentage to one decimal, cut (30/127 → 23.6%, 14/127 → 11%)
    or, with ``rounding="round"``, rounded half up (19/127 → 15%)."""
    if total <= 0:
        return "0%"
    tenths = n * 1000 // total if rounding == "cut" else (n * 2000 + total) // (2 * total)
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth}%" if tenth else f"{whole}%"


def with_shares(counts: Sequence[tuple[str, int]], total: int, rounding: str = "cut") -> list[tuple[str, int, str]]:
    """(name, count) pairs with each share of ``total`` as printed."""
    return [(name, n, share_text(n, total, rounding)) for name, n in counts]


def listing(rows: Sequence[tuple[str, int, str]], unit: str = "件") -> str:
    """ "A 30 件、占 23.6%，B、C各 4 件、各占 3.1%": equal counts are said once."""
    parts, k = [], 0
    while k < len(rows):
        same = [r for r in rows[k:] if r[1] == rows[k][1]]
        _, n, share = same[0]
        if len(same) == 1:
            parts.append(f"{same[0][0]} {n} {unit}、占 {share}")
        else:
            parts.append(f"{'、'.join(r[0] for r in same)}各 {n} {unit}、各占 {share}")
        k += len(same)
    return "，".join(parts)
