"""Disposition and key-task triage by the written guideline (docs/TRIAGE.md).

Seed 001 §4.1 sorts opinions four ways (立行立改 / 回访帮助 / 解读说明 /
引导化解) and seeds 003 and the task lists add 长期坚持; only opinions that
"符合整改条件" become key tasks (94 of 435 there). Each decision here says
which signals fired, so the office can check it and correct it in the
review workbook. The office's own words for each disposition come from its
rule table 处理方式.xlsx; the specificity signals are in
:mod:`rectikit.text.specificity`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rectikit.text.specificity import LABELS, signals

DISPOSITIONS = ("立行立改", "回访帮助", "解读说明", "引导化解", "长期坚持")
# What a disposition's keywords stand for when they fire (the rule table's rows).
_ROLE = {
    "引导化解": "venting",
    "解读说明": "policy",
    "回访帮助": "personal",
    "长期坚持": "structural",
    "立行立改": "ask",
}
_ROLE_LABELS = {
    "merged": "合并",
    "venting": "情绪宣泄",
    "policy": "政策咨询",
    "personal": "个人诉求",
    "structural": "长期性",
    "given": "原表处理方式",
    "learned": "学习模型",
}
# What a hotline's own 性质 column adds (fuzhou 12345: 投诉/咨询/建议/举报/求助).
_NATURE = {"咨询": "policy", "求助": "personal", "投诉": "problem", "举报": "problem"}
# An opinion that opens with these is a question first, whatever it mentions ("请问" is "问" by then: the
# comparison form drops an opening "请").
_ASKING = ("咨询", "请问", "询问", "想问", "请教")
# A letter about one's own case says "I" again and again ("我叫…是…村民，我家…"): that many times, it
# is a personal case even though it mentions villagers or neighbours.
FIRST_PERSON = 4
_I = re.compile(r"我(?![们市县区省乡镇村国党])")


def _first_person(norm: str) -> int:
    return len(_I.findall(norm))


# Priority points: how much each signal adds to a key task's rank.
WEIGHTS = {
    "place": 1,
    "number": 1,
    "facility": 1,
    "problem": 1,
    "ask": 1,
    "severity": 2,
    "repeat": 2,
    "breadth": 1,
    "general": -2,
}


@dataclass
class Settings:
    """[classify] keys of rectikit.toml that steer triage (templates/config.toml explains each)."""

    key_dispositions: frozenset = frozenset({"立行立改"})
    min_raw: int = 1
    min_score: int = 3
    max_share: float = 0.22

    @classmethod
    def of(cls, ws) -> "Settings":
        return cls(
            frozenset(ws.setting("classify", "key_task_dispositions", ["立行立改"])),
            int(ws.setting("classify", "key_task_min_raw", 1)),
            int(ws.setting("classify", "key_task_min_score", 3)),
            float(ws.setting("classify", "key_task_max_share", 0.22)),
        )


@dataclass
class Triage:
    disposition: str
    score: int
    fired: dict[str, list[str]] = field(default_factory=dict)
    key_task: bool = False

    @property
    def basis(self) -> str:
        """The reasons, as the review workbook prints them: 指明地点：高岭村；具体问题：没有路灯；优先分 4."""
        parts = [f"{LABELS.get(k) or _ROLE_LABELS.get(k, k)}：{'、'.join(v[:3])}" for k, v in self.fired.items() if v]
        return "；".join([*parts, f"优先分 {self.score}"])


def known_places(values) -> frozenset[str]:
    """The place names a list gives in its own columns (乡镇, 村), in the comparison form, two characters or
    more: a dictionary that names places whole where the text alone cannot say where a name begins."""
    from rectikit.text.normalise import normalise_many

    return frozenset(n for n in normalise_many(list({str(v) for v in values if v})) if len(n) >= 2)


def _whole(names: list[str], places: frozenset[str]) -> list[str]:
    """A place the text matched, as the list names it: 决马蚌乡 is 马蚌乡 when the list knows 马蚌乡."""
    out = []
    for name in names:
        known = max((p for p in places if name.endswith(p) or p.endswith(name)), key=len, default=None)
        out.append(known if known and name.endswith(known) else name)
    return list(dict.fromkeys(out))


def decide(
    norm: str,
    rules: Sequence[tuple[str, list[str], float]],
    *,
    text: str = "",
    nature: str | None = None,
    raw_count: int = 1,
    places: frozenset[str] = frozenset(),
) -> Triage:
    """One opinion's disposition and priority score.

    In order (docs/TRIAGE.md): venting → 引导化解; a question about rules with
    no concrete problem → 解读说明; one person's own case → 回访帮助; a
    structural wish with no concrete problem at a named place, nor a
    concrete problem or ask about a facility → 长期坚持; a
    specific opinion (a named place, facility or number) with a concrete
    problem or ask, or at least not worded as a general wish, or a concrete
    problem stated without a place (资金未发放, 系统卡顿) → 立行立改; a
    general wish → 长期坚持.
    """
    fired = signals(norm)
    if places and "place" in fired:
        fired["place"] = _whole(fired["place"], places)
    for name, words, _priority in rules:  # the office's words, highest priority first
        if hit := [w for w in words if w in norm]:
            fired.setdefault(_ROLE.get(name, "ask"), []).extend(hit)
    if "？" in text or "?" in text:  # the comparison form has lost its punctuation: ask the original
        fired.setdefault("policy", []).append("问句")
    nature = (nature or "").strip()
    if role := _NATURE.get(nature):
        fired.setdefault(role, []).append(f"性质为{nature}")
    has = fired.__contains__
    concrete = has("problem") or has("ask")
    # A named place, facility or number points at something; a county or district does when it names a
    # concrete problem there ("北湖区城区黑臭水体整治后又反弹").
    specific = has("place") or has("facility") or has("number") or has("region") and concrete
    if has("venting"):
        disposition = "引导化解"
    elif (
        norm.startswith(_ASKING)
        or norm.startswith("问")
        and not norm.startswith("问题")
        or (has("policy") and not concrete)
    ):
        disposition = "解读说明"
    elif has("personal") and (not has("breadth") or _first_person(norm) >= FIRST_PERSON):
        disposition = "回访帮助"
    elif has("structural") and not (has("place") and has("problem") or has("facility") and concrete):
        disposition = "长期坚持"
    elif (specific or has("problem")) and (concrete or not has("general")):
        # a concrete problem is a task even without a village's name: money not paid, a system that fails
        disposition = "立行立改"
    elif has("policy"):
        disposition = "解读说明"
    else:
        disposition = "长期坚持"  # a general wish: kept in view, not a task of its own
    if concrete and has("general"):  # "请有关部门重视" closing a concrete complaint is not a general wish
        fired["general"] = []
    score = sum(w for k, w in WEIGHTS.items() if fired.get(k)) + 2 * min(max(raw_count - 1, 0), 2)
    if raw_count > 1:
        fired["merged"] = [f"{raw_count}条合并"]
    return Triage(disposition, score, fired)


def select_key_tasks(
    triages: Sequence[Triage],
    raw_counts: Sequence[int],
    settings: Settings,
    *,
    batch_size: int | None = None,
    fixed_yes: int = 0,
) -> None:
    """Mark key tasks: eligible by the guideline, at least ``min_score``, and
    no more than ``max_share`` of the batch's ``batch_size`` items (best
    score first, then more merged opinions, then the list's order).
    ``fixed_yes`` counts key tasks a person already chose, which use up the
    same share."""
    eligible = [
        k
        for k, t in enumerate(triages)
        if t.disposition in settings.key_dispositions
        and raw_counts[k] >= settings.min_raw
        and t.score >= settings.min_score
    ]
    budget = len(eligible)
    if settings.max_share and settings.max_share < 1:
        budget = min(budget, max(0, math.ceil(settings.max_share * (batch_size or len(triages))) - fixed_yes))
    for k in sorted(eligible, key=lambda k: (-triages[k].score, -raw_counts[k], k))[:budget]:
        triages[k].key_task = True
