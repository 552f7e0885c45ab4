"""How official documents say numbers, dates and lists in Chinese.

Shares are cut, not rounded, to one decimal, as offices write them (19/127
is 14.9%, 14/127 is 11%), so a column of shares never adds up to more than
there is; equal counts are said once ("B、C各 4 件、各占 3.1%").
"""

from __future__ import annotations

from collections.abc import Sequence

_CN = "零一二三四五六七八九"


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
    """"A 30 件、占 23.6%，B、C各 4 件、各占 3.1%": equal counts are said once."""
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
