"""Validation reports: problems in the user's data, returned as data.

In the spirit of frictionless-py, every problem names where it is (file,
sheet, row, column) and says in Chinese what is wrong, so an office can find
and mend the cell in Excel.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"
INFO = "info"

SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告", INFO: "提示"}


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
