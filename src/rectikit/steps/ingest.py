"""`rectikit import`: bring feedback spreadsheets into the ledger.

Each file is read, its header found, its columns mapped to fields, every row
checked, and then the whole file is written in one transaction, or nothing
is. Every original cell is kept with the file name, its sha256, the sheet and
the row number, so any item can be traced back to the cell it came from.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base.errors import InputFileError, UsageError
from rectikit.base.fsutil import sha256_file
from rectikit.base.gcpause import gc_paused
from rectikit.base.names import check_name, file_part
from rectikit.base.problems import ERROR, INFO, WARNING, Issue, Report
from rectikit.base.results import Result
from rectikit.files.guard import Limits
from rectikit.files.xlsxout import write_problems
from rectikit.steps.importplan import plan_file
from rectikit.steps.importrows import ITEM_FIELDS, Plan, SheetResult
from rectikit.steps.importwrite import write_plans
from rectikit.store.ledger import Ledger
from rectikit.store.returnedbooks import carries_identity
from rectikit.store.workspace import Workspace


@dataclass
class FileResult:
    file: str
    status: str  # imported | replaced | already | would-import | rejected | changed-version | no-earlier | empty | unreadable
    sha256: str = ""
    sheets: list[SheetResult] = field(default_factory=list)
    message: str = ""
    reassign: list[int] = field(default_factory=list)  # replaced rows whose county etc. changed after assign

    @property
    def added(self) -> int:
        return sum(s.rows for s in self.sheets) if self.status in ("imported", "replaced") else 0


@dataclass
class ImportResult(Result):
    batch: str
    files: list[FileResult] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    report_path: str | None = None
    dry_run: bool = False

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    @property
    def ok(self) -> bool:
        return all(f.status in ("imported", "replaced", "already", "would-import") for f in self.files)

    def to_dict(self) -> dict:
        return {
            "batch": self.batch,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "added": self.added,
            "files": [
                {
                    "file": f.file,
                    "status": f.status,
                    "sha256": f.sha256,
                    "message": f.message,
                    "added": f.added,
                    "reassign": f.reassign,
                    "sheets": [s.__dict__ for s in f.sheets],
                }
                for f in self.files
            ],
            "report": self.report.to_dict(),
            "report_path": self.report_path,
        }


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``["投诉件内容=text", ...]`` -> ``{"投诉件内容": "text"}``."""
    out = {}
    for p in pairs:
        col, sep, fld = p.partition("=")
        if not sep or not col.strip() or not fld.strip():
            raise UsageError(f"--map 的写法应为“列名=字段”，收到“{p}”。")
        out[col.strip()] = fld.strip()
    return out


def import_files(
    ws: Workspace,
    paths: Sequence[Path | str],
    *,
    batch: str,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    report_path: Path | None = None,
    progress: Callable[[str], None] | None = None,
    replace: bool = False,
    add: bool = False,
    kind: str | None = None,
) -> ImportResult:
    """Import feedback files into ``batch`` (of ``kind``: 社会评价, 热线 … — else what its name says); see the
    module docstring."""
    from rectikit.store.values import BATCH_KINDS

    if not (batch or "").strip():
        raise UsageError("请用 --batch 指定批次名称，例如 --batch 2019年度。")
    batch = check_name(batch, "批次名称")
    if kind is not None and kind not in BATCH_KINDS:
        raise UsageError(f"批次类型应为 {'、'.join(BATCH_KINDS)} 之一。")
    result = ImportResult(batch=batch, dry_run=dry_run)
    scan = int(ws.setting("import", "header_scan_rows", 30))
    limits = Limits.from_config(ws.config().get("import", {}))
    if report_path:  # checked before anything changes
        report_path = ws.output_file(report_path, report_path, (".xlsx",))
    with ws.ledger() as led:
        for p in paths:
            path = Path(p)
            if progress:
                progress(path.name)
            if path.suffix.lower() in (".xlsx", ".xlsm") and carries_identity(path):  # a sheet from the office above
                fr = _from_upstream(ws, led, path, batch, dry_run, result.report)
            else:
                fr = _import_one(
                    led,
                    path,
                    batch,
                    sheet,
                    mapping or {},
                    dry_run,
                    skip_invalid,
                    scan,
                    limits,
                    result.report,
                    "replace" if replace else "add" if add else None,
                )
            result.files.append(fr)
        if kind and not dry_run and led.batch_id(batch) is not None:
            with led.transaction():
                led.batch_id(batch, kind=kind)
    worth_a_file = result.report.errors or result.report.count(WARNING)
    if report_path or (worth_a_file and not dry_run):
        result.report_path = str(write_problems(result.report, report_path or _default_report_path(ws, batch)))
    return result


