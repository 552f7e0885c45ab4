"""Import speed against the floor: python-calamine's bare parse of the same file.

    python benchmarks/import_bench.py            # 10k and 100k rows
    python benchmarks/import_bench.py 10000      # chosen sizes

Each measurement runs in a fresh subprocess (so peak RSS is its own), seven
times, bare and import alternating. Wall time on a shared VM swings by a
third from run to run, and slow spells last seconds, so the ratio printed is
the median of the seven paired ratios (each import against the bare parse run
just before it), with the median times and CPU time (which leaves out time
stolen by neighbours) beside it. Workbooks are generated with XlsxWriter into
benchmarks/out/ (ignored by git) and reused on later runs.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
RUNS = 7

PHRASES = [
    "路灯不亮",
    "道路坑洼",
    "噪音扰民",
    "停水停电",
    "学位紧张",
    "看病难",
    "垃圾清运不及时",
    "公交班次少",
    "低保评定不透明",
    "办证跑多次",
    "油烟扰民",
    "河道发臭",
]
PLACES = ["城中区", "江南区", "北湖区", "平山县", "青溪县", "龙门县", "石桥市"]


def make_workbook(n: int) -> Path:
    """A region-style sheet: title row, header, n rows of 10 columns."""
    import xlsxwriter

    path = OUT / f"feedback_{n}.xlsx"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    rng = random.Random(n)
    # Shared strings, as Excel and WPS write them (constant_memory would
    # write inline strings, which no office file has).
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("汇总")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["某市社会评价群众意见建议汇总表"])
    ws.write_row(
        1,
        0,
        [
            "序号",
            "问卷类型",
            "意见建议内容",
            "县(市、区)",
            "乡(镇、街道)",
            "反映时间",
            "联系人",
            "联系电话",
            "备注",
            "河流",
        ],
    )
    import datetime as dt

    for i in range(n):
        text = f"{rng.choice(PLACES)}{rng.choice(PHRASES)}，{rng.choice(PHRASES)}，已经{rng.randint(2, 30)}天了，希望尽快解决。"
        ws.write_row(i + 2, 0, [i + 1, "城乡居民", text, rng.choice(PLACES), "某某镇"])
        ws.write_datetime(i + 2, 5, dt.datetime(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 365)), date)
        ws.write_row(i + 2, 6, ["李先生", f"138{rng.randint(10000000, 99999999)}", "", "邕江"])
    wb.close()
    return path


BARE = """
import sys, time, resource, json
from python_calamine import CalamineWorkbook
t, c = time.perf_counter(), time.process_time()
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python(skip_empty_area=False)
el, cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"s": el, "cpu": cpu, "rows": len(rows), "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

IMPORT = """
import sys, time, resource, json
from rectikit.store.workspace import init_workspace
from rectikit.steps.ingest import import_files
ws = init_workspace(sys.argv[2])
t, c = time.perf_counter(), time.process_time()
res = import_files(ws, [sys.argv[1]], batch="bench")
el, cpu = time.perf_counter() - t, time.process_time() - c
assert res.ok, res.to_dict()
print(json.dumps({"s": el, "cpu": cpu, "rows": res.added, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(sizes: list[int]) -> None:
    print(
        f"{'rows':>8} {'bare s':>7} {'import s':>9} {'ratio':>6} {'bare cpu':>9} {'import cpu':>11} "
        f"{'cpu ratio':>10} {'import rows/s':>14} {'bare MB':>8} {'import MB':>10}"
    )
    for n in sizes:
        path = make_workbook(n)
        bare, imp = [], []
        for _ in range(RUNS):
            bare.append(measure(BARE, str(path)))
            with tempfile.TemporaryDirectory() as d:
                imp.append(measure(IMPORT, str(path), str(Path(d) / "ws")))
        b = statistics.median(x["s"] for x in bare)
        i = statistics.median(x["s"] for x in imp)
        bc = statistics.median(x["cpu"] for x in bare)
        ic = statistics.median(x["cpu"] for x in imp)
        ratio = statistics.median(y["s"] / x["s"] for x, y in zip(bare, imp))
        cpu_ratio = statistics.median(y["cpu"] / x["cpu"] for x, y in zip(bare, imp))
        assert all(x["rows"] == n for x in imp)
        print(
            f"{n:>8} {b:>7.2f} {i:>9.2f} {ratio:>6.2f} {bc:>9.2f} {ic:>11.2f} {cpu_ratio:>10.2f} {n / i:>14,.0f} "
            f"{max(x['rss_mb'] for x in bare):>8.0f} {max(x['rss_mb'] for x in imp):>10.0f}"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
