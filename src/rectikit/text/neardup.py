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

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from rectikit.base.parallel import side_by_side
from rectikit.text.normalise import normalise_many, same_problem
from rectikit.text.specificity import named_places, topics

# 16 bands of 6 rows: a pair with bigram Jaccard 0.8 becomes a candidate with
# p = 0.997, one with 0.5 with p = 0.22. On 100k template-like texts this kept
# every true pair while giving 4.5x fewer candidates than 16 bands of 4.
NUM_PERM = 96
BANDS = 16
# A bucket holding more texts than this is a template phrase shared by many
# unrelated items, not evidence: it is skipped. True near-duplicates share
# about 6 of the 16 bands, so other bands still pair them. Without the cap the
# candidates grew with the square of the item count (11 GB at 1M items).
MAX_BUCKET = 50
_MASK32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True)
class Group:
    members: tuple[int, ...]  # indexes into the input texts, ascending
    score: float  # the lowest similarity between two members (1.0 when identical)
    signals: tuple[str, ...] = ()  # what joined them: "body", "title", "rewrite", "words" (see find_groups)
    shared: tuple[str, ...] = ()  # the uncommon words a rewritten re-post shares with the first post


def minhash_signatures(norms: Sequence[str], num_perm: int = NUM_PERM, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures of the texts' character bigrams (a one-character
    text uses the character). Returns (row indexes that have shingles, sig)."""
    n = len(norms)
    lens = np.fromiter((len(t) for t in norms), dtype=np.int64, count=n)
    if not lens.sum():
        return np.zeros(0, np.int64), np.zeros((0, num_perm), np.uint32)
    cp = np.frombuffer("".join(norms).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    owner = np.repeat(np.arange(n), lens)
    same = owner[:-1] == owner[1:]
    grams = ((cp[:-1] << np.uint64(21)) | cp[1:])[same]
    gram_owner = owner[:-1][same]
    singles = np.flatnonzero(lens == 1)
    if singles.size:  # one-character texts: the character itself, marked apart from bigrams
        starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
        grams = np.concatenate((grams, cp[starts[singles]] | np.uint64(1 << 62)))
        gram_owner = np.concatenate((gram_owner, singles))
        order = np.argsort(gram_owner, kind="stable")
        grams, gram_owner = grams[order], gram_owner[order]
    rows, seg = np.unique(gram_owner, return_index=True)
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    sig = np.empty((rows.size, num_perm), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for k in range(num_perm):
            h = (grams * a[k] + b[k]) >> np.uint64(32)
            sig[:, k] = np.minimum.reduceat(h, seg).astype(np.uint32)
    return rows, sig


def lsh_candidates(rows: np.ndarray, sig: np.ndarray, bands: int = BANDS, max_bucket: int = MAX_BUCKET) -> np.ndarray:
    """Pairs (i, j), i < j, of row indexes that share at least one band."""
    m, num_perm = sig.shape
    r = num_perm // bands
    rng = np.random.default_rng(7)
    mult = rng.integers(1, 2**63, size=r, dtype=np.uint64) | np.uint64(1)
    found = []
    with np.errstate(over="ignore"):
        for band in range(bands):
            block = sig[:, band * r : (band + 1) * r].astype(np.uint64)
            key = np.zeros(m, dtype=np.uint64)
            for c in range(r):
                key = (key ^ block[:, c]) * mult[c]
            order = np.argsort(key, kind="stable")
            skey = key[order]
            starts = np.flatnonzero(np.concatenate(([True], skey[1:] != skey[:-1])))
            sizes = np.diff(np.append(starts, m))
            keep = (sizes > 1) & (sizes <= max_bucket)
            if not keep.any():
                continue
            member = np.repeat(keep, sizes)  # positions in buckets worth pairing
            pos = np.flatnonzero(member)
            okey, oidx = skey[pos], order[pos]
            for d in range(1, max_bucket):
                same = np.flatnonzero(okey[:-d] == okey[d:])
                if not same.size:
                    break
                found.append(np.stack((oidx[same], oidx[same + d]), axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    pairs = np.sort(pairs, axis=1)
    code = pairs[:, 0].astype(np.int64) * m + pairs[:, 1]
    code.sort()  # sort-based unique: np.unique hashed 8.8M codes 6x slower
    code = code[np.concatenate(([True], code[1:] != code[:-1]))]
    i, j = np.divmod(code, m)
    return np.stack((rows[i], rows[j]), axis=1)


PARALLEL_PAIRS = 100_000  # from here close pairs are checked in two processes
_FORMS: Sequence[str] = ()  # a worker's copy of the texts, set once when it starts


def _keep_forms(forms: Sequence[str]) -> None:
    global _FORMS
    _FORMS = forms


def _check(forms: Sequence[str] | None, pairs: np.ndarray) -> list[bool]:
    forms = _FORMS if forms is None else forms
    return [same_problem(forms[i], forms[j], topics) for i, j in pairs.tolist()]


def same_problems(forms: Sequence[str], pairs: np.ndarray) -> list[bool]:
    """:func:`same_problem` for each pair of indexes into ``forms``. The rule is Python (1.1 M close
    pairs of 100k template-like texts take 7 s), so a long list is split over two processes; the
    worker receives the texts once and then only indexes."""
    if len(pairs) < PARALLEL_PAIRS:
        return _check(forms, pairs)
    half = len(pairs) // 2
    mine, theirs = side_by_side(
        lambda: _check(forms, pairs[:half]),
        _check,
        None,
        pairs[half:],
        initializer=_keep_forms,
        initargs=(list(forms),),
    )
    return mine + theirs


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
        self.rewrites = _rewrites(norms, titles) if titles else {}
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
            and _about_one_place(a, b, self.norms[i], self.norms[j])
        )

    def rules_ok(self, i: int, j: int) -> bool:
        return (i, j) not in self.forbidden and same_problem(self.norms[i], self.norms[j], topics)

    def score(self, i: int, j: int) -> float | None:
        """The similarity if the pair passes, else None."""
        key = (i, j) if i < j else (j, i)
        if key not in self.cache:
            from rapidfuzz.distance import Indel

            s = Indel.normalized_similarity(self.norms[key[0]], self.norms[key[1]])
            passes = s >= self.threshold and self.rules_ok(*key)
            if not passes and self.titles_agree(*key, s):
                passes, self.signal[key] = True, "title"
            if not passes and key in self.rewrites and key not in self.forbidden:
                passes, self.signal[key] = True, "rewrite"
            self.cache[key] = s if passes else None
        return self.cache[key]


def _about_one_place(title_a: str, title_b: str, body_a: str, body_b: str) -> bool:
    """A title names the place (龙津河很臭的问题), or both bodies name one and no other places or
    numbers apart: hotline titles such as 深夜施工扰民 are shared by complaints about many places.
    (Requiring the bodies to agree on places even when the titles name one cost a fifth of the
    re-posts on real petitions, whose rewritten letters add details.)"""
    if _places_of(title_a) & _places_of(title_b):  # a place in the title: strong, even when the letter was rewritten
        return True
    return bool(set(named_places(body_a)) & set(named_places(body_b))) and not _facts_differ(body_a, body_b)


TITLE_MIN = 6  # a title shorter than this ("道路问题") says too little to match on
TITLE_THRESHOLD = 0.9
TITLE_BODY_FLOOR = 0.1  # rewritten re-posts measured 0.13-0.75 against the first post
TITLE_BLOCK_MAX = 20  # a title shared by more texts than this is a generic one, not a re-post


REWRITE_TITLE = 0.8  # titles of a re-post whose letter was rewritten: 噪音/噪声, a county added or left out
RARE_DF = 3  # a word in at most this many texts of a batch names something particular (海阔天空KTV, 五一桥)
RARE_SHARE = 100  # ... and in at most one text in this many: in a small batch every word is rare
REWRITE_WORDS = 2  # uncommon words both bodies use: one can be chance (停办 in two questions on one policy)
_PLAIN = re.compile(r"[\da-z.]+")  # numbers and latin letters (a7, 369): masked places, dates, counts


def _rewrites(forms: Sequence[str], titles: Sequence[str]) -> dict[tuple[int, int], tuple[str, ...]]:
    """Pairs of texts posted again in other words: titles alike (at least REWRITE_TITLE, naming no
    places apart, neither a title many texts carry such as 来自短信诉求) and bodies sharing words that few
    texts of the batch use. The words are what the
    reviewer is shown. A rewritten letter adds dates and details and keeps its particulars: the
    company, the bridge, the school."""
    limit = min(RARE_DF, len(forms) // RARE_SHARE)
    if limit < 2:
        return {}
    import rjieba
    from rapidfuzz.distance import Indel

    holders: dict[str, list[int]] = {}
    for u, form in enumerate(forms):
        for w in set(rjieba.cut(form)):
            if len(w) >= 2 and not _PLAIN.fullmatch(w):
                holders.setdefault(w, []).append(u)
    shared: dict[tuple[int, int], list[str]] = {}
    for w, us in holders.items():
        if 2 <= len(us) <= limit:
            for k, a in enumerate(us):
                for b in us[k + 1 :]:
                    shared.setdefault((a, b), []).append(w)
    uses: dict[str, int] = {}
    for t in titles:
        uses[t] = uses.get(t, 0) + 1
    out = {}
    for (a, b), words in shared.items():
        ta, tb = titles[a], titles[b]
        if (
            len(words) >= REWRITE_WORDS
            and max(uses[ta], uses[tb]) <= TITLE_BLOCK_MAX
            and min(len(ta), len(tb)) >= TITLE_MIN
            and Indel.normalized_similarity(ta, tb) >= REWRITE_TITLE
            and not _places_apart(ta, tb)
        ):
            out[(a, b)] = tuple(sorted(words, key=lambda w: (-len(w), w)))
    return out


def _places_apart(a: str, b: str) -> bool:
    """Both name places and none in common (渌口区 / 芦淞区)."""
    pa, pb = _places_of(a), _places_of(b)
    return bool(pa and pb and not pa & pb)


def _title_candidates(titles: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs of units whose titles may be near-identical: the same title,
    or near-identical ones found by MinHash over the titles."""
    by_title: dict[str, list[int]] = {}
    for u, t in enumerate(titles):
        if len(t) >= TITLE_MIN:
            by_title.setdefault(t, []).append(u)
    pairs = {
        (a, b) for us in by_title.values() if len(us) <= TITLE_BLOCK_MAX for k, a in enumerate(us) for b in us[k + 1 :]
    }
    named = [u for u, t in enumerate(titles) if len(t) >= TITLE_MIN]
    if len(named) > 1:
        rows, sig = minhash_signatures([titles[u] for u in named])
        pairs |= {(named[int(i)], named[int(j)]) for i, j in lsh_candidates(rows, sig)}
    return sorted(pairs)


