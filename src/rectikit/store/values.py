"""The values the ledger's fields take, shared by the steps that write them
and the figures that count them."""

UNKNOWN = "未注明"  # a place, source or unit the list left empty
UNCLASSIFIED = "未分类"
# A task's light, in the order reports list them.
LIGHTS = ("红灯", "黄灯", "绿灯", "长期坚持", "未定时限", "已完成", "已销号")
# 回访 answers, best first; and what a satisfaction table can be grouped by.
SATISFACTION = ("满意", "基本满意", "不满意")
SATISFACTION_GROUPS = {"单位": "lead_unit", "乡镇": "township", "类别": "category", "批次": "batch", "县区": "county"}

# 整改进展: what a unit reports for a task.
PROGRESS = ("未启动", "推进中", "已完成", "持续推进")
DONE = "已完成"

# Where a batch's opinions come from: it decides how documents speak of them (社会评价群众意见建议, 条;
# a hotline's 群众诉求, 件). Set at import (--kind) or read from the batch's name.
BATCH_KINDS = ("社会评价", "热线", "专线", "信访", "上级交办", "其他")
_KIND_WORDS = (
    ("专线", "专线"),
    ("12345", "热线"),
    ("热线", "热线"),
    ("工单", "热线"),
    ("信访", "信访"),
    ("社会评价", "社会评价"),
)


def kind_from_name(name: str) -> str:
    """The kind a batch's name says (2020年12345热线 → 热线), else 社会评价, the yearly evaluation's."""
    return next((kind for word, kind in _KIND_WORDS if word in name), "社会评价")


# Item fields a step keeps for its own next run (where a value came from, its reasons and scores, the raw
# row it was read from) and the contacts: no figure counts them, so figures need not read them.
BOOKKEEPING = (
    "seq",
    "file_id",
    "row_number",
    "contact_name",
    "contact_phone",
    "repeat_score",
    "category_source",
    "category_confidence",
    "category_basis",
    "category_secondary",
    "category_review",
    "disposition_source",
    "disposition_basis",
    "key_task_source",
    "key_task_score",
    "assign_rule",
    "assign_source",
    "reported_at",
)
