"""Precision of merge proposals on real messages never used for tuning, checked by hand.

    python benchmarks/dedupe_handcheck.py

The fuzhou 12345 hotline complaints (../shared/data/fuzhou12345, sheet 汇总:
1,464 complaints about rivers, with 标题) go through `find_groups` with the
defaults (bodies and titles, threshold 0.8). The sample is the fifty
proposed pairs first in the order of a hash of their ids, so a change that
adds or drops pairs elsewhere leaves the rest of the sample in place; the
pairs joined by a rewritten re-post are all checked besides.
benchmarks/dedupe_handcheck.csv keeps the verdicts by complaint id (no
texts). The script redraws the sample, says which of its pairs were never
checked, and prints the count of wrong pairs.
"""

from __future__ import annotations

import csv
import re
import zlib
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[0].parent / "shared" / "data" / "fuzhou12345" / "hotline_rivers_2016_2020.xlsx"


def main() -> None:
    if not DATA.exists():
        print(f"data not found: {DATA} (it sits beside the project, in ../shared/data; not shipped)")
        return
    from python_calamine import CalamineWorkbook

    from rectikit.text.neardup import find_groups

    rows = CalamineWorkbook.from_path(str(DATA)).get_sheet_by_name("汇总").to_python()
    head = rows[0]
    body = [r for r in rows[1:] if str(r[head.index("投诉件内容")]).strip()]
    ids = [int(r[head.index("id")]) for r in body]
    texts = [re.sub(r"\s+", "", str(r[head.index("投诉件内容")])) for r in body]
    titles = [str(r[head.index("标题")]) for r in body]
    groups = find_groups(texts, 0.8, titles=titles)
    pairs = [(ids[a], ids[b]) for g in groups for a, b in combinations(g.members, 2)]
    print(f"{len(texts)} complaints, {len(groups)} groups proposed, {len(pairs)} pairs")
    pairs.sort(key=lambda p: zlib.crc32(f"{p[0]}-{p[1]}".encode()))
    rewritten = [(ids[a], ids[b]) for g in groups if "rewrite" in g.signals for a, b in combinations(g.members, 2)]
    with open(HERE / "dedupe_handcheck.csv", encoding="utf-8") as f:
        verdicts = {(int(r["编号A"]), int(r["编号B"])): r["人工判断"] for r in csv.DictReader(f)}
    sample = pairs[:50] + [p for p in rewritten if p not in pairs[:50]]
    checked = [verdicts.get(p) for p in sample]
    if None in checked:
        print("never checked by hand; check them:", [p for p, v in zip(sample, checked) if v is None])
    wrong = checked.count("不同问题")
    print(f"hand-checked sample of {len(sample)} pairs: {wrong} wrong (precision {1 - wrong / len(sample):.2f})")


if __name__ == "__main__":
    main()
