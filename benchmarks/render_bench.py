"""Rendering big annexes: time and memory per format at 500, 5,000 and 20,000 rows.

    python benchmarks/render_bench.py [rows ...]

Each measurement runs in a fresh subprocess (peak RSS is its own). Time
should grow linearly: 20,000 rows about four times 5,000, not sixteen.
"""

from __future__ import annotations

import json
import subprocess
import sys

RUN = """
import json, resource, sys, tempfile, time
from pathlib import Path
from rectikit.documents.annexdocx import write_docx
from rectikit.documents.annextable import Table, load_layout
from rectikit.documents.annexxlsx import write_xlsx
from rectikit.base.resources import templates_dir
n, fmt = int(sys.argv[1]), sys.argv[2]
layout = load_layout(templates_dir() / "annex1.toml")
rows = []
for i in range(n):
    if i % 200 == 0:
        rows.append(("group", f"第{i // 200 + 1}组（200项）"))
    rows.append(("row", [str(i + 1), f"第{i}号：民主路路灯不亮，晚上出行很不安全，附近居民意见很大，希望有关部门尽快维修。",
                         "基础设施建设", "路灯全部恢复正常", "排查线路，更换灯具，建立巡查机制。", "桂中市住房和城乡建设局",
                         "城中区人民政府", "副市长 李国栋", "覃建华", "2020年11月30日", ""]))
table = Table(layout, "桂中市落实社会评价反馈群众意见建议整改任务清单", f"（共{n}项）",
              {"office": "桂中市", "year": 2020, "batches": "2019年度", "count": n, "number": "1", "date": ""}, rows)
out = Path(tempfile.mkdtemp()) / f"annex.{fmt}"
t = time.perf_counter()
if fmt == "xlsx":
    write_xlsx(table, out)
else:
    write_docx(table, templates_dir() / "annex1.docx", out)
el = time.perf_counter() - t
print(json.dumps({"s": el, "mb": out.stat().st_size / 2**20, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main(sizes: list[int]) -> None:
    print(f"{'rows':>7} {'format':>6} {'seconds':>8} {'file MB':>8} {'peak MB':>8}")
    times: dict[tuple[int, str], float] = {}
    for n in sizes:
        for fmt in ("xlsx", "docx"):
            out = subprocess.run([sys.executable, "-c", RUN, str(n), fmt], capture_output=True, text=True)
            if out.returncode:
                raise SystemExit(out.stderr)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            times[(n, fmt)] = r["s"]
            print(f"{n:>7,} {fmt:>6} {r['s']:>8.2f} {r['mb']:>8.1f} {r['rss_mb']:>8.0f}", flush=True)
    if 5000 in sizes and 20000 in sizes:
        for fmt in ("xlsx", "docx"):
            print(f"{fmt}: 20,000 rows took {times[(20000, fmt)] / times[(5000, fmt)]:.1f}x the time of 5,000")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [500, 5000, 20000])
