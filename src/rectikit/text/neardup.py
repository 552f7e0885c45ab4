"""Find groups of texts that say the same thing, at any scale.

1. Exact: texts whose comparison forms (:mod:`rectikit.text.normalise`) are equal.
2. Candidates: MinHash over character bigrams with LSH banding, in numpy,
   so the cost grows near-linearly with the number of texts (all-pairs
   similarity takes ~20 s for 10k texts and grows with the square).
3. Verification of every candidate with an exact score (rapidfuzz Indel
   similarity of the comparison forms) and a rule that keeps precision at
   scale: what differs between the two texts may not be a number or part of
   a place name (:func:`rectikit.text.normalise.same_problem`). Texts about
   different villages or roads are different problems even when they read
   alike.
4. Complete-linkage clustering: two groups join only if every pair across
   them passes, so a chain of pairwise matches cannot pull unrelated items
   into one group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from rectikit.base.parallel import in_halves

# 16 bands of 6 rows: a pair with bigram Jaccard 0.8 becomes a candidate with
# p = 0.997, one with 0.5 with p = 0.22. On 100k template-like texts this kept
# every true pair while giving 4.5x fewer candidates than 16 bands of 4.
from rectikit.text.minhash import lsh_candidates, minhash_signatures
from rectikit.text.normalise import (
    CHARS_PER_SLIP,
    complaint_words,
    complaints_apart,
    normalise_many,
    number_runs,
    numbers_apart,
    same_problem,
)
from rectikit.text.reposts import (
    SEMANTIC_MAX,
    TITLE_BODY_FLOOR,
    TITLE_MIN,
    TITLE_THRESHOLD,
    about_one_place,
    facts_differ,
    rewritten_pairs,
    title_candidates,
    word_pairs,
)
from rectikit.text.specificity import topics


@dataclass(frozen=True)
class Group:
    members: tuple[int, ...]  # indexes into the input texts, ascending
    score: float  # the lowest similarity between two members (1.0 when identical)
    signals: tuple[str, ...] = ()  # what joined them: "body", "title", "rewrite", "words" (see find_groups)
    shared: tuple[str, ...] = ()  # the uncommon words a rewritten re-post shares with the first post


PARALLEL_PAIRS = 100_000  # from here close pairs are checked in two processes


def _check(pairs: np.ndarray, forms: Sequence[str]) -> list[bool]:
    return [same_problem(forms[i], forms[j], topics) for i, j in pairs.tolist()]


def same_problems(forms: Sequence[str], pairs: np.ndarray) -> np.ndarray:
    """:func:`same_problem` for each pair of indexes into ``forms``. Short pairs told apart by their
    numbers or complaint words are decided in bulk, once per pair of those (most close pairs of
    template-like texts); the rest go through the rule, which is Python, so a long list of them is
    split over two processes."""
    same = ~_told_apart(forms, pairs)
    left = np.flatnonzero(same)
    same[left] = in_halves(_check, pairs[left], forms, at=PARALLEL_PAIRS)
    return same


def _told_apart(forms: Sequence[str], pairs: np.ndarray) -> np.ndarray:
    """:func:`told_apart` for each pair, decided once per pair of (numbers, complaint words) kinds."""
    if not len(pairs):
        return np.zeros(0, dtype=bool)
    kinds: dict[tuple, int] = {}
    kind = np.fromiter(
        (kinds.setdefault((number_runs(f), complaint_words(f, topics)), len(kinds)) for f in forms),
        dtype=np.int64,
        count=len(forms),
    )
    short = np.fromiter((len(f) < CHARS_PER_SLIP for f in forms), dtype=bool, count=len(forms))
    a, b = kind[pairs[:, 0]], kind[pairs[:, 1]]
    combos, back = np.unique(a * len(kinds) + b, return_inverse=True)
    named = list(kinds)
    verdict = np.fromiter(
        (
            numbers_apart(named[c // len(kinds)][0], named[c % len(kinds)][0])
            or complaints_apart(named[c // len(kinds)][1], named[c % len(kinds)][1])
            for c in combos.tolist()
        ),
        dtype=bool,
        count=len(combos),
    )
    return verdict[back.reshape(-1)] & (short[pairs[:, 0]] | short[pairs[:, 1]])


class _Judge:
    """Decides, with a cache, whether two comparison forms say the same thing."""

    def __init__(
        self,
        norms: Sequence[str],
        threshold: float,
        forbidden: set[tuple[int, int]],
        titles: Sequence[str] | None = None,
    ):
        self.norms = norms
        self.threshold = threshold
        self.forbidden = forbidden
        self.titles = titles
        self.rewrites = rewritten_pairs(norms, titles) if titles else {}
        self.cache: dict[tuple[int, int], float | None] = {}
        self.signal: dict[tuple[int, int], str] = {}  # which signal let a pair through, when not the body

    def titles_agree(self, i: int, j: int, body: float) -> bool:
        """A re-post with its body rewritten: near-identical, specific titles
        that name the same places and numbers, and bodies still on the same
        subject (similarity at least TITLE_BODY_FLOOR)."""
        if not self.titles or body < TITLE_BODY_FLOOR or (i, j) in self.forbidden:
            return False
        from rapidfuzz.distance import Indel

        a, b = self.titles[i], self.titles[j]
        return (
            min(len(a), len(b)) >= TITLE_MIN
            and Indel.normalized_similarity(a, b) >= TITLE_THRESHOLD
            and same_problem(a, b, topics)
            and about_one_place(a, b, self.norms[i], self.norms[j])
        )

    def rules_ok(self, i: int, j: int) -> bool:
        return (i, j) not in self.forbidden and same_problem(self.norms[i], self.norms[j], topics)

    def score(self, i: int, j: int) -> float | None:
        """The similarity if the pair passes, else None."""
        key = (i, j) if i < j else (j, i)
        if key not in self.cache:
            from rapidfuzz.distance import Indel

            s = Indel.normalized_similarity(self.norms[key[0]], self.norms[key[1]])
            if s >= self.threshold:  # bodies this close that the rule tells apart are two problems
                passes = self.rules_ok(*key)
            elif self.titles_agree(*key, s):
                passes, self.signal[key] = True, "title"
            else:
                passes = key in self.rewrites and key not in self.forbidden
                if passes:
                    self.signal[key] = "rewrite"
            self.cache[key] = s if passes else None
        return self.cache[key]


def find_groups(
    texts: Sequence[str],
    threshold: float = 0.8,
    *,
    forbidden: Iterable[tuple[int, int]] = (),
    norms: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    titles: Sequence[str | None] | None = None,
    words: float | None = None,
) -> list[Group]:
    """Groups of two or more texts that say the same thing.

    ``forbidden`` lists pairs (indexes into ``texts``) a person has said are
    not duplicates; no group will hold both. ``titles`` (a subject line per
    text, where the file has one) also finds a problem posted again with its
    body rewritten: its score stays the body's similarity, below the
    threshold, so such groups go to a reviewer and are never merged by
    ``--auto``. ``words`` (a cosine threshold) also joins texts whose words
    are alike though their characters are not (up to :data:`SEMANTIC_MAX`
    texts, and never two texts that each name a place or number the other
    does not); such groups go to a reviewer too. Each group says which
    signals joined it.
    """
    say = progress or (lambda _m: None)
    norms = list(norms) if norms is not None else normalise_many(list(texts))
    # 1. exact duplicates collapse to one unit per comparison form; an item
    # in a forbidden pair keeps a unit of its own, so the ban can hold even
    # against an identical text
    forbidden = list(forbidden)
    apart = {i for pair in forbidden for i in pair}
    uniq: dict = {}
    unit_of = [uniq.setdefault((t, idx) if idx in apart else t, len(uniq)) for idx, t in enumerate(norms)]
    forms = [k[0] if isinstance(k, tuple) else k for k in uniq]
    members: list[list[int]] = [[] for _ in forms]
    for idx, u in enumerate(unit_of):
        members[u].append(idx)
    banned = {(min(unit_of[a], unit_of[b]), max(unit_of[a], unit_of[b])) for a, b in forbidden}
    unit_titles = None
    if titles is not None and any(titles):
        first: dict[int, int] = {}
        for idx, u in enumerate(unit_of):
            first.setdefault(u, idx)
        unit_titles = normalise_many([titles[first[u]] or "" for u in range(len(forms))])
    judge = _Judge(forms, threshold, banned, unit_titles)
    say(f"{len(texts)} 条，去除完全相同后 {len(forms)} 条")
    # 2. candidates among the unique forms
    rows, sig = minhash_signatures(forms)
    pairs = lsh_candidates(rows, sig)
    say(f"候选对 {len(pairs)} 个")
    title_pairs = title_candidates(unit_titles) if unit_titles else []
    # 3. verify in bulk; both cores score the pairs
    matches = _close_pairs(forms, pairs, threshold, judge)
    for i, j in [*title_pairs, *judge.rewrites]:
        if (passed := judge.score(i, j)) is not None:
            matches.append((passed, i, j))
    if words and 1 < len(forms) <= SEMANTIC_MAX:
        from rapidfuzz.distance import Indel

        for i, j in word_pairs(forms, words):
            if (i, j) in judge.cache or (i, j) in banned or facts_differ(forms[i], forms[j]):
                continue
            s = Indel.normalized_similarity(forms[i], forms[j])
            judge.cache[(i, j)], judge.signal[(i, j)] = s, "words"
            matches.append((s, i, j))
    elif words:
        say(f"{len(forms)} 条超过 {SEMANTIC_MAX} 条，不做用词相近的比对")
    # 4. complete linkage over the unique forms
    return _linked(forms, members, matches, judge)


def _close_pairs(
    forms: Sequence[str], pairs: np.ndarray, threshold: float, judge: _Judge
) -> list[tuple[float, int, int]]:
    """The candidate pairs scored in bulk (both cores) and those close enough checked by the rule; the
    pairs that pass kept in the judge's cache."""
    matches: list[tuple[float, int, int]] = []
    if len(pairs):
        from rapidfuzz import process
        from rapidfuzz.distance import Indel

        left = [forms[i] for i in pairs[:, 0].tolist()]
        right = [forms[j] for j in pairs[:, 1].tolist()]
        scores = process.cpdist(left, right, scorer=Indel.normalized_similarity, workers=-1)
        close = np.flatnonzero(scores >= threshold)
        passed = close[same_problems(forms, pairs[close])]
        # only the pairs that pass are remembered: of a million close pairs of template texts, 4% pass, and
        # linking asks again after fewer than 2% of those that fail
        for i, j, s in zip(pairs[passed, 0].tolist(), pairs[passed, 1].tolist(), scores[passed].tolist()):
            if (i, j) not in judge.forbidden:
                judge.cache[(i, j)] = s
                matches.append((s, i, j))
    return matches