SEMANTIC_MAX = 20_000  # texts: the all-pairs word comparison grows with the square (about 5 s at 20k)


def _word_pairs(forms: Sequence[str], threshold: float) -> list[tuple[int, int]]:
    """Pairs whose words (jieba, TF-IDF weighted) are alike: the same problem retold in other words.
    On 2,816 real petition messages, cosine >= 0.6 alone found 4 of the 11 re-posts that bodies and
    titles missed (and 18 other pairs); after find_groups drops pairs naming places or numbers apart,
    one new pair is left."""
    import rjieba
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(tokenizer=rjieba.cut, token_pattern=None, lowercase=False, sublinear_tf=True).fit_transform(
        forms
    )
    out: list[tuple[int, int]] = []
    for start in range(0, x.shape[0], 1000):  # bounded memory: 1000 rows of similarities at a time
        sim = (x[start : start + 1000] @ x.T).toarray()
        rows, cols = np.nonzero(sim >= threshold)
        rows += start
        keep = cols > rows
        out.extend(zip(rows[keep].tolist(), cols[keep].tolist()))
    return out


_NUMBER = re.compile(r"\d+\D?")


def _places_of(text: str) -> set[str]:
    """Every place a text names, counties and districts included."""
    return set(named_places(text)) | set(named_places(text, regions=True))


