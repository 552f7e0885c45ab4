"""Validation reports: problems in the user's data, returned as data.

In the spirit of frictionless-py, every problem names where it is (file,
sheet, row, column) and says in Chinese what is wrong, so an office can find
and mend the cell in Excel.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TypedDict

ERROR = "error"
WARNING = "warning"
INFO = "info"

SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告", INFO: "提示"}

# Every problem code, with what a person reads in the report's 问题类型 column (scripts read the code).
CODES = {
    "already-imported": "已导入过",
    "ambiguous-alias": "简称对应多个单位",
    "bad-date": "日期无法识别",
    "bad-deadline": "整改时限有误",
    "bad-decision": "处理意见有误",
    "bad-disposition": "处理方式有误",
    "bad-group": "分组有误",
    "bad-id": "编号有误",
    "bad-key-task": "重点任务填写有误",
    "bad-keyword-weight": "关键词权重有误",
    "bad-phone": "电话号码有误",
    "bad-place": "地点有误",
    "bad-priority": "优先级有误",
    "bad-progress": "整改进展有误",
    "bad-quota": "名额有误",
    "bad-reached": "是否联系上有误",
    "bad-satisfaction": "满意度有误",
    "bad-unit-name": "单位名称有误",
    "before-reopen": "早于重新整改",
    "cannot-close": "不能销号",
    "cannot-reopen": "不能重新打开",
    "changed-version": "文件已改动",
    "closed": "已销号",
    "co-unit-row": "配合单位的行",
    "conflicting-rules": "规则冲突",
    "done-before-raised": "完成早于反映",
    "done-on-unfinished": "未完成却填了完成时间",
    "duplicate-id": "编号重复",
    "duplicate-person": "人员重复",
    "duplicate-unit": "单位重复",
    "future-date": "日期在今天之后",
    "group-count": "分组条数不符",
    "group-row": "分组标题行",
    "keep-apart": "保持分开",
    "keep-many": "多条保留",
    "keep-tracked": "已跟踪的保留",
    "missing": "缺少内容",
    "missing-category": "缺少类别",
    "missing-column": "缺少列",
    "missing-done-on": "缺少完成时间",
    "missing-lead": "缺少牵头单位",
    "missing-reason": "缺少原因",
    "missing-result": "缺少整改成效",
    "missing-text": "缺少意见建议内容",
    "mixed-batches": "混有多个批次",
    "newer-decision": "已有更新的决定",
    "no-columns": "没有可识别的列",
    "no-earlier": "没有旧版本",
    "no-earlier-version": "没有旧版本",
    "no-identity": "来源无法核对",
    "no-rows": "没有数据行",
    "no-text-column": "没有意见建议内容列",
    "not-in-book": "不是发给该单位的条目",
    "note-row": "说明行",
    "other-sheet": "其他工作表",
    "other-workspace": "来自其他工作区",
    "quota": "名额",
    "replaced": "已被替换",
    "row-changed": "行内容被改动",
    "same-file-name": "文件名相同",
    "stale-book": "旧的表格",
    "text-from-other-column": "内容取自其他列",
    "title-as-text": "标题当作内容",
    "tracked-items": "已跟踪的条目",
    "unknown-book": "无法识别的表格",
    "unknown-category": "未知类别",
    "unknown-id": "编号不存在",
    "unknown-unit": "未知单位",
    "upstream-deadline": "晚于上级时限",
    "upstream-update": "上级改动",
    "unreadable-file": "文件无法读取",
    "wrong-place": "位置不对",
}


class At(TypedDict):
    """The row a problem is in, given once and spread into each :class:`Issue` about it."""

    file: str
    sheet: str
    row: int | None


class Where(At):
    """The cell a problem is in."""

    column: str
    value: str


@dataclass(frozen=True)
class Issue:
    """One problem found in the user's data."""

    code: str  # stable identifier for scripts, e.g. "missing-text"
    message: str  # Chinese, for people
    severity: str = ERROR
    file: str = ""
    sheet: str = ""
    row: int | None = None  # 1-based, as Excel shows it
    column: str = ""  # the header as written in the file
    value: str = ""

    def location(self) -> str:
        parts = [p for p in (self.file, self.sheet) if p]
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"“{self.column}”列")
        return " ".join(parts)


@dataclass
class Report:
    """An ordered list of issues with counts by severity."""

    issues: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def extend(self, other: "Report") -> None:
        self.issues.extend(other.issues)

    def count(self, severity: str) -> int:
        return sum(1 for i in self.issues if i.severity == severity)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {
            "errors": self.count(ERROR),
            "warnings": self.count(WARNING),
            "infos": self.count(INFO),
            "issues": [asdict(i) for i in self.issues],
        }
