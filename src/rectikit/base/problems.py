"""Validation reports: problems in the user's data, returned as data.

In the spirit of frictionless-py, every problem names where it is (file,
sheet, row, column) and says in Chinese what is wrong, so an office can find
and mend the cell in Excel.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

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

    def write_xlsx(self, path: Path) -> Path:
        """Write the report as a workbook the office can open and filter."""
        from rectikit.files.xlsxout import write_table

        headers = ["级别", "文件", "工作表", "行号", "列", "问题类型", "说明", "原值"]
        rows = [
            [
                SEVERITY_LABELS.get(i.severity, i.severity),
                i.file,
                i.sheet,
                i.row,
                i.column,
                i.code,
                i.message,
                i.value,
            ]
            for i in self.issues
        ]
        widths = [6, 28, 12, 8, 16, 18, 60, 40]
        return write_table(path, "校验报告", headers, rows, widths=widths)
