"""Planning the import of one file (`rectikit import`): which sheets hold feedback, where each sheet's
header is, which column is which field (remembered per layout, or given with --map), and each sheet's
rows checked (:mod:`rectikit.steps.importrows`) into a plan to write."""

from __future__ import annotations

import json
from pathlib import Path

from rectikit.base.errors import InputFileError
from rectikit.base.gcpause import gc_paused
from rectikit.base.problems import INFO, WARNING, Issue, Report
from rectikit.files.columns import detect_header, layout_signature, map_columns
from rectikit.files.guard import Limits
from rectikit.files.readers import read_sheets
from rectikit.steps.importrows import Plan, check_rows
from rectikit.store.ledger import Ledger


def plan_file(
    led: Ledger, path: Path, sheet: str | None, overrides: dict[str, str], scan: int, limits: Limits, report: Report
) -> list[Plan]:
    plans: list[Plan] = []
    seen: list[str] = []
    for sh in read_sheets(path, sheet, limits=limits):
        seen.append(sh.name)
        header = detect_header(sh.rows, scan=scan, extra_names=set(overrides))
        mapping = None
        if header:
            sig = layout_signature(header.names)
            remembered = _remembered(led, sig)
            mapping = map_columns(header.names, overrides, remembered)
            if "text" not in mapping and "title" in mapping:
                mapping["text"] = mapping.pop("title")
                report.add(
                    Issue(
                        "title-as-text",
                        "未找到意见建议内容列，使用“标题”列作为内容。",
                        WARNING,
                        file=path.name,
                        sheet=sh.name,
                        row=header.row + 1,
                        column=header.names[mapping["text"]],
                    )
                )
        if not header or not mapping or "text" not in mapping:
            if sheet is None or sheet == "all":
                report.add(
                    Issue(
                        "no-text-column", "此工作表未找到意见建议内容列，已跳过。", INFO, file=path.name, sheet=sh.name
                    )
                )
                continue
            names = "、".join(header.names) if header else "（未找到表头）"
            raise InputFileError(
                f"{path.name} 的工作表“{sh.name}”未找到意见建议内容列。表头：{names}。"
                "可用 --map 列名=意见建议内容 指定。"
            )
        if sheet is None and plans:  # the first usable sheet is the one imported by default
            report.add(
                Issue(
                    "other-sheet",
                    f"工作表“{sh.name}”也有意见建议内容列，本次未导入；要一并导入请加 --sheet all，"
                    f"只导入它请加 --sheet {sh.name}。",
                    WARNING,
                    file=path.name,
                    sheet=sh.name,
                )
            )
            continue
        with gc_paused():
            plans.append(check_rows(path.name, sh, header, mapping, sig, report))
    if not plans:
        raise InputFileError(
            f"{path.name} 中没有找到含意见建议内容列的工作表（已查看：{'、'.join(seen) or '无'}）。"
            "可用 --sheet 指定工作表，或用 --map 列名=意见建议内容 指定内容列。"
        )
    return plans


def _remembered(led: Ledger, signature: str) -> dict[str, str] | None:
    row = led.conn.execute("SELECT mapping FROM layouts WHERE signature=?", (signature,)).fetchone()
    return json.loads(row[0]) if row else None
