"""What classify decides about one item (category, disposition, key task, with reasons and how sure) and
how the review workbook names its states (自动采纳, 待审核, 原表, 人工确定); shared by classifying, training
and the review round trip."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from rectikit.base.results import Result
from rectikit.figures import batch_counts
from rectikit.store.ledger import Ledger

YES, NO = "是", "否"

MANUAL, GIVEN = "manual", "given"

ACCEPTED, REVIEW, FROM_FILE, BY_PERSON = "自动采纳", "待审核", "原表", "人工确定"


@dataclass
class Decision:
    item_id: int
    category: str | None
    confidence: float | None
    basis: str
    disposition: str
    key_task: bool
    needs_review: bool
    secondary: str | None = None
    review: str = REVIEW  # 自动采纳 / 待审核 / 原表
    disposition_basis: str = ""
    key_score: int = 0
    source: str = "rules"
    margin: float | None = None  # how sure, to order the review: the confidence, or how far a rule's top category leads


@dataclass
class ClassifyResult(Result):
    method: str  # rules | model | review
    decisions: list[Decision] = field(default_factory=list)
    changed: int = 0
    unmatched: list[int] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)
    review_path: str | None = None
    summary: list[dict] = field(default_factory=list)
    accept_above: float | None = None

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "changed": self.changed,
            "unmatched": self.unmatched,
            "flagged": self.flagged,
            "review_path": self.review_path,
            "summary": self.summary,
            "accept_above": self.accept_above,
            "decisions": [asdict(d) for d in self.decisions],
        }


def key_task_summary(led: Ledger) -> list[dict]:
    """The line the seeds print: 共N条意见建议，经梳理归纳为M条，K项列为重点整改任务."""
    out = []
    for b in batch_counts(led):
        d = {k: b[k] for k in ("batch", "raw_items", "items", "key_tasks", "unclassified")}
        merged = f"，经梳理归纳为{d['items']}条" if d["items"] != d["raw_items"] else ""
        d["sentence"] = f"共{d['raw_items']}条意见建议{merged}，{d['key_tasks']}项列为重点整改任务。"
        out.append(d)
    return out
