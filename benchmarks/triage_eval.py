"""Triage agreement with a hand-labelled set of real messages.

    python benchmarks/triage_eval.py

benchmarks/triage_labels.csv holds 310 real messages from ../shared/data/
(220 petitions from tipdm2020c/messages_with_replies, 90 hotline complaints
from fuzhou12345, drawn at random with seed 19), each labelled by hand with
the disposition docs/TRIAGE.md describes; 重点任务 is 是 for the opinions that
meet the conditions for rectification (立行立改). Rows 311-370 extend it with
60 concrete complaints (money not paid, a facility at a place, a system that
fails; 20 each, drawn with seed 1206 by keyword from the messages not yet
labelled), labelled before the rules were changed for them; their even rows
tune, their odd rows are held out. Only ids and labels are
kept here; the texts are read from ../shared/data/ when it is beside the
project. Prints per-disposition precision and recall, the confusion matrix,
and key-task precision, recall and F1, with the share cap off (the guideline
alone) and on (the default share, at most 22% of a batch).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[0].parent / "shared" / "data"
RULES = HERE.parents[0] / "templates" / "rules" / "处理方式.xlsx"


def _clean(value) -> str:
    return re.sub(r"\s+", "", str(value or ""))


def load_texts() -> dict[tuple[str, int], tuple[str, str | None]]:
    """(dataset, id) → (title + text, the file's own 性质 where it has one)."""
    from python_calamine import CalamineWorkbook

    out = {}
    rows = CalamineWorkbook.from_path(str(DATA / "tipdm2020c" / "messages_with_replies.xlsx")).get_sheet_by_index(0)
    rows = rows.to_python()
    h = rows[0]
    for r in rows[1:]:
        out[("tipdm2020c/messages_with_replies", int(r[h.index("留言编号")]))] = (
            _clean(r[h.index("留言主题")]) + _clean(r[h.index("留言详情")]),
            None,
        )
    rows = CalamineWorkbook.from_path(str(DATA / "fuzhou12345" / "hotline_rivers_2016_2020.xlsx"))
    rows = rows.get_sheet_by_name("汇总").to_python()
    h = rows[0]
    for r in rows[1:]:
        out[("fuzhou12345/汇总", int(r[h.index("id")]))] = (
            _clean(r[h.index("标题")]) + _clean(r[h.index("投诉件内容")]),
            _clean(r[h.index("性质")]),
        )
    return out


FIRST_SET = 310  # the first labelled set; the rows after it are the concrete complaints added


def _share(hits: list[bool]) -> str:
    return f"{sum(hits) / len(hits):.3f} ({sum(hits)}/{len(hits)})" if hits else "-"


def main() -> None:
    if not DATA.exists():
        print(f"data not found: {DATA} (it sits beside the project, in ../shared/data; not shipped)")
        return
    from rectikit.steps.classify import load_dispositions
    from rectikit.steps.triage import DISPOSITIONS, Settings, decide, select_key_tasks
    from rectikit.text.normalise import normalise_many

    with open(HERE / "triage_labels.csv", encoding="utf-8") as f:
        labels = list(csv.DictReader(f))
    texts = load_texts()
    rules = load_dispositions(RULES)
    picked = [texts[(r["数据集"], int(r["编号"]))] for r in labels]
    norms = normalise_many([t for t, _ in picked])
    for use_nature in (False, True):
        triages = [decide(n, rules, text=t, nature=nat if use_nature else None) for n, (t, nat) in zip(norms, picked)]
        truth = [r["处理方式"] for r in labels]
        pred = [t.disposition for t in triages]
        print(f"\n{len(labels)} hand-labelled messages; the file's 性质 column {'used' if use_nature else 'not used'}")
        agree = [a == b for a, b in zip(truth, pred)]
        first, more = agree[:FIRST_SET], agree[FIRST_SET:]
        print(
            f"disposition agreement {sum(agree) / len(agree):.3f}; first {FIRST_SET}: even rows, looked at while "
            f"writing the default word lists: {_share(first[0::2])}; odd rows, never looked at: {_share(first[1::2])}"
        )
        print(
            f"  the {len(more)} concrete complaints added: tuning half {_share(more[0::2])}, "
            f"held-out half {_share(more[1::2])}"
        )
        print(f"{'':8}{'labelled':>9}{'precision':>10}{'recall':>8}")
        for d in DISPOSITIONS:
            tp = sum(a == b == d for a, b in zip(truth, pred))
            p, n = sum(b == d for b in pred), sum(a == d for a in truth)
            print(f"{d:8}{n:>9}{tp / p if p else 0:>10.3f}{tp / n if n else 0:>8.3f}")
        print("confusion (rows: labelled, columns: triage)", "  ".join(d[:2] for d in DISPOSITIONS))
        cm = Counter(zip(truth, pred))
        for a in DISPOSITIONS:
            print(f"  {a:6}", " ".join(f"{cm[(a, b)]:>4}" for b in DISPOSITIONS))
        key_truth = [r["重点任务"] == "是" for r in labels]
        for cap in (1.0, Settings().max_share):
            for t in triages:
                t.key_task = False
            select_key_tasks(triages, [1] * len(triages), Settings(max_share=cap))
            got = [t.key_task for t in triages]
            tp = sum(a and b for a, b in zip(key_truth, got))
            p, r = tp / max(sum(got), 1), tp / max(sum(key_truth), 1)
            f1 = 2 * p * r / (p + r) if p + r else 0
            print(
                f"key tasks, share cap {cap:.0%}: chosen {sum(got)} of {len(got)} (labelled {sum(key_truth)}), "
                f"precision {p:.3f} recall {r:.3f} F1 {f1:.3f}"
            )


if __name__ == "__main__":
    main()
