"""Normalise Chinese feedback text for comparison (never for storage).

Two citizens who report the same problem write it differently: full-width or
half-width characters, other punctuation, traditional characters, "三个月"
or "3个月", an opening "希望" or "建议", a closing "谢谢". The comparison form
removes those differences so that what is left is the problem itself.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def cn_number(s: str) -> int | None:
    """二〇二〇 -> 2020 (digit by digit); 二十六 -> 26; 三百五十 -> 350; 十一 -> 11; 三四 (three or four)
    -> None."""
    if not s:
        return None
    if not any(ch in _CN_UNITS for ch in s):
        digits = [_CN_DIGITS.get(ch) for ch in s]
        first, second = (digits + [None, None])[:2]
        if len(s) == 2 and first is not None and second == first + 1 or s in ("一两", "两三"):
            return None  # 三四天 is three or four days, not 34
        return None if None in digits else int("".join(map(str, digits)))
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + section + (digit or 0)


# Chinese numbers are rewritten as digits only before a measure word, so that
# words like 一直, 统一, 十分 are left alone.
_MEASURE = "个|公里|里|米|年|月|日|天|次|趟|户|名|人|楼|层|元|块|万|小时|分钟|周|岁|所|家|条|项|辆|间|座|处|亩|吨|路"
_CN_NUM_RE = re.compile(rf"([零〇○一二两三四五六七八九十百千]+)(?=(?:{_MEASURE}))")
_NON_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")

OPENINGS = tuple(
    sorted(
        (
            "我想反映一下",
            "我想反映",
            "我要反映",
            "群众反映",
            "强烈建议",
            "强烈要求",
            "恳请",
            "希望",
            "建议",
            "反映",
            "我们这里",
            "我们这边",
            "我们",
            "关于",
            "请求",
            "请",
            "要求",
            "提议",
            # a problem posted again says so first: "再次反映……" is the same problem as "反映……"
            "再次反映",
            "再次投诉",
            "再次咨询",
            "再次举报",
            "再次",
            "重新反映",
            "继续反映",
            "第二次反映",
            "二次反映",
        ),
        key=len,
        reverse=True,
    )
)
CLOSINGS = tuple(sorted(("谢谢", "谢谢了", "感谢", "非常感谢", "谢谢领导", "谢谢政府"), key=len, reverse=True))

PLACE_SUFFIX = re.compile(
    r"(?=(街道|社区|小区|花园|大道|家园|小学|中学|医院|卫生院|市场|公园"
    # a one-character suffix followed by these is a word, not a place: 路灯, 村民, 县城, 河道
    r"|(?:村|镇|乡|县|区|市|路|街|巷|苑|河|桥|屯|组)(?![灯面口段况边民里上城道梁织域别委长干内外级])"
    # a numbered school (城关一中, 清水塘三小) where what follows is about the school, not 三小时 or 一小部分
    r"|[一二三四五六七八九十]{1,2}[小中](?=[门学附旁周的校老教前后]|$)))"
)
SUFFIX_CHARS = set("村镇乡县区市路街巷苑河桥屯组")


@lru_cache(maxsize=1)
def _indel():
    """rapidfuzz's Indel, imported once (an import inside same_problem cost 0.9 s per million pairs)."""
    from rapidfuzz.distance import Indel

    return Indel


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc

        return opencc.OpenCC("t2s").convert
    except Exception:  # no converter: traditional text stays as it is
        return lambda s: s


def _digits(m: re.Match) -> str:
    n = cn_number(m.group(1))
    return m.group(1) if n is None else str(n)


def _strip_boilerplate(s: str) -> str:
    changed = True
    while changed and s:
        changed = False
        if s.startswith(OPENINGS):  # one C-level test first: most texts open with none of them
            for o in OPENINGS:
                if s.startswith(o) and len(s) > len(o) + 3:
                    s, changed = s[len(o) :], True
                    break
        if s.endswith(CLOSINGS):
            for c in CLOSINGS:
                if s.endswith(c) and len(s) > len(c) + 3:
                    s, changed = s[: -len(c)], True
                    break
    return s


