"""`rectikit render annex1|annex2`: the task list and the completion table,
as .xlsx and .docx in official-document form.

Each annex has a declared layout (templates/annexN.toml: title, columns,
widths) shared by both formats, and a docxtpl template for the .docx title
block an office may edit in Word or WPS. Citizens' text is data: the table is
built as XML with every value escaped and put in place of the template's
[[表格]] paragraph, so it never passes through jinja; the few template
variables (office, title, date) are rendered in a sandbox. Building the table
XML in one piece keeps time linear in rows (python-docx's row-by-row API
slows down quadratically on big tables).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from rectikit.base.errors import UsageError
from rectikit.base.names import child, file_part
from rectikit.base.parallel import side_by_side
from rectikit.base.results import Summary
from rectikit.documents.annexdocx import write_docx
from rectikit.documents.annextable import ANNEX_NAMES, FORMATS, PARALLEL_ROWS, build_table, template_dir
from rectikit.documents.annexxlsx import write_xlsx
from rectikit.store.workspace import Workspace


def render(
    ws: Workspace,
    annex: str,
    *,
    formats: Sequence[str] = FORMATS,
    out_dir: Path | None = None,
    key_only: bool = True,
    group_by: str | None = None,
    numbering: str = "continuous",
    batches: Sequence[str] = (),
    number: str | None = None,
    stem: str | None = None,
    today: dt.date | None = None,
) -> Summary:
    """Render one annex in the given formats, as of ``today``; returns the files written.

    ``number`` and ``stem`` are for an annex attached to another document
    (the notice's 附件1, 附件2 …): the attachment mark and the file name.
    """
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UsageError(f"格式应为 {'、'.join(FORMATS)}，收到：{'、'.join(bad) or '（空）'}。")
    table = build_table(
        ws, annex, key_only=key_only, group_by=group_by, numbering=numbering, batches=batches, today=today
    )
    annex = ANNEX_NAMES[annex]
    if number is not None:
        table.layout = dataclasses.replace(table.layout, number=number)
    out = Path(out_dir) if out_dir else ws.outputs_dir
    stem = file_part(stem or f"{table.layout.file_name}-{'和'.join(batches) if batches else '全部批次'}")
    targets = {fmt: child(out, f"{stem}.{fmt}") for fmt in formats}
    template = template_dir(ws) / table.layout.docx_template
    paths: dict[str, str] = {}
    if len(formats) > 1 and table.count >= PARALLEL_ROWS:
        # A long list: the Word table is written in a second process while this one writes the
        # workbook (both are Python-bound; 100k rows: 12.7 s one after the other).
        xlsx, docx = side_by_side(
            lambda: write_xlsx(table, targets["xlsx"]), write_docx, table, template, targets["docx"]
        )
        paths = {fmt: str({"xlsx": xlsx, "docx": docx}[fmt]) for fmt in formats}
    else:
        for fmt in formats:
            paths[fmt] = str(
                write_xlsx(table, targets[fmt]) if fmt == "xlsx" else write_docx(table, template, targets[fmt])
            )
    return Summary({"annex": annex, "rows": table.count, "title": table.title, "files": paths})
