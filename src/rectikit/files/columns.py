"""Find the header row of a messy sheet and map its columns to fields.

Offices' workbooks put titles, subtitles and merged cells above the header,
sometimes split the header over two merged rows, and name the same column in
a dozen ways. We score the top rows by how many cells look like known column
names, then map columns by synonyms (exact match first, then containment).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from rectikit.base.errors import UsageError

# field id -> (Chinese label, synonyms). Order matters: earlier fields claim
# a column first, and earlier synonyms beat later ones.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "text": (
        "意见建议内容",
        (
            "意见建议内容",
            "意见建议",
            "意见和建议",
            "群众意见建议",
            "具体意见建议",
            "问题描述",
            "反映内容",
            "反映问题",
            "留言详情",
            "留言内容",
            "投诉件内容",
            "投诉内容",
            "诉求内容",
            "来电内容",
            "工单内容",
            "主题+详情",
            "事项内容",
            "内容",
            "问题",
        ),
    ),
    "title": ("标题", ("标题", "留言主题", "主题", "诉求标题", "工单标题")),
    "seq": ("序号", ("序号", "编号", "留言编号", "工单编号", "工单号", "id", "no")),
    # What hotline and petition files already say, before the place columns so
    # that "县区上报满意度" is a satisfaction, not a county; 回访 before 满意度.
    "category2": ("二级分类", ("二级分类", "二级标签", "问题二级分类", "小类")),
    "nature": ("问题性质", ("问题性质", "诉求性质", "问题标签", "性质")),
    "disposition_given": ("处理方式", ("处理方式", "处置方式", "整改方式", "办理方式")),
    "unit_given": ("承办单位", ("承办单位", "责任单位", "办理单位", "主办单位", "处理单位", "承办部门", "责任部门")),
    "status_given": ("办理状态", ("办理状态", "处理状态", "工单状态", "办结情况", "状态")),
    "due_given": ("办理时限", ("办理时限", "办结时限", "处理时限", "时限")),
    "answered_on": ("办结时间", ("办结时间", "反馈时间", "回复时间", "答复时间")),
    "callback": ("回访结果", ("回访结果", "回访情况", "回访满意度", "回访")),
    "satisfaction": ("满意度", ("满意度", "上报满意度", "县区上报满意度", "群众满意度", "满意情况", "评价结果")),
    "county": (
        "县(市、区)",
        ("县(市、区)", "县市区", "县区", "区县", "县(区)", "所在县区", "所在区域", "区域", "辖区"),
    ),
    "township": ("乡(镇、街道)", ("乡(镇、街道)", "乡镇街道", "乡镇", "镇街", "街道", "所在乡镇")),
    "village": ("村(社区)", ("村(社区)", "村社区", "村居", "社区", "村")),
    "source": (
        "来源",
        (
            "来源",
            "问卷类型",
            "调查类别",
            "受访者类型",
            "调查对象",
            "信息来源",
            "来源渠道",
            "渠道",
            "反映渠道",
            "意见来源",
        ),
    ),
    "received_on": ("时间", ("反映时间", "留言时间", "来电时间", "投诉时间", "受理时间", "时间", "日期", "登记时间")),
    "contact_name": ("联系人", ("姓名", "反映人", "联系人", "留言用户", "来电人", "投诉人")),
    "contact_phone": ("联系电话", ("联系电话", "电话", "手机", "手机号码", "联系方式", "来电号码")),
    "category_given": ("类别", ("类别", "领域", "问题类别", "问题分类", "一级标签", "分类")),
}

LABEL_TO_FIELD = {label: f for f, (label, _) in FIELDS.items()}
IGNORE = "ignore"
_IGNORE_WORDS = {"ignore", "忽略", "不导入", "-"}

_PUNCT = re.compile(r"[\s\(\)（）\[\]【】、,，:：;；*＊#＃'\"“”·./\\_]+")


def norm(name) -> str:
    """Comparable form of a header: NFKC, no spaces or punctuation, lower case.

    Repeated to a fixed point: lower-casing or removing a space can leave a
    string that NFKC changes again.
    """
    s = str(name)
    for _ in range(4):
        t = unicodedata.normalize("NFKC", _PUNCT.sub("", unicodedata.normalize("NFKC", s).lower()))
        if t == s:
            break
        s = t
    return s


_SYN = {f: [norm(s) for s in syns] for f, (_, syns) in FIELDS.items()}
_EXACT: dict[str, str] = {}
for _f, _syns in _SYN.items():
    for _s in _syns:
        _EXACT.setdefault(_s, _f)


def resolve_field(name: str) -> str:
    """A field id from what the user typed in ``--map 列名=字段``."""
    n = name.strip()
    if n in FIELDS:
        return n
    if n.lower() in _IGNORE_WORDS:
        return IGNORE
    if n in LABEL_TO_FIELD:
        return LABEL_TO_FIELD[n]
    hit = _EXACT.get(norm(n))
    if hit:
        return hit
    choices = "、".join(f"{label}({f})" for f, (label, _) in FIELDS.items())
    raise UsageError(f"未知字段“{name}”。可用字段：{choices}；或写“忽略”。")


def _is_blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _looks_like_header_cell(v) -> bool:
    return isinstance(v, str) and 0 < len(v.strip()) <= 24 and "\n" not in v.strip()


def _row_score(row: list, extra: set[str]) -> int:
    score = 0
    for v in row:
        if not _looks_like_header_cell(v):
            continue
        n = norm(v)
        if n in _EXACT or n in extra:
            score += 3
        elif any(s in n for s in ("意见", "建议", "内容", "时间", "电话", "来源")):
            score += 1
    return score


@dataclass
class Header:
    row: int  # 0-based index of the first header row
    depth: int  # 1 or 2 header rows
    names: list[str] = field(default_factory=list)

    @property
    def data_start(self) -> int:
        return self.row + self.depth


def column_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def detect_header(rows: list[list], *, scan: int = 30, extra_names: set[str] | None = None) -> Header | None:
    """Find the header row in the first ``scan`` rows; None when none looks like one."""
    extra = {norm(n) for n in (extra_names or ())}
    best, best_score = None, 0
    for i, row in enumerate(rows[:scan]):
        s = _row_score(row, extra)
        if s > best_score:
            best, best_score = i, s
    if best is None or best_score < 3:
        return None
    top = rows[best]
    depth = 2 if best + 1 < len(rows) and _is_subheader(top, rows[best + 1], extra) else 1
    names = _combine(top, rows[best + 1] if depth == 2 else None)
    return Header(row=best, depth=depth, names=_unique(names))


def _is_subheader(top: list, below: list, extra: set[str]) -> bool:
    """Is ``below`` the second row of a two-row merged header?

    A row with a value under the text column is data: in a two-row header the
    text column's cell spans both rows, so the lower one is empty.
    """
    text_j = map_columns(_combine(top, None)).get("text")
    if text_j is not None and text_j < len(below) and not _is_blank(below[text_j]):
        return False
    cells = [(j, v) for j, v in enumerate(below) if not _is_blank(v)]
    if not cells or not all(_looks_like_header_cell(v) for _, v in cells):
        return False
    under_gap = any(j < len(top) and _is_blank(top[j]) for j, _ in cells)
    named = any(norm(v) in _EXACT or norm(v) in extra for _, v in cells)
    return under_gap or named


def _combine(top: list, below: list | None) -> list[str]:
    """One name per column: the lower header cell where there is one."""
    below = below or []
    width = max(len(top), len(below))

    def cell(row: list, j: int) -> str:
        v = row[j] if j < len(row) else ""
        return "" if _is_blank(v) else str(v).strip()

    return [cell(below, j) or cell(top, j) or f"列{column_letter(j)}" for j in range(width)]


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0) + 1
        seen[n] = k
        out.append(n if k == 1 else f"{n}({k})")
    return out


def layout_signature(names: list[str]) -> str:
    """Identifies a layout by its normalised headers, to remember a mapping."""
    return hashlib.sha256("\x1f".join(norm(n) for n in names).encode()).hexdigest()[:32]


def synonym_columns(names: list[str], field: str) -> list[int]:
    """Every column whose header is a known name of ``field``, most usual name first."""
    ranks = {s: k for k, s in enumerate(_SYN[field])}
    found = [(ranks[n], j) for j, n in enumerate(map(norm, names)) if n in ranks]
    return [j for _, j in sorted(found)]


def map_columns(
    names: list[str], overrides: dict[str, str] | None = None, remembered: dict[str, str] | None = None
) -> dict[str, int]:
    """Map fields to column indexes.

    ``overrides`` and ``remembered`` map header names (as written) to field
    ids; overrides win, then a remembered layout, then synonyms.
    """
    by_name = {n: j for j, n in enumerate(names)}
    by_norm: dict[str, int] = {}
    for j, n in enumerate(names):
        by_norm.setdefault(norm(n), j)
    mapping: dict[str, int] = {}
    used: set[int] = set()

    def claim(f: str, j: int) -> None:
        if f != IGNORE and f not in mapping and j not in used:
            mapping[f] = j
        used.add(j)

    for source in (overrides or {}, remembered or {}):
        for col, f in source.items():
            found = by_name.get(col, by_norm.get(norm(col)))
            if found is None:
                if source is overrides:
                    raise UsageError(f"--map 中的列“{col}”在表头中不存在。表头：{'、'.join(names)}")
                continue
            claim(resolve_field(f), found)
    for f, syns in _SYN.items():
        if f in mapping:
            continue
        for s in syns:
            at = by_norm.get(s)
            if at is not None and at not in used:
                claim(f, at)
                break
    for f, syns in _SYN.items():
        if f in mapping:
            continue
        best = None
        for j, n in enumerate(names):
            if j in used:
                continue
            n_norm = norm(n)
            for s in syns:
                if len(s) >= 2 and s in n_norm and (best is None or len(s) > best[0]):
                    best = (len(s), j)
        if best:
            claim(f, best[1])
    return mapping
