"""The whole pipeline on N generated items: wall time and peak memory per step.

    python benchmarks/pipeline_bench.py              # 10k and 100k items
    python benchmarks/pipeline_bench.py 1000000      # chosen sizes
    python benchmarks/pipeline_bench.py 100000 --src /tmp/old/src   # another version's source tree

Each step runs as its own `rectikit` process under /usr/bin/time, so the peak
memory printed is that step's own. The workbook is the one import_bench.py
generates (reused from benchmarks/out/); the workspace gets the example units
directory and routing rules, so assign and dispatch have work to do.

The measuring machine's speed drifts by a third within a day, so compare two
versions paired, in turn (``git archive OLD | tar -x -C /tmp/old`` first):

    farm-bench -n 3 --timeout 1200 \
        --vs "python benchmarks/pipeline_bench.py 100000 --src /tmp/old/src" \
        -- python benchmarks/pipeline_bench.py 100000
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from import_bench import make_workbook  # noqa: E402  (a sibling script)

STEPS = [
    ("import", ["import", "{file}", "--batch", "基准"]),
    ("dedupe --auto", ["dedupe", "--auto"]),
    ("classify", ["classify"]),
    ("assign --all", ["assign", "--all"]),
    ("render annex1 (xlsx+docx)", ["render", "附件1", "--all"]),
    ("render annex2 (xlsx+docx)", ["render", "附件2", "--all"]),
    ("analyse", ["analyse", "--today", "2020-09-30"]),
    ("dispatch", ["dispatch"]),
    ("export", ["export", "{ws}/台账.xlsx"]),
]


def run(n: int) -> None:
    workbook = make_workbook(n)
    with tempfile.TemporaryDirectory() as d:
        ws = Path(d) / "ws"
        subprocess.run(
            [sys.executable, "-m", "rectikit", "init", str(ws), "--year", "2020"], check=True, capture_output=True
        )
        examples = HERE.parent / "examples" / "rules"
        shutil.copytree(examples, ws / "rules", dirs_exist_ok=True)
        config = (
            (ws / "rectikit.toml").read_text(encoding="utf-8").replace('start_date = ""', 'start_date = "2020-06-10"')
        )
        (ws / "rectikit.toml").write_text(config, encoding="utf-8")
        total = 0.0
        print(f"\n{n:,} items")
        print(f"  {'step':28} {'wall s':>8} {'peak MB':>8}  exit")
        for name, args in STEPS:
            argv = [a.format(file=workbook, ws=ws) for a in args]
            p = subprocess.run(
                ["/usr/bin/time", "-f", "%e %M", sys.executable, "-m", "rectikit", *argv, "-w", str(ws)],
                capture_output=True,
                text=True,
            )
            wall, kb = p.stderr.strip().splitlines()[-1].split()
            total += float(wall)
            print(f"  {name:28} {float(wall):8.1f} {int(kb) / 1024:8.0f}  {p.returncode}")
        print(f"  {'total':28} {total:8.1f}")


def main() -> None:
    import argparse
    import os

    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int)
    parser.add_argument("--src", help="run this source tree (its src/ folder) instead of the installed rectikit")
    args = parser.parse_args()
    if args.src:
        os.environ["PYTHONPATH"] = str(Path(args.src).resolve())  # every step's process imports it first
    for n in args.sizes or [10_000, 100_000]:
        run(n)


if __name__ == "__main__":
    main()