def normalise_many(texts: list[str]) -> list[str]:
    """Comparison forms of many texts; one traditional→simplified pass for all, each distinct text once
    (a list repeats its texts: 100k generated items hold 28k)."""
    distinct = list(dict.fromkeys(texts))
    pre = [_NON_WORD.sub("", unicodedata.normalize("NFKC", t or "").lower()) for t in distinct]
    simplified = _t2s()("\n".join(pre)).split("\n") if pre else []
    if len(simplified) != len(pre):  # a converter that changed line structure
        simplified = [_t2s()(p) for p in pre]
    forms = dict(zip(distinct, (_strip_boilerplate(_CN_NUM_RE.sub(_digits, s)) for s in simplified)))
    return [forms[t] for t in texts]


def normalise(text: str) -> str:
    return normalise_many([text])[0]


# A long letter reposted with a typo fixed is still the same letter: one fact that differs is forgiven per so
# many characters of the shorter text (same_problem); a shorter text is told apart by any.
CHARS_PER_SLIP = 150

FILLERS = frozenset("了的啊呢吧呀嘛哦")  # characters that slip into a text without changing it
_NO_FILLERS = str.maketrans("", "", "".join(FILLERS))


def same_problem(a: str, b: str, topics: Callable[[str], list[tuple[int, int, str]]] | None = None) -> bool:
    """Do two similar comparison forms differ only in wording?

    They do not when a stretch that differs names a fact the other text does
    not: a number (with the character after it: "3公里") or a place (the
    differing stretch up to a place suffix such as 村, 路, 街道, 医院 that
    starts in it or within two characters after it). "中山街道…" vs
    "河东街道…" or "市人民医院" vs "市第二人民医院" are different problems;
    "希望尽快解决" vs "望尽快解决" is the same one, and so is a repost that
    adds "A7县" to its greeting when the body names A7县 anyway. A single
    filler character that slipped in ("人民了医院") changes nothing.

    With ``topics`` (where a text names complaints: 路灯, 停水, 扰民 … as (start, end, word)), a
    change where each text names a complaint the other does not ("路灯不亮"
    where the other says "噪音扰民"), or where one does and the other wrote
    three or more other characters in its place, is a different problem too:
    template texts that share all their boilerplate otherwise read as the same.

    A long letter reposted with a typo fixed is still the same letter: one
    unmatched fact is tolerated per 150 characters of the shorter text, so a
    short complaint (hotline, survey) tolerates none.
    """
    if a == b:
        return True
    allowed = min(len(a), len(b)) // CHARS_PER_SLIP
    if not allowed and told_apart(a, b, topics):
        return False
    unmatched = 0
    for i1, i2, j1, j2 in _changes(a, b):
        if (i1 == i2 and j2 - j1 == 1 and b[j1] in FILLERS) or (j1 == j2 and i2 - i1 == 1 and a[i1] in FILLERS):
            continue
        for text, lo, hi, other in ((a, i1, i2, b), (b, j1, j2, a)):
            if lo == hi:
                continue
            for fact in _facts(text, lo, hi):
                if fact not in other:
                    unmatched += 1
        if unmatched > allowed:
            return False  # settled by the facts: the complaint words need not be read
        if topics is not None and i1 < i2 and j1 < j2:
            mine = [w for w in _words_in(a, i1, i2, topics) if w not in complaint_words(b, topics)]
            theirs = [w for w in _words_in(b, j1, j2, topics) if w not in complaint_words(a, topics)]
            # each names a complaint the other lacks; or one does and the other put something else there
            if (mine and theirs) or ((mine or theirs) and min(i2 - i1, j2 - j1) >= 3):
                unmatched += 1
        if unmatched > allowed:
            return False
    return True


@lru_cache(maxsize=1 << 17)
def complaint_words(text: str, topics: Callable[[str], list[tuple[int, int, str]]]) -> frozenset[str]:
    """The complaint words a text names. ``topics`` finds every occurrence of every word, overlaps
    included, so a word is in a text exactly when it is among these: set arithmetic, not a substring
    search per word."""
    return frozenset(w for _s, _e, w in topics(text))


def _changes(a: str, b: str) -> list[tuple[int, int, int, int]]:
    """The stretches where two texts differ, each as (a from, a to, b from, b to): the gaps between
    Indel's matching blocks (the last block is empty, at the ends of both texts), so deletions and
    insertions between two equal stretches come together."""
    out, pa, pb = [], 0, 0
    for block in _indel().opcodes(a, b).as_matching_blocks():
        if block.a > pa or block.b > pb:
            out.append((pa, block.a, pb, block.b))
        pa, pb = block.a + block.size, block.b + block.size
    return out


