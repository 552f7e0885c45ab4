"""`rectikit demo`: a workspace built from the bundled examples, with every
step that exists run on it, so a newcomer sees the whole cycle at once."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

from rectikit.base.errors import WorkspaceError
from rectikit.base.resources import examples_dir
from rectikit.base.results import Summary
from rectikit.documents.analysis import analyse
from rectikit.documents.annexes import render
from rectikit.documents.export import export_ledger
from rectikit.documents.investigation import investigation_reports
from rectikit.documents.monthly import monthly_report
from rectikit.documents.notice import notice
from rectikit.documents.plan import plan
from rectikit.documents.supervision import supervise
from rectikit.figures import ledger_status
from rectikit.steps.assign import assign
from rectikit.steps.classify import classify
from rectikit.steps.dedupe import dedupe
from rectikit.steps.dispatch import dispatch
from rectikit.steps.ingest import import_files
from rectikit.steps.investigation import dispatch_investigation
from rectikit.steps.tracking import track
from rectikit.store.workspace import init_workspace

# The demo's office works as of this day: deadlines are counted from 2020-06-10.
DEMO_TODAY = dt.date(2020, 9, 30)
DEMO_ASSIGNED = dt.date(2020, 6, 10)
DEMO_DISPATCHED = dt.date(2020, 6, 20)
DEMO_BATCHES = [("2019年度社会评价群众意见建议.xlsx", "2019年度"), ("2020年中期社会评价群众意见建议.csv", "2020年中期")]
_MARKER = ".rectikit-demo"


def run_demo(folder: Path, *, force: bool = False, progress: Callable[[str], None] | None = None) -> Summary:
    """Build a demo workspace in ``folder`` and run the pipeline on it."""
    say = progress or (lambda _msg: None)
    folder = Path(folder).resolve()
    if folder.exists() and any(folder.iterdir()):
        if not (force and (folder / _MARKER).exists()):
            hint = "加 --force 重建。" if (folder / _MARKER).exists() else "请换一个文件夹。"
            raise WorkspaceError(f"{folder} 已存在且不为空。{hint}")
        shutil.rmtree(folder)
    examples = examples_dir()
    ws = init_workspace(folder, office="桂中市绩效办（演示）", year=2020)
    (folder / _MARKER).write_text("rectikit demo workspace\n", encoding="utf-8")
    shutil.copytree(examples / "rules", ws.rules_dir, dirs_exist_ok=True)
    config = ws.config_path.read_text(encoding="utf-8").replace('start_date = ""', 'start_date = "2020-06-10"')
    ws.config_path.write_text(config, encoding="utf-8")
    say(f"已创建工作区 {folder}（含示例单位名录）")
    imports = []
    for name, batch in DEMO_BATCHES:
        res = import_files(ws, [examples / name], batch=batch)
        say(f"导入 {name} → 批次 {batch}：{res.added} 条")
        imports.append(res.to_dict())
    merged = dedupe(ws, auto=True, across_batches=True)
    for b in merged.summary:
        say(f"合并相似意见建议：{b['batch']} 原始 {b['raw_items']} 条，归纳为 {b['items']} 条")
    classes = classify(ws, review=folder / "分类审核.xlsx")
    for line in classes.summary:
        say(f"分类：{line['batch']} {line['sentence']}")
    tasks = assign(ws, today=DEMO_ASSIGNED)
    say(f"责任分解：{len(tasks.assignments)} 项重点整改任务已分解到牵头单位，未分解 {len(tasks.unassigned)} 项")
    sent = dispatch(ws, folder / "交办", today=DEMO_DISPATCHED)
    say(f"交办：{len(sent.files)} 个单位各一份整改任务交办表（牵头和配合）")
    inquiry = dispatch_investigation(ws, folder / "交办" / "调查", today=DEMO_DISPATCHED)
    say(f"调查表：{len(inquiry.files)} 个单位各一份整改事项调查表")
    lights = track(ws, today=DEMO_TODAY, out=folder / "催办清单.xlsx")
    chased = supervise(ws, today=DEMO_TODAY)
    say(f"督办通知：{len(chased['files'])} 个单位（有逾期或临近时限的任务）")
    say(f"整改进度（按 {DEMO_TODAY} 计）：" + "，".join(f"{k} {v} 项" for k, v in lights.counts().items()))
    rendered = [render(ws, annex, out_dir=ws.outputs_dir, group_by="category") for annex in ("annex1", "annex2")]
    for r in rendered:
        say(f"生成 {r['title']}（{r['rows']} 项）")
    drafted = plan(ws, batches=["2020年中期"], today=dt.date(2020, 6, 10))
    say(f"起草整改方案：{drafted['path']}")
    month = monthly_report(ws, month=f"{DEMO_TODAY.year}-{DEMO_TODAY.month:02d}", today=DEMO_TODAY)
    say(f"整改工作月报：{month['overview']}")
    first = lights.tasks[0]["id"]  # a dispatched task: its units got an investigation form
    inquired = investigation_reports(ws, [first], today=DEMO_TODAY)
    say(f"调查报告（编号 {first}，各单位报回调查表后内容会填入）")
    report = analyse(ws, today=DEMO_TODAY, out=ws.outputs_dir / "分析报告.docx")
    say(f"生成分析报告：{report.overview}")
    public = notice(ws, today=DEMO_TODAY)
    say(f"生成整改情况公示及 {len(public['attachments'])} 份附件")
    out = export_ledger(ws, folder / "台账.xlsx", today=DEMO_TODAY)
    say(f"导出台账 {out['items']} 条")
    return Summary(
        {
            "workspace": str(folder),
            "imports": imports,
            "status": ledger_status(ws),
            "dedupe": merged.to_dict(),
            "classify": {k: v for k, v in classes.to_dict().items() if k != "decisions"},
            "assign": {k: v for k, v in tasks.to_dict().items() if k != "assignments"},
            "track": {"today": lights.today, "counts": lights.counts()},
            "outputs": {
                "台账": out["path"],
                "分类审核表": classes.review_path,
                "交办表文件夹": sent.folder,
                "催办清单": lights.path,
                "整改方案": drafted["path"],
                "督办通知文件夹": chased["folder"],
                "整改工作月报": month["files"]["docx"],
                "调查报告": inquired["files"][first],
                "调查表文件夹": inquiry.folder,
                "分析报告": report.path,
                "公示": public["path"],
                **{f"附件{r['annex'][-1]}（{fmt}）": p for r in rendered for fmt, p in r["files"].items()},
            },
        }
    )
