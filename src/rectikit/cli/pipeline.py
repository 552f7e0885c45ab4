"""Commands of the pipeline steps: dedupe, unmerge, classify, assign."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from rectikit.cli.common import (
    BatchOpt,
    Command,
    TodayOpt,
    app,
    emit,
    err,
    print_issues,
    say,
    shared_options,
    show_path,
    table,
    working,
    workspace_of,
)


@app.command(
    "dedupe", cls=Command, help="合并内容相似或相同的意见建议（梳理归纳）。不加选项时只列出建议合并的组，不做改动。"
)
@shared_options
def dedupe_cmd(
    batch: BatchOpt = None,
    threshold: Annotated[
        Optional[float], typer.Option("--threshold", help="相似度阈值（0.5–1），默认取配置文件，初始为 0.8。")
    ] = None,
    auto: Annotated[
        bool,
        typer.Option(
            "--auto", help="自动合并几乎相同的组（相似度不低于配置的 auto_threshold，初始 0.9），供定时脚本使用。"
        ),
    ] = False,
    review: Annotated[
        Optional[Path],
        typer.Option("--review", help="把建议合并的组写成审核表（.xlsx），在“处理意见”列选择后用 --apply 导回。"),
    ] = None,
    apply: Annotated[
        Optional[Path], typer.Option("--apply", help="按审核表中的处理意见合并；有错误则不做任何改动。")
    ] = None,
    across: Annotated[
        bool, typer.Option("--across-batches", help="同时与更早批次比对，标记“连续反映”的条目（只标记，不合并）。")
    ] = False,
    today: TodayOpt = None,
) -> None:
    from rectikit.steps.dedupe import dedupe
    from rectikit.steps.mergereview import apply_review

    ws = workspace_of()
    if apply and (review or auto):
        from rectikit.base.errors import UsageError

        raise UsageError("--apply 不能与 --review 或 --auto 同时使用。")
    if apply:
        res = apply_review(ws, apply)
        say(("已按审核表处理", "green"), f"：合并 {res.merged_groups} 组，记为不重复 {res.kept_apart} 对。")
    else:
        with working("正在比对…") as st:
            res = dedupe(
                ws,
                batch=batch,
                threshold=threshold,
                auto=auto,
                review=review,
                across_batches=across,
                progress=lambda m: st.update(f"正在比对：{m}"),
            )
        _print_groups(res.groups)
        if res.repeats:
            err.print(f"与更早批次重复（连续反映）：{len(res.repeats)} 条，已标记。")
        if auto:
            say(("已自动合并", "green"), f" {res.merged_groups} 组。")
        if res.review_path:
            err.print("审核表（在“处理意见”列选择后运行 rectikit dedupe --apply 该文件）：")
            show_path("  ", res.review_path)
    _print_merge_summary(res.summary)
    emit(res)


def _print_groups(groups, limit: int = 20) -> None:
    if not groups:
        err.print("没有找到建议合并的条目。")
        return
    t = table(
        f"建议合并 {len(groups)} 组（涉及 {sum(len(g.item_ids) for g in groups)} 条）", "组", "相似度", "编号", "内容"
    )
    for n, g in enumerate(groups[:limit], start=1):
        for k, (i, text) in enumerate(zip(g.item_ids, g.texts)):
            t.add_row(str(n) if k == 0 else "", f"{g.score:.2f}" if k == 0 else "", str(i), text[:60])
    err.print(t)
    if len(groups) > limit:
        err.print(f"……另有 {len(groups) - limit} 组，用 --review 导出查看。")


def _print_merge_summary(summary) -> None:
    for b in summary:
        err.print(
            f"批次 {b['batch']}：原始 {b['raw_items']} 条，归纳为 {b['items']} 条"
            + (f"，其中连续反映 {b['repeats']} 条" if b.get("repeats") else "")
            + "。"
        )


@app.command("unmerge", cls=Command, help="撤销一次合并：该条目下的原始意见建议恢复为各自独立的条目。")
@shared_options
def unmerge_cmd(
    item: Annotated[int, typer.Argument(help="合并后条目的编号。", metavar="编号")], today: TodayOpt = None
) -> None:
    from rectikit.steps.merging import unmerge

    res = unmerge(workspace_of(), item)
    say(
        ("已撤销合并", "green"),
        f"：编号 {res['item']} 恢复为 {len(res['restored'])} 条（{'、'.join(map(str, res['restored']))}）。",
    )
    _print_merge_summary(res["summary"])
    emit(res)


@app.command(
    "classify",
    cls=Command,
    help="分类：领域类别、处理方式（立行立改/回访帮助/解读说明/引导化解/长期坚持）、是否列为重点整改任务。",
)
@shared_options
def classify_cmd(
    batch: BatchOpt = None,
    model: Annotated[
        Optional[bool], typer.Option("--model/--rules", help="用学习模型或关键词规则分类；默认有模型就用模型。")
    ] = None,
    reclassify: Annotated[
        bool, typer.Option("--reclassify", help="原表已有类别或处理方式的条目也重新判断（默认保留原表的）。")
    ] = False,
    review: Annotated[
        Optional[Path], typer.Option("--review", help="写出分类审核表（.xlsx），人工修改后用 --apply 导回。")
    ] = None,
    apply: Annotated[
        Optional[Path], typer.Option("--apply", help="按分类审核表更新；人工确定的结果以后不会被自动覆盖。")
    ] = None,
    train: Annotated[
        Optional[Path],
        typer.Option(
            "--train", help="用已标注的表格（含内容列和类别列）训练学习模型；有“处理方式”列的同时学习处理方式。"
        ),
    ] = None,
    from_ledger: Annotated[
        bool, typer.Option("--from-ledger", help="用台账中人工确定（或原表自带）的类别和处理方式训练学习模型。")
    ] = False,
    text_column: Annotated[Optional[str], typer.Option("--text-column", help="训练表格中内容列的列名。")] = None,
    label_column: Annotated[Optional[str], typer.Option("--label-column", help="训练表格中类别列的列名。")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示结果，不写入台账。")] = False,
    today: TodayOpt = None,
) -> None:
    from rectikit.steps.classify import classify
    from rectikit.steps.classreview import apply_review
    from rectikit.steps.training import train as train_models

    ws = workspace_of()
    if train or from_ledger:
        with working("正在训练…"):
            res = train_models(
                ws, file=train, from_ledger=from_ledger, text_column=text_column, label_column=label_column
            )
        say(("已训练学习模型", "green"), f"：{res['items']} 条，{len(res['labels'])} 个类别（{res['source']}）。")
        _print_checked("类别", res["cross_validation"])
        if "disposition_model" in res:
            d = res["disposition_model"]
            say(("已训练处理方式模型", "green"), f"：{d['items']} 条，{len(d['labels'])} 种处理方式。")
            _print_checked("处理方式", d["cross_validation"])
        emit(res)
        return
    if apply:
        out = apply_review(ws, apply)
        say(("已按审核表更新", "green"), f" {out.changed} 项。")
    else:
        with working("正在分类…") as st:
            out = classify(
                ws,
                batch=batch,
                use_model=model,
                reclassify=reclassify,
                review=review,
                dry_run=dry_run,
                progress=lambda m: st.update(m),
            )
        _print_classes(out)
        if out.review_path:
            err.print("分类审核表（修改后运行 rectikit classify --apply 该文件）：")
            show_path("  ", out.review_path)
    for line in out.summary:
        err.print(
            f"{line['batch']}：{line['sentence']}"
            + (f"（未分类 {line['unclassified']} 条）" if line["unclassified"] else "")
        )
    emit(out)


def _print_checked(what: str, cv: dict) -> None:
    if cv["accuracy"] is None:
        return
    if cv["accept_above"] is None:
        say(
            f"{what}交叉验证：正确率 {cv['accuracy']:.1%}，没有哪一段置信度能有把握达到自动采纳要求"
            f"（{cv['accept_precision']:.0%}，按单侧 95% 置信下限），全部待审核。"
        )
        return
    say(
        f"{what}交叉验证：正确率 {cv['accuracy']:.1%}；置信度 {cv['accept_above']:.2f} 以上的自动采纳，约占 "
        f"{cv['accepted_share']:.0%}，其中正确率 {cv['accepted_accuracy']:.1%}（95% 置信区间 "
        f"{cv['accepted_accuracy_low']:.1%}–{cv['accepted_accuracy_high']:.1%}；界限按正确率的单侧 95% 置信下限"
        f"不低于要求的 {cv['accept_precision']:.0%} 设定）。"
    )


def _print_classes(res) -> None:
    from collections import Counter

    counts = Counter(d.category or "（未分类）" for d in res.decisions)
    t = table(
        f"分类结果（{'学习模型' if res.method == 'model' else '关键词规则'}，共 {len(res.decisions)} 条）",
        "类别",
        "条数",
    )
    for name, n in counts.most_common():
        t.add_row(name, str(n))
    err.print(t)
    if res.unmatched:
        err.print(
            f"未命中任何类别：{len(res.unmatched)} 条（编号 {'、'.join(map(str, res.unmatched[:15]))}"
            f"{'……' if len(res.unmatched) > 15 else ''}），请人工分类。"
        )
    if res.flagged:
        basis = f"置信度低于 {res.accept_above:.2f}" if res.accept_above is not None else "判断不够明确"
        err.print(f"待审核（{basis}）：{len(res.flagged)} 条，在审核表中排在前面。")


@app.command(
    "assign", cls=Command, help="责任分解：按分解规则确定牵头单位、配合单位、责任领导、责任人、整改时限、措施和目标。"
)
@shared_options
def assign_cmd(
    batch: BatchOpt = None,
    include_all: Annotated[bool, typer.Option("--all", help="所有条目都分解（默认只分解重点整改任务）。")] = False,
    only_unassigned: Annotated[bool, typer.Option("--only-unassigned", help="只处理还没有牵头单位的条目。")] = False,
    reassign: Annotated[bool, typer.Option("--reassign", help="连人工确定的分解也按规则重新分解。")] = False,
    export: Annotated[
        Optional[Path], typer.Option("--export", help="把分解结果写成表格（.xlsx），人工修改后用 --apply 导回。")
    ] = None,
    apply: Annotated[
        Optional[Path], typer.Option("--apply", help="按修改后的责任分解表更新；有错误则不做任何改动。")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示结果，不写入台账。")] = False,
    today: TodayOpt = None,
) -> int:
    from rectikit.steps import assign as asg
    from rectikit.steps import assignreview as review

    ws = workspace_of()
    if apply:
        res = review.apply_assignments(ws, apply)
        say(("已按责任分解表更新", "green"), f" {len(res.assignments)} 项（记为人工确定）。")
        if res.from_directory:
            err.print(
                f"改了牵头单位而未改责任领导、责任人的 {len(res.from_directory)} 项，已按单位名录换成新牵头单位的"
                f"（编号 {'、'.join(map(str, res.from_directory[:20]))}）。"
            )
    else:
        with working("正在分解…"):
            res = asg.assign(
                ws,
                batch=batch,
                include_all=include_all,
                only_unassigned=only_unassigned,
                reassign=reassign,
                dry_run=dry_run,
            )
        from collections import Counter

        t = table(f"责任分解：{len(res.assignments)} 项", "牵头单位", "项数")
        for unit, n in Counter(a.lead_unit for a in res.assignments).most_common():
            t.add_row(unit, str(n))
        err.print(t)
        if res.kept_manual:
            err.print(f"人工确定的 {res.kept_manual} 项保持不变（加 --reassign 可重新分解）。")
        if res.unassigned:
            say(
                ("没有规则命中", "yellow"),
                f"：{len(res.unassigned)} 项（编号 {'、'.join(map(str, res.unassigned[:20]))}"
                f"{'……' if len(res.unassigned) > 20 else ''}），请补充分解规则或用 --export 后人工填写。",
            )
        if res.left:
            print_issues(res.report)
            say(("未能分解", "yellow"), f" {len(res.left)} 项（原因见上表），其余已分解；用 --export 导出后人工填写。")
    if export:
        path = review.export_assignments(
            ws, export, batch=batch, include_all=include_all, left=None if apply else res.left
        )
        show_path("责任分解表：", path)
    emit(res)
    return 0 if apply or res.complete else 1
