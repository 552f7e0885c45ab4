"""The analysis report (分析报告) as a document: its sections (a heading, paragraphs, a chart, a table), the
parts an office writes itself (领导批示, 原因分析, 工作建议) marked 【请在此……】, and the .docx and the
companion workbook of its tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base.results import Result
from rectikit.documents.builder import OfficialDocument

# The parts only the office can write: heading, what to write there.
LEADERS = ("领导批示情况", "请在此写明领导批示的时间、文件和内容")

MORE_PROBLEMS = "请在此补充其他问题和典型事例"

REASONS = ("原因分析", "请在此从客观、主观两方面分析原因")

ADVICE = ("工作建议", "请在此写明下一步工作建议")


@dataclass
class Section:
    heading: str
    sentence: str
    rows: list[tuple[str, int, str]] = field(default_factory=list)  # label, count, share
    chart: str = ""  # pie | bar | column | line; empty: no chart
    caption: str = ""


@dataclass
class Analysis(Result):
    title: str
    office: str
    today: str
    total_raw: int
    total: int
    key_tasks: int
    overview: str
    sections: list[Section] = field(default_factory=list)  # the parts of 一、办件综述
    problems: list[Section] = field(default_factory=list)  # 三、存在问题 as drafted from the figures
    to: str = ""  # 呈报
    opening: str = ""  # "根据……要求，……现将有关情况报告如下。"
    notes: list[str] = field(default_factory=list)  # parts left out, and why
    path: str | None = None
    tables: str | None = None

    def to_dict(self) -> dict:
        def part(s: Section) -> dict:
            return {
                "heading": s.heading,
                "sentence": s.sentence,
                "chart": s.chart,
                "caption": s.caption,
                "rows": [{"name": n, "count": c, "share": p} for n, c, p in s.rows],
            }

        return {
            "title": self.title,
            "office": self.office,
            "today": self.today,
            "total_raw": self.total_raw,
            "total": self.total,
            "key_tasks": self.key_tasks,
            "to": self.to,
            "opening": self.opening,
            "overview": self.overview,
            "path": self.path,
            "tables": self.tables,
            "notes": self.notes,
            "sections": [part(s) for s in self.sections],
            "problems": [part(s) for s in self.problems],
        }


def write_docx(res: Analysis, path: Path) -> Path:
    """The 呈报 line and opening, 一、办件综述 with its parts (sentence, chart, table), the office's parts and
    三、存在问题 as drafted."""
    doc = OfficialDocument(res.title)
    doc.issuer(res.office, dt.date.fromisoformat(res.today))
    doc.blank()
    doc.line(f"呈报：{res.to}{'' if res.to.endswith(('。', '】')) else '。'}")
    doc.paragraph(res.opening)
    doc.heading("办件综述")
    doc.paragraph(res.overview + "".join(res.notes))
    for s in res.sections:
        doc.heading(s.heading, level=2)
        if s.sentence:
            doc.paragraph(s.sentence)
        if s.chart and s.rows:
            doc.chart(s.chart, s.caption, s.rows, s.caption)
        doc.table(("名称", "件数", "占比"), s.rows, widths=(96, 30, 30))
    doc.heading(LEADERS[0])
    doc.placeholder(LEADERS[1])
    doc.heading("存在问题")
    for s in res.problems:
        doc.heading(s.heading, level=2)
        doc.paragraph(s.sentence)
    doc.placeholder(MORE_PROBLEMS)
    for heading, placeholder in (REASONS, ADVICE):
        doc.heading(heading)
        doc.placeholder(placeholder)
    return doc.save(path)


def write_tables(res: Analysis, path: Path) -> Path:
    """The tables behind the report's charts, one after another on one sheet."""
    from rectikit.files.xlsxout import write_table

    rows: list[list] = []
    for s in res.sections:
        rows.append([f"【{s.heading}】", None, None])
        rows.extend([name, n, share] for name, n, share in s.rows)
        rows.append([None, None, None])
    return write_table(
        path, "数据", ["名称", "件数", "占比"], rows, widths=[40, 10, 10], notes=[res.title, res.overview]
    )