def _from_upstream(ws: Workspace, led: Ledger, path: Path, batch: str, dry_run: bool, report: Report) -> FileResult:
    """An upstream office's task sheet, taken in by :func:`rectikit.steps.upstream.take_in`."""
    from rectikit.steps.upstream import SHEET, take_in

    fr = FileResult(file=path.name, status="unreadable", sha256=sha256_file(path))
    try:
        got = take_in(ws, led, path, batch, report, dry_run=dry_run)
    except InputFileError as e:
        fr.message = str(e)
        report.add(Issue("unreadable-file", str(e), ERROR, file=path.name))
        return fr
    rows = got.new + len(got.updated)
    fr.sheets = [SheetResult(sheet=SHEET, header_row=4, rows=got.new if dry_run else len(got.added) + len(got.updated))]
    if report.errors:
        fr.status, fr.message = "rejected", "上级交办表有错误行，未导入。"
    elif dry_run:
        fr.status = "would-import"
    elif got.seen and not rows:
        fr.status, fr.message = "already", f"上级第{got.round}轮交办表此前已导入，未改动。"
    else:
        fr.status = "replaced" if got.updated or got.unchanged else "imported"
        fr.message = (
            f"上级（{got.office}）第{got.round}轮交办表：新增 {len(got.added)} 项，更新 {len(got.updated)} 项，"
            f"未变 {got.unchanged} 项。"
        )
    return fr


