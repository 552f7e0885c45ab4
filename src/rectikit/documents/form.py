"""What an office sets once for the documents it issues, read from rectikit.toml, or a visible
【请填写…】 place when it has not: the place that is the subject of titles, the 版头 (发文机关标志,
发文字号), who each kind of document goes to (主送, 呈报, 抄送), the document each kind rests on
(依据), and the feedback party. Nothing is dropped silently: a missing part is a marked place.
"""

from __future__ import annotations

from rectikit.store.workspace import Workspace

KINDS = ("plan", "notice", "investigation", "analysis", "monthly", "supervision")
EXAMPLES = {
    "plan_to": "各县（市、区）党委和人民政府，市直各单位",
    "plan_approved_by": "市绩效考评领导小组",
    "analysis_to": "呈报的领导",
}


def _text(ws: Workspace, section: str, key: str) -> str:
    return str(ws.setting(section, key, "") or "").strip()


def fill(what: str) -> str:
    """The mark of a place to fill in."""
    return f"【请填写{what}】"


def office(ws: Workspace) -> str:
    return _text(ws, "office", "name")


def place(ws: Workspace, *, or_office: bool = True) -> str:
    """The subject of titles: the city or county (玉林市), else the office (or nothing)."""
    return _text(ws, "office", "place") or (office(ws) if or_office else "")


def we(place: str) -> str:
    """How a document of the place says "us": 我市, 我县, 我区 (empty when the place is not known)."""
    return f"我{place[-1]}" if place and place[-1] in "市县区州旗盟镇乡" else ""


def head(ws: Workspace) -> tuple[str, str]:
    """(发文机关标志, 发文字号) of a document the office issues."""
    mark = _text(ws, "office", "mark") or fill("发文机关标志，如××市绩效考评领导小组办公室文件")
    number = _text(ws, "office", "number") or fill("发文字号，如×绩办发〔2020〕6号")
    return mark, number


def setting(ws: Workspace, kind: str, part: str, what: str) -> str:
    """``[documents] {kind}_{part}`` (主送 to, 抄送 cc, 依据 basis …), or the place to fill it in."""
    value = _text(ws, "documents", f"{kind}_{part}")
    example = EXAMPLES.get(f"{kind}_{part}")
    return value or fill(what + (f"，如{example}" if example else ""))


def basis(ws: Workspace, kind: str) -> str:
    """The document a kind of document rests on, e.g. 《…的通知》（桂绩办发〔2020〕2号）; the plan's is
    ``[plan] basis``, the others' ``[documents] {kind}_basis`` (each seed cites its own)."""
    value = _text(ws, "plan", "basis") if kind == "plan" else _text(ws, "documents", f"{kind}_basis")
    return value or fill("依据文件名称和文号，如《……的通知》（……〔2020〕2号）")


def feedback_from(ws: Workspace) -> str:
    """Who fed the opinions back (自治区, 省): "自治区反馈我市…"."""
    return _text(ws, "plan", "feedback_from") or fill("反馈方，如自治区")


def printer(ws: Workspace) -> str:
    """The 印发机关 of the 版记."""
    return _text(ws, "office", "printer") or office(ws) or fill("印发机关")


def speak_of(kinds) -> tuple[str, str]:
    """How documents name what came in, for batches of these kinds, and its measure word: the yearly
    evaluation's 社会评价群众意见建议 (条); a hotline's, a 专线's or 信访's 群众诉求 (件); both, when mixed."""
    kinds = set(kinds)
    asked = kinds & {"热线", "专线", "信访"}
    if asked and asked == kinds:
        return "群众诉求", "件"
    if asked:
        return "群众意见建议和诉求", "件"
    if kinds == {"其他"}:
        return "群众意见建议", "条"
    return "社会评价群众意见建议", "条"
