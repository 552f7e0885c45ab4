"""Merging on real messages: ../shared/data/tipdm2020c/messages_with_replies.xlsx.

Citizens posted the same problem again with small edits or in other words.
Truth: pairs from the same user whose titles are near-identical (Indel
similarity of the comparison forms >= 0.8); the user id is used for scoring
alone, never for merging. The users are split in two by a hash of their id
(set before the rewrite signal was tuned): the tuning half and the set-aside
half are merged and scored apart, each as a batch of its own. Three modes:
bodies only (a file without a title column), bodies and titles (the
default), and with words alike too ([dedupe] words_threshold = 0.6).
Predicted pairs between different users are listed apart: most are the same
problem raised by two citizens, which this truth cannot credit, so precision
here is a lower bound (benchmarks/dedupe_handcheck.py checks it by hand).

    python benchmarks/dedupe_eval.py [threshold]
"""

from __future__ import annotations

import sys
import time
import zlib
from itertools import combinations
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tipdm2020c" / "messages_with_replies.xlsx"
HALVES = {0: "tuning half", 1: "set-aside half"}


def main(threshold: float = 0.8) -> None:
    if not DATA.exists():
        print(f"data not found: {DATA} (it sits beside the project, in ../shared/data; not shipped)")
        return
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(DATA)).get_sheet_by_index(0).to_python()
    head, body = rows[0], [r for r in rows[1:] if str(r[4]).strip()]
    user = head.index("留言用户")
    for half, name in HALVES.items():
        part = [r for r in body if zlib.crc32(str(r[user]).encode()) % 2 == half]
        evaluate(part, head, threshold, name)


def evaluate(body: list, head: list, threshold: float, name: str) -> None:
    from rapidfuzz.distance import Indel

    from rectikit.text.neardup import find_groups
    from rectikit.text.normalise import normalise_many

    user, title, text = head.index("留言用户"), head.index("留言主题"), head.index("留言详情")
    texts = [str(r[text]).strip() for r in body]
    titles = normalise_many([str(r[title]) for r in body])
    by_user: dict[str, list[int]] = {}
    for i, r in enumerate(body):
        by_user.setdefault(str(r[user]), []).append(i)
    truth = {
        (a, b)
        for ids in by_user.values()
        for a, b in combinations(ids, 2)
        if Indel.normalized_similarity(titles[a], titles[b]) >= 0.8
    }
    for label, use_titles, words in (
        ("bodies only", False, None),
        ("bodies and titles", True, None),
        ("bodies, titles and words (words_threshold 0.6)", True, 0.6),
    ):
        t = time.perf_counter()
        groups = find_groups(
            texts, threshold, titles=[str(r[title]) for r in body] if use_titles else None, words=words
        )
        report(groups, time.perf_counter() - t, truth, body, texts, title, user, threshold, f"{name}: {label}")


def report(groups, elapsed, truth, body, texts, title, user, threshold, label) -> None:
    predicted = {(a, b) for g in groups for a, b in combinations(g.members, 2)}
    same_user = {p for p in predicted if str(body[p[0]][user]) == str(body[p[1]][user])}
    hit = predicted & truth
    print(f"\n== {label} ==")
    print(f"messages {len(body)}, threshold {threshold}, time {elapsed:.2f} s")
    print(f"groups {len(groups)}, items merged away {sum(len(g.members) - 1 for g in groups)}")
    print(f"true pairs (same user, near-identical titles): {len(truth)}")
    print(
        f"predicted pairs: {len(predicted)} (same user {len(same_user)}, different users {len(predicted - same_user)})"
    )
    print(
        f"precision {len(hit) / max(len(predicted), 1):.3f} (same-user pairs only: "
        f"{len(hit) / max(len(same_user), 1):.3f}), recall {len(hit) / max(len(truth), 1):.3f}"
    )
    print("\nmissed true pairs (first 5):")
    for a, b in sorted(truth - predicted)[:5]:
        print(f"  {body[a][title]} | {body[b][title]}\n    {texts[a][:60]!r}\n    {texts[b][:60]!r}")
    print("\npredicted pairs between different users (first 8):")
    for a, b in sorted(predicted - same_user)[:8]:
        print(f"  {body[a][title]} | {body[b][title]}")
    rewritten = [g for g in groups if "rewrite" in g.signals]
    print(f"\ngroups joined by a rewritten re-post ({len(rewritten)}):")
    for g in rewritten:
        print(
            f"  {' | '.join(str(body[m][title]) for m in g.members)}  [{'、'.join(g.shared)}]"
            f"{'' if len({str(body[m][user]) for m in g.members}) == 1 else '  (different users)'}"
        )


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.8)