def _default_report_path(ws: Workspace, batch: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return ws.reports_dir / f"导入校验报告-{file_part(batch)}-{stamp}.xlsx"


def _import_one(
    led: Ledger,
    path: Path,
    batch: str,
    sheet: str | None,
    overrides: dict[str, str],
    dry_run: bool,
    skip_invalid: bool,
    scan: int,
    limits: Limits,
    report: Report,
    version: str | None = None,
) -> FileResult:
    fr = FileResult(file=path.name, status="unreadable")
    try:
        fr.sha256 = sha256_file(path) if path.is_file() else ""
        plans = plan_file(led, path, sheet, overrides, scan, limits, report)
    except InputFileError as e:
        fr.message = str(e)
        report.add(Issue("unreadable-file", str(e), ERROR, file=path.name))
        return fr
    fr.sheets = [p.result for p in plans]
    done = {
        r[0]: r[1]
        for r in led.conn.execute(
            "SELECT f.sheet, b.name FROM source_files f JOIN batches b ON b.id=f.batch_id WHERE f.sha256=?",
            (fr.sha256,),
        )
    }
    fresh = [p for p in plans if p.result.sheet not in done]
    if not fresh:
        where = "、".join(sorted(set(done.values())))
        fr.status, fr.message = "already", f"该文件此前已导入（批次：{where}），本次未新增。"
        for p in plans:
            p.result.rows = 0
        report.add(Issue("already-imported", fr.message, INFO, file=path.name))
        return fr
    if not any(p.result.rows for p in fresh) and (skip_invalid or not any(p.result.rejected for p in fresh)):
        fr.status, fr.message = "empty", "表头下面没有可导入的意见建议（只有表头、全是空行或全是错误行），未导入。"
        report.add(Issue("no-rows", fr.message, ERROR, file=path.name))
        return fr
    if any(p.result.rejected for p in fresh) and not skip_invalid:
        fr.status = "rejected"
        fr.message = "存在错误行，整个文件未导入。修正后重新导入，或加 --skip-invalid 只导入有效行。"
        for p in fresh:
            p.result.rows = 0
        return fr
    earlier = _earlier_version(led, path.name, fr.sha256, batch, fresh) if version != "add" else {}
    if _version_refused(fr, path, batch, version, earlier, len(fresh) > 1, report):
        return fr
    if dry_run:
        fr.status = "would-import"
        return fr
    with gc_paused():
        written = write_plans(led, path, fr.sha256, batch, fresh, replaces={k: v[0] for k, v in earlier.items()})
    if written is None:
        fr.status, fr.message = "already", "该文件刚被另一个 rectikit 进程导入，本次未新增。"
        for p in plans:
            p.result.rows = 0
        report.add(Issue("already-imported", fr.message, INFO, file=path.name))
        return fr
    for p in plans:
        if p not in fresh:
            p.result.rows = 0
    fr.status = "imported"
    if earlier:
        _say_replaced(fr, earlier, fresh, written, report)
    return fr


def _version_refused(
    fr: FileResult, path: Path, batch: str, version: str | None, earlier: dict, several_sheets: bool, report: Report
) -> bool:
    """Whether the file is refused as a version question: --replace with no earlier version to replace, or
    a file that looks like an edited earlier one, imported without saying --replace or --add."""
    if version == "replace" and not earlier:
        fr.status = "no-earlier"
        fr.message = (
            f"本批次（{batch}）中没有找到《{path.name}》的旧版本（同名、或一半以上条目相同的已导入文件），"
            "无从替换，未导入。"
        )
        report.add(
            Issue(
                "no-earlier-version",
                fr.message + "若是新材料，去掉 --replace 重新导入；若旧版本在别的批次，请用 --batch 写明那个批次。",
                ERROR,
                file=path.name,
            )
        )
        return True
    if earlier and version != "replace":
        fr.status = "changed-version"
        alike = "；".join(
            f"《{name}》{'（工作表 ' + sheet + '）' if several_sheets else ''}（{rows} 条）有 {same} 条相同"
            for sheet, (_id, name, rows, same) in earlier.items()
        )
        fr.message = (
            f"与本批次已导入的{alike}，像是它修改后的新版本，未导入。"
            "要用新版本替换旧版本，加 --replace（未改动的条目保留已做的合并、分类、分解和整改记录）；"
            "确是另一份材料，加 --add。"
        )
        report.add(Issue("changed-version", fr.message, ERROR, file=path.name))
        return True
    return False


def _say_replaced(fr: FileResult, earlier: dict, fresh: list, written: dict, report: Report) -> None:
    """What replacing the earlier version did: kept, added, withdrawn, corrected, to be reassigned."""
    fr.status = "replaced"
    for p in fresh:  # a sheet that replaced an earlier one adds only its new rows
        p.result.rows = written["per_sheet"].get(p.result.sheet, p.result.rows)
    names = "、".join(dict.fromkeys(f"《{v[1]}》" for v in earlier.values()))
    fr.message = (
        f"已替换本批次的{names}：保留 {written['kept']} 条（连同已做的工作），新增 {written['added']} 条，"
        f"撤下 {written['withdrawn']} 条。"
    )
    if written["corrected"]:
        fr.message += f"其中 {len(written['corrected'])} 条的内容有改正，已记入历史。"
    if written["reassign"]:
        ids = "、".join(map(str, written["reassign"][:20]))
        fr.message += (
            f"编号 {ids} 的县区、乡镇、来源或类别改了，而它们已按规则分解，请运行 rectikit assign "
            "重新分解（人工确定的不受影响）。"
        )
        fr.reassign = written["reassign"]
    report.add(Issue("replaced", fr.message, INFO, file=fr.file))


def _earlier_version(
    led: Ledger, name: str, sha: str, batch: str, plans: list[Plan]
) -> dict[str, tuple[int, str, int, int]]:
    """For each sheet of the new file, an imported sheet of this batch that it looks like a corrected copy
    of: the same file name (and, for a workbook of several sheets, the same sheet name), or at least half
    its rows the same text. Returns sheet -> (file id, its name, its rows, rows in common); a sheet with
    none is left out."""
    candidates = led.conn.execute(
        "SELECT f.id, f.file_name, f.sheet FROM source_files f JOIN batches b ON b.id=f.batch_id"
        " WHERE b.name=? AND f.sha256 != ?",
        (batch, sha),
    ).fetchall()
    found: dict[str, tuple[int, str, int, int]] = {}
    taken: set[int] = set()
    for plan in plans if candidates else ():  # a batch's first file has nothing to count its texts against
        texts = [t for t in plan.columns[ITEM_FIELDS.index("text")] if t]
        if not texts:
            continue
        counted = Counter(texts)
        best = None
        for file_id, file_name, sheet in candidates:
            if file_id in taken or (len(plans) > 1 and sheet != plan.result.sheet):
                continue
            old = [r[0] for r in led.conn.execute("SELECT text FROM items WHERE file_id=?", (file_id,))]
            if not old:
                continue
            same = sum((counted & Counter(old)).values())
            if (file_name.casefold() == name.casefold() or same * 2 >= min(len(old), len(texts))) and (
                best is None or same > best[3]
            ):
                best = (file_id, file_name, len(old), same)
        if best:
            found[plan.result.sheet] = best
            taken.add(best[0])
    return found