def _words_in(text: str, lo: int, hi: int, topics: Callable[[str], list[tuple[int, int, str]]]) -> list[str]:
    """The complaint words that overlap text[lo:hi]."""
    return [w for start, end, w in topics(text) if start < hi and end > lo]


def told_apart(a: str, b: str, topics: Callable[[str], list[tuple[int, int, str]]] | None = None) -> bool:
    """Two short texts told apart before any alignment: a number one names and the other nowhere
    contains (已经19天 and 已经10天), or, with ``topics``, each naming a complaint the other never mentions.
    Both depend only on the texts' numbers and complaint words, so a caller with many pairs can decide
    them once per pair of those (:func:`numbers_apart`, :func:`complaints_apart`)."""
    if numbers_apart(number_runs(a), number_runs(b)):
        return True
    return topics is not None and complaints_apart(complaint_words(a, topics), complaint_words(b, topics))


def number_runs(text: str) -> tuple[str, ...]:
    """The runs of digits a text names, fillers left out (a filler that slipped in changes nothing)."""
    return _layout(text).number_facts


@lru_cache(maxsize=1 << 16)
def numbers_apart(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Does one text name a number the other nowhere contains? A run of digits occurs in a text only
    inside one of its runs, so the runs decide it. A number not in the other text is in a stretch that
    differs, so the alignment would find it too; a number whose unit changed (3公里, 3公斤) is left to
    the alignment."""
    return any(all(n not in r for r in b) for n in a) or any(all(n not in r for r in a) for n in b)


@lru_cache(maxsize=1 << 16)
def complaints_apart(a: frozenset[str], b: frozenset[str]) -> bool:
    """Each names a complaint word the other never mentions."""
    return not a <= b and not b <= a


def _facts(text: str, lo: int, hi: int) -> list[str]:
    """Numbers and place names that the stretch text[lo:hi] is part of: each number that overlaps it
    (with the character after it), and the stretch up to a place suffix that starts in it or within two
    characters after it."""
    layout = _layout(text)
    out = [text[start : end + 1] for start, end in layout.numbers if end > lo and start < hi]
    suffixes = layout.suffixes
    at = bisect_left(suffixes, (lo, 0))
    if at < len(suffixes) and suffixes[at][0] <= hi + 2:
        out.append(text[lo : suffixes[at][0] + suffixes[at][1]])
    return out


class _Layout(NamedTuple):
    numbers: tuple[tuple[int, int], ...]  # where each run of digits starts and ends
    suffixes: tuple[tuple[int, int], ...]  # where a place suffix starts, and its length
    number_facts: tuple[str, ...]  # each run of digits, fillers left out


@lru_cache(maxsize=1 << 17)
def _layout(text: str) -> _Layout:
    """Where a text's numbers and place suffixes are: read once per text, as merging checks each text
    against dozens of others (the regular expressions run per stretch were a third of dedupe's time)."""
    return _Layout(
        tuple(m.span() for m in _DIGITS.finditer(text)),
        tuple((m.start(), len(m.group(1))) for m in PLACE_SUFFIX.finditer(text)),
        tuple(dict.fromkeys(_DIGITS.findall(text.translate(_NO_FILLERS)))),
    )


_PHONE_SEPARATORS = re.compile(r"[\s\-–—_./()（）]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$|^\d{7,8}$")


def phone_key(text: str | None) -> str | None:
    """One form for a phone number however it was typed (+86 138-1234-5678, 86 13812345678, full-width
    digits, spaces, brackets around an area code), or None when it is not a mobile or landline number:
    two lists naming the same person are told by it."""
    s = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", str(text or "")))
    s = s.removeprefix("+")
    for prefix in ("0086", "86"):
        if s.startswith(prefix) and _MOBILE.match(s[len(prefix) :]):
            s = s[len(prefix) :]
            break
    return s if _MOBILE.match(s) or _LANDLINE.match(s) else None


def mobile_key(text: str | None) -> str | None:
    """:func:`phone_key` when the number is a mobile (one a text message can reach), else None."""
    key = phone_key(text)
    return key if key and _MOBILE.match(key) else None
