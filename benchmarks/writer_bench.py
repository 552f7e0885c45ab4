"""xlsx writers side by side on an annex-shaped table (issue #30): time to write N rows × 10 text columns
with wrapped, bordered cells, and what each leaves in the file.

    python benchmarks/writer_bench.py [rows]        # default 100,000

XlsxWriter (constant memory) is what rectikit uses. rustpy-xlsxwriter (a Rust writer, wheels for
win_amd64, manylinux x86_64 and aarch64) is measured when installed (pip install rustpy-xlsxwriter); its
findings are printed beside its time: an empty cell is never written, so a bordered table's empty cells
can only get their border from a column style, which Excel then draws down the whole column.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HEADERS = [
    "编号",
    "意见建议内容",
    "类别",
    "牵头单位",
    "整改时限",
    "整改进展",
    "整改成效",
    "完成时间",
    "佐证材料",
    "备注",
]


def rows(n: int) -> list[list[str]]:
    return [
        [
            str(i),
            "某某县某某镇某某村的道路坑洼不平，雨天积水，希望尽快修复。" * 2,
            "基础设施建设",
            "县住建局",
            "2020年12月31日",
            "推进中" if i % 3 else "",
            "",
            "",
            "",
            "",
        ]
        for i in range(1, n + 1)
    ]


def xlsxwriter_table(path: Path, data: list[list[str]]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    ws = wb.add_worksheet("附件1")
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "vcenter"})
    for c, h in enumerate(HEADERS):
        ws.write_string(0, c, h, cell)
    for r, row in enumerate(data, start=1):
        for c, v in enumerate(row):
            ws.write_string(r, c, v, cell) if v else ws.write_blank(r, c, None, cell)
    wb.close()


def rust_table(path: Path, data: list[list[str]]) -> None:
    import rustpy_xlsxwriter as rx

    cell = rx.Format().set_border("thin").set_text_wrap()
    rx.write_worksheet(
        [dict(zip(HEADERS, row)) for row in data],
        str(path),
        sheet_name="附件1",
        column_formats={h: cell for h in HEADERS},
        header_format=cell,
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    data = rows(n)
    with tempfile.TemporaryDirectory() as d:
        for name, write in (("XlsxWriter (constant memory)", xlsxwriter_table), ("rustpy-xlsxwriter", rust_table)):
            path = Path(d) / f"{name.split()[0]}.xlsx"
            try:
                t = time.perf_counter()
                write(path, data)
                took = time.perf_counter() - t
            except ImportError:
                print(f"{name:30} not installed")
                continue
            with zipfile.ZipFile(path) as z:
                sheet = z.read("xl/worksheets/sheet1.xml")
            blanks = re.search(rb'<c r="[A-Z]+\d+" s="\d+"/>', sheet) is not None  # an empty cell with its format
            column_styled = b"<col " in sheet and b"style=" in sheet.split(b"<sheetData")[0]
            print(
                f"{name:30} {took:6.2f} s  {path.stat().st_size / 2**20:6.1f} MB  empty cells written with a "
                f"format: {'yes' if blanks else 'no'}  column-wide style: "
                f"{'yes' if column_styled else 'no'}"
            )


if __name__ == "__main__":
    main()