def _facts_differ(a: str, b: str) -> bool:
    """Each text names a place or a number the other does not (中山街道 / 河东街道, 8个月 / 2个月),
    beyond one per 150 characters: different problems, however alike the words."""
    fa, fb = _places_of(a) | set(_NUMBER.findall(a)), _places_of(b) | set(_NUMBER.findall(b))
    allowed = min(len(a), len(b)) // 150  # a long letter retold may add a date: as same_problem tolerates
    return len(fa - fb) > allowed and len(fb - fa) > allowed


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
    title_pairs = _title_candidates(unit_titles) if unit_titles else []
    # 3. verify in bulk; both cores score the pairs
    matches: list[tuple[float, int, int]] = []
    if len(pairs):
        from rapidfuzz import process
        from rapidfuzz.distance import Indel

        left = [forms[i] for i in pairs[:, 0]]
        right = [forms[j] for j in pairs[:, 1]]
        scores = process.cpdist(left, right, scorer=Indel.normalized_similarity, workers=-1)
        close = np.flatnonzero(scores >= threshold)
        for k, same in zip(close, same_problems(forms, pairs[close])):
            i, j = int(pairs[k, 0]), int(pairs[k, 1])
            s = float(scores[k])
            if same and (i, j) not in judge.forbidden:
                judge.cache[(i, j)] = s
                matches.append((s, i, j))
            else:
                judge.cache[(i, j)] = None
    for i, j in [*title_pairs, *judge.rewrites]:
        if (passed := judge.score(i, j)) is not None:
            matches.append((passed, i, j))
    if words and 1 < len(forms) <= SEMANTIC_MAX:
        from rapidfuzz.distance import Indel

        for i, j in _word_pairs(forms, words):
            if (i, j) in judge.cache or (i, j) in banned or _facts_differ(forms[i], forms[j]):
                continue
            s = Indel.normalized_similarity(forms[i], forms[j])
            judge.cache[(i, j)], judge.signal[(i, j)] = s, "words"
            matches.append((s, i, j))
    elif words:
        say(f"{len(forms)} 条超过 {SEMANTIC_MAX} 条，不做用词相近的比对")
    # 4. complete linkage over the unique forms
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