def _linked(forms: Sequence[str], members: list[list[int]], matches: list, judge: _Judge) -> list[Group]:
    """Complete linkage over the unique forms: two groups join only if every pair across them passes."""
    cluster = list(range(len(forms)))
    parts: dict[int, list[int]] = {u: [u] for u in range(len(forms))}
    joined: dict[int, set[str]] = {}
    particular: dict[int, tuple[str, ...]] = {}
    for _score, i, j in sorted(matches, reverse=True):
        ci, cj = cluster[i], cluster[j]
        if ci == cj:
            continue
        if all(judge.score(a, b) is not None for a in parts[ci] for b in parts[cj]):
            small, big = (ci, cj) if len(parts[ci]) < len(parts[cj]) else (cj, ci)
            for u in parts[small]:
                cluster[u] = big
            parts[big].extend(parts.pop(small))
            joined[big] = joined.pop(big, set()) | joined.pop(small, set()) | {judge.signal.get((i, j), "body")}
            particular[big] = particular.pop(big, ()) + particular.pop(small, ()) + judge.rewrites.get((i, j), ())
    groups = []
    for units in parts.values():
        idxs = sorted(i for u in units for i in members[u])
        if len(idxs) < 2:
            continue
        if len(units) == 1:
            score = 1.0
        else:
            score = min(judge.score(a, b) or 0.0 for k, a in enumerate(units) for b in units[k + 1 :])
        top = cluster[units[0]]
        groups.append(
            Group(
                tuple(idxs),
                round(float(score), 4),
                tuple(sorted(joined.get(top, ()))),
                tuple(dict.fromkeys(particular.get(top, ())))[:5],
            )
        )
    groups.sort(key=lambda g: g.members[0])
    return groups
