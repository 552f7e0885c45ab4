"""`rectikit import`: bring feedback spreadsheets into the ledger.

Each file is read, its header found, its columns mapped to fields, every row
checked, and then the whole file is written in one transaction, or nothing
is. Every original cell is kept with the file name, its sha256, the sheet and
the row number, so any item can be traced back to the cell it came from.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base.errors import InputFileError, InvalidDataError, UsageError
from rectikit.base.fsutil import sha256_file
from rectikit.base.names import check_name, file_part, has_control, without_control
from rectikit.base.problems import ERROR, INFO, WARNING, Issue, Report
from rectikit.files.columns import Header, detect_header, layout_signature, map_columns, synonym_columns
from rectikit.files.guard import Limits
from rectikit.files.readers import Sheet, cell_text, read_sheets
from rectikit.files.xlsxout import write_problems
from rectikit.store.books import carries_identity
from rectikit.store.ledger import Ledger, now
from rectikit.store.workspace import Workspace
from rectikit.text.dates import parse_date

ITEM_FIELDS = (
    "seq",
    "title",
    "text",
    "county",
    "township",
    "village",
    "source",
    "received_on",
    "contact_name",
    "contact_phone",
    "category_given",
    "category2",
    "nature",
    "unit_given",
    "status_given",
    "due_given",
    "answered_on",
    "callback",
    "satisfaction",
    "disposition_given",
)
_NOTE_PREFIXES = (
    "填表说明",
    "说明",
    "注：",
    "注:",
    "备注：",
    "备注:",
    "合计",
    "总计",
    "小计",
    "制表",
    "填表人",
    "审核人",
    "单位负责人",
    "联系人：",
    "联系人:",
)


@dataclass
class SheetResult:
    sheet: str
    header_row: int = 0  # 1-based, as Excel shows it
    mapping: dict[str, str] = field(default_factory=dict)  # field -> header name
    rows: int = 0  # data rows that became items
    rejected: int = 0
    skipped: int = 0  # blank rows, notes and group titles


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
class ImportResult:
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


@dataclass
class _Plan:
    """A checked sheet, ready to be written."""

    result: SheetResult
    header: Header
    signature: str
    mapping: dict[str, int]  # field -> column index
    row_numbers: list[int] = field(default_factory=list)  # of the rows to import
    columns: list[list] = field(default_factory=list)  # one list per ITEM_FIELDS entry, aligned with row_numbers


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
        plans = _plan_file(led, path, sheet, overrides, scan, limits, report)
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
        return fr
    if earlier and version != "replace":
        fr.status = "changed-version"
        alike = "；".join(
            f"《{name}》{'（工作表 ' + sheet + '）' if len(fresh) > 1 else ''}（{rows} 条）有 {same} 条相同"
            for sheet, (_id, name, rows, same) in earlier.items()
        )
        fr.message = (
            f"与本批次已导入的{alike}，像是它修改后的新版本，未导入。"
            "要用新版本替换旧版本，加 --replace（未改动的条目保留已做的合并、分类、分解和整改记录）；"
            "确是另一份材料，加 --add。"
        )
        report.add(Issue("changed-version", fr.message, ERROR, file=path.name))
        return fr
    if dry_run:
        fr.status = "would-import"
        return fr
    with _gc_paused():
        written = _write(led, path, fr.sha256, batch, fresh, replaces={k: v[0] for k, v in earlier.items()})
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
        report.add(Issue("replaced", fr.message, INFO, file=path.name))
    return fr


def _earlier_version(
    led: Ledger, name: str, sha: str, batch: str, plans: list[_Plan]
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
    for plan in plans:
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


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while building per-row tuples.

    A parsed sheet is a million small objects; each automatic collection
    rescans them. Pausing it made checking 100k rows 27% faster. Nothing
    built here is cyclic, so nothing is left for the collector to find.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _plan_file(
    led: Ledger, path: Path, sheet: str | None, overrides: dict[str, str], scan: int, limits: Limits, report: Report
) -> list[_Plan]:
    plans: list[_Plan] = []
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
        with _gc_paused():
            plans.append(_check_rows(path.name, sh, header, mapping, sig, report))
    if not plans:
        raise InputFileError(
            f"{path.name} 中没有找到含意见建议内容列的工作表（已查看：{'、'.join(seen) or '无'}）。"
            "可用 --sheet 指定工作表，或用 --map 列名=意见建议内容 指定内容列。"
        )
    return plans


def _remembered(led: Ledger, signature: str) -> dict[str, str] | None:
    row = led.conn.execute("SELECT mapping FROM layouts WHERE signature=?", (signature,)).fetchone()
    return json.loads(row[0]) if row else None


def _column(rows: list[list], j: int | None) -> list[str | None]:
    """One column of the body as text, None where empty; column-wise with a
    fast path for strings, which measured a third faster than row by row."""
    if j is None:
        return [None] * len(rows)
    col = [
        ((v.strip() if v.__class__ is str else cell_text(v)) or None) if j < len(r) and (v := r[j]) != "" else None
        for r in rows
    ]
    if has_control("".join(v for v in col if v)):  # rare: one scan of the column finds them
        col = [without_control(v) or None if v else v for v in col]
    return col


def _dates(rows: list[list], j: int) -> tuple[list[str | None], list[int]]:
    """ISO dates of a column (None where none), and the body indexes whose
    value is not a date. Values that compare equal (1 == 1.0 == True) parse
    alike, so the cache may key on the value itself."""
    seen: dict = {}
    out: list[str | None] = []
    bad: list[int] = []
    for k, r in enumerate(rows):
        v = r[j] if j < len(r) else ""
        if v == "" or v is None:
            out.append(None)
            continue
        iso = seen.get(v, "")
        if iso == "":
            d = parse_date(v)
            iso = seen[v] = d.isoformat() if d else None
        if iso is None and cell_text(v):
            bad.append(k)
        out.append(iso)
    return out, bad


def _check_rows(file: str, sh: Sheet, header: Header, mapping: dict[str, int], sig: str, report: Report) -> _Plan:
    names = header.names
    sr = SheetResult(sheet=sh.name, header_row=header.row + 1, mapping={f: names[j] for f, j in mapping.items()})
    plan = _Plan(result=sr, header=header, signature=sig, mapping=mapping)
    start = header.data_start
    body = sh.rows[start:]
    date_j = mapping.get("received_on")
    cols = [_column(body, None if f == "received_on" else mapping.get(f)) for f in ITEM_FIELDS]
    texts, titles = cols[2], cols[1]
    if date_j is not None:
        cols[7], bad = _dates(body, date_j)
        for k in bad:
            report.add(
                Issue(
                    "bad-date",
                    "无法识别的日期，已保留原值，日期留空。",
                    WARNING,
                    file=file,
                    sheet=sh.name,
                    row=start + k + 1,
                    column=names[date_j],
                    value=cell_text(body[k][date_j]),
                )
            )
    # Exports often fill different text columns for different rows (留言详情 here, 主题+详情 there).
    other_texts = [j for j in synonym_columns(names, "text") if j not in mapping.values()]
    keep = []
    groups = _Groups(file, sh.name, report)
    sources = cols[ITEM_FIELDS.index("source")]
    headings = _headings(body, texts)
    for k, text in enumerate(texts):
        heading = headings.get(k)
        if heading:  # 一、城乡居民（141条）: its items follow, their source unless the row says one
            sr.skipped += 1
            groups.start(heading, start + k + 1)
            continue
        if text:
            keep.append(k)
            groups.count()
            if sources[k] is None:
                sources[k] = groups.current
            continue
        row = body[k]
        kind = _classify_empty(row, mapping)
        if kind:
            sr.skipped += 1
            if kind != "blank":
                report.add(
                    Issue(
                        kind,
                        _SKIP_MESSAGES[kind],
                        INFO,
                        file=file,
                        sheet=sh.name,
                        row=start + k + 1,
                        value=_first_value(row),
                    )
                )
        elif alt := next(((j, t) for j in other_texts if (t := _cell_text(row, j))), None):
            texts[k] = alt[1]
            keep.append(k)
            report.add(
                Issue(
                    "text-from-other-column",
                    f"“{names[mapping['text']]}”为空，已用“{names[alt[0]]}”列的内容。",
                    INFO,
                    file=file,
                    sheet=sh.name,
                    row=start + k + 1,
                    column=names[alt[0]],
                )
            )
        elif titles[k]:
            texts[k] = titles[k]
            keep.append(k)
            report.add(
                Issue(
                    "title-as-text",
                    "内容为空，已用标题代替。",
                    WARNING,
                    file=file,
                    sheet=sh.name,
                    row=start + k + 1,
                    column=names[mapping["text"]],
                )
            )
        else:
            sr.rejected += 1
            report.add(
                Issue(
                    "missing-text",
                    "此行有其他内容，但意见建议内容为空。",
                    ERROR,
                    file=file,
                    sheet=sh.name,
                    row=start + k + 1,
                    column=names[mapping["text"]],
                    value=_first_value(row),
                )
            )
    groups.close()
    if len(keep) < len(body):
        cols = [[c[k] for k in keep] for c in cols]
    plan.columns = cols
    plan.row_numbers = [start + k + 1 for k in keep]
    sr.rows = len(keep)
    return plan


_SKIP_MESSAGES = {"note-row": "表尾说明或合计行，未导入。"}


def _cell_text(row: list, j: int) -> str:
    return cell_text(row[j]) if j < len(row) else ""


def _first_value(row: list) -> str:
    for v in row:
        t = cell_text(v)
        if t:
            return t[:60]
    return ""


def _classify_empty(row: list, mapping: dict[str, int]) -> str | None:
    """Why a row without text need not be an error: blank or a note."""
    filled = [(j, cell_text(v)) for j, v in enumerate(row) if cell_text(v)]
    seq_j = mapping.get("seq")
    if not filled or (len(filled) == 1 and filled[0][0] == seq_j and filled[0][1].isdigit()):
        return "blank"
    if filled[0][1].startswith(_NOTE_PREFIXES):
        return "note-row"
    return None


_HEADING_START = tuple("一二三四五六七八九十（(")
_HEADING = re.compile(
    r"^(?P<mark>[一二三四五六七八九十百]+[、.．]|[(（][一二三四五六七八九十]+[)）][、.．]?)\s*"
    r"(?P<name>.+?)\s*(?:[(（]\s*(?:共\s*)?(?P<count>\d+)\s*条\s*[)）])?\s*[:：]?$"
)


@dataclass
class Heading:
    level: int  # 1 for 一、 2 for （一）
    name: str
    count: int | None


def _heading(row: list) -> Heading | None:
    """A group heading row: one cell, 一、 or （一） then a name, maybe "（141条）"."""
    filled = [t for v in row if (t := cell_text(v))]
    if len(filled) != 1 or len(filled[0]) > 80:
        return None
    m = _HEADING.match(filled[0])
    if not m or (m.group("count") is None and len(filled[0]) > 40):
        return None
    return Heading(2 if m.group("mark")[0] in "（(" else 1, m.group("name").strip(), _int(m.group("count")))


def _headings(body: list[list], texts: list[str | None]) -> dict[int, Heading]:
    """The rows that head a group. A heading with no count ("一、城乡居民")
    must have an item under it: a run of such rows is a list enumerated
    一、二、三、, whose rows are items, not headings."""
    found = {
        k: h
        for k, text in enumerate(texts)
        if (text is None or text.startswith(_HEADING_START)) and (h := _heading(body[k]))
    }
    if not found:
        return {}  # most sheets: no need to look at every row again
    filled = [k for k, row in enumerate(body) if any(cell_text(v) for v in row)]
    after = {a: b for a, b in zip(filled, filled[1:])}
    return {
        k: h
        for k, h in found.items()
        if h.count is not None or (k in after and (after[k] not in found or found[after[k]].level > h.level))
    }


def _int(text: str | None) -> int | None:
    return int(text) if text else None


class _Groups:
    """The headings in force while the rows are read, and their stated counts
    checked against the items under them."""

    def __init__(self, file: str, sheet: str, report: Report):
        self.file, self.sheet, self.report = file, sheet, report
        self.open: list[list] = []  # [heading, row number, items so far]

    @property
    def current(self) -> str | None:
        return self.open[-1][0].name if self.open else None

    def start(self, heading: Heading, row: int) -> None:
        while self.open and self.open[-1][0].level >= heading.level:
            self._check(*self.open.pop())
        self.open.append([heading, row, 0])
        self.report.add(
            Issue(
                "group-row",
                f"分组标题行，未作为条目导入；其下条目的来源记为“{heading.name}”。",
                INFO,
                file=self.file,
                sheet=self.sheet,
                row=row,
                value=heading.name,
            )
        )

    def count(self) -> None:
        for entry in self.open:
            entry[2] += 1

    def close(self) -> None:
        while self.open:
            self._check(*self.open.pop())

    def _check(self, heading: Heading, row: int, found: int) -> None:
        if heading.count is not None and heading.count != found:
            self.report.add(
                Issue(
                    "group-count",
                    f"分组标题写明 {heading.count} 条，其下实际有 {found} 条。",
                    WARNING,
                    file=self.file,
                    sheet=self.sheet,
                    row=row,
                    value=f"{heading.name}（{heading.count}条）",
                )
            )


def _write(
    led: Ledger, path: Path, sha: str, batch: str, plans: list[_Plan], replaces: dict[str, int] | None = None
) -> dict | None:
    """Write the planned sheets in one transaction; None when another process
    imported the same file meanwhile (checked again under the write lock).
    ``replaces``: sheet -> the id of the earlier version that sheet takes the place of; then the
    counts of what the replacement kept, added and withdrew, summed over the sheets."""
    import hashlib

    stamp = now()
    content = path.read_bytes()
    if hashlib.sha256(content).hexdigest() != sha:
        raise InputFileError(f"{path.name} 在导入过程中被改动，未导入。请在文件保存完毕后重新导入。")
    with led.transaction(check_foreign_keys=False) as conn:
        sheets = [p.result.sheet for p in plans]
        if conn.execute(
            f"SELECT 1 FROM source_files WHERE sha256=? AND sheet IN ({','.join('?' * len(sheets))})", (sha, *sheets)
        ).fetchone():
            return None
        batch_id = led.batch_id(batch, create=True)
        conn.execute("INSERT OR IGNORE INTO source_blobs(sha256, content) VALUES (?, ?)", (sha, content))
        counts: dict = {}
        for plan in plans:
            sr = plan.result
            file_id = led.add_source(
                batch_id,
                path,
                sha,
                sheet=sr.sheet,
                header_row=sr.header_row,
                headers=plan.header.names,
                mapping=plan.mapping,
                rows=sr.rows,
                stamp=stamp,
            )
            first = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM items").fetchone()[0]
            # Bind only what varies: the batch and file ids go in the statement (our own integers) and
            # columns no row filled are left out; fewer values per row made the insert ~40% faster.
            filled = [(f, c) for f, c in zip(ITEM_FIELDS, plan.columns) if any(v is not None for v in c)]
            conn.executemany(
                f"INSERT INTO items(id, batch_id, file_id, row_number, {', '.join(f for f, _ in filled)})"
                f" VALUES (?, {int(batch_id)}, {int(file_id)}, ?, {', '.join('?' * len(filled))})",
                zip(itertools.count(first), plan.row_numbers, *(c for _, c in filled)),
            )
            conn.execute(
                "INSERT INTO layouts(signature, mapping, updated_at) VALUES (?,?,?)"
                " ON CONFLICT(signature) DO UPDATE SET mapping=excluded.mapping, updated_at=excluded.updated_at",
                (plan.signature, json.dumps({h: f for f, h in sr.mapping.items()}, ensure_ascii=False), stamp),
            )
            led.record(
                "import",
                "source_file",
                file_id,
                detail={
                    "file": path.name,
                    "sha256": sha,
                    "sheet": sr.sheet,
                    "batch": batch,
                    "items": [first, first + sr.rows - 1] if sr.rows else [],
                    "rows": sr.rows,
                    "rejected": sr.rejected,
                },
            )
            if replaces and sr.sheet in replaces:
                got = _take_over(led, replaces[sr.sheet], file_id, first, first + sr.rows)
                for k, v in got.items():
                    counts[k] = counts.get(k, 0 if isinstance(v, int) else []) + v
                counts.setdefault("per_sheet", {})[sr.sheet] = got["added"]
    return counts


SAME_ROW_SIMILARITY = 0.5  # an edited text at the same 原序号 or row
ANYWHERE_SIMILARITY = 0.85  # an edited text that moved


def _pair_versions(
    old: list[dict], waiting: dict[str, list[dict]]
) -> tuple[dict[int, dict], dict[int, tuple[int, float]]]:
    """Which new row each old item is: the same text; else the same 原序号 or the same row with a text
    close enough (a corrected typo, an added sentence); else a text very close anywhere. Returns the
    pairs (old id -> new row) and, for old items left over, the closest new row and its similarity (to
    say so when unsure)."""
    from rapidfuzz import fuzz

    pairs: dict[int, dict] = {}
    for it in old:
        match = waiting.get(it["text"])
        if match:
            pairs[it["id"]] = match.pop(0)
    free = [r for rows in waiting.values() for r in rows]
    left = [it for it in old if it["id"] not in pairs]

    def similarity(a: dict, b: dict) -> float:
        return fuzz.ratio(a["text"] or "", b["text"] or "") / 100

    unsure: dict[int, tuple[int, float]] = {}
    for it in left:
        near = [r for r in free if (it["seq"] and r["seq"] == it["seq"]) or r["row_number"] == it["row_number"]]
        best = max(((similarity(it, r), r) for r in near), default=(0.0, None), key=lambda x: x[0])
        if (best[1] is None or best[0] < SAME_ROW_SIMILARITY) and len(left) * len(free) <= 2_000_000:
            best = max(((similarity(it, r), r) for r in free), default=(0.0, None), key=lambda x: x[0])
            if best[1] is not None and best[0] < ANYWHERE_SIMILARITY:
                unsure[it["id"]] = (best[1]["row_number"], best[0])
                continue
        if best[1] is not None:
            pairs[it["id"]] = best[1]
            free.remove(best[1])
    return pairs, unsure


def _take_over(led: Ledger, old_file: int, new_file: int, first: int, end: int) -> dict:
    """The new version's rows take the place of the old version's: an old item
    whose text is unchanged, or corrected (see :func:`_pair_versions`), stays
    (with everything done to it) and takes the new row's place and cells, the
    correction in its history; rows new in this version stay new items; old
    items the new version no longer has are withdrawn — unless work was done
    on them, which stops the replacement. Call inside the import's transaction."""
    conn = led.conn
    fields = ", ".join(ITEM_FIELDS)
    new = led.dicts(f"SELECT id, row_number, {fields} FROM items WHERE id >= ? AND id < ?", (first, end))
    old = led.dicts("SELECT * FROM items WHERE file_id=? ORDER BY id", (old_file,))
    waiting: dict[str, list[dict]] = {}
    for it in new:
        waiting.setdefault(it["text"], []).append(it)
    gone, taken = [], set()
    pairs, unsure = _pair_versions(old, waiting)
    corrected, reassign = [], []
    for it in old:
        row = pairs.get(it["id"])
        if row is None:
            gone.append(it)
            continue
        changed = {f: row[f] for f in ITEM_FIELDS if row[f] != it[f]}
        if "text" in changed:
            corrected.append(it["id"])
        if (
            it["lead_unit"]
            and it["assign_source"] != "manual"
            and {"county", "township", "source", "category_given"} & set(changed)
        ):
            reassign.append(it["id"])
        conn.execute("DELETE FROM items WHERE id=?", (row["id"],))
        taken.add(row["id"])
        sets = ", ".join(f"{f}=?" for f in ("file_id", "row_number", *changed))
        conn.execute(f"UPDATE items SET {sets} WHERE id=?", (new_file, row["row_number"], *changed.values(), it["id"]))
        for f, value in changed.items():
            led.record("replace", "item", it["id"], field=f, old=it[f], new=value, detail={"file_id": new_file})
    worked = [
        it["id"]
        for it in gone
        if it["progress"]
        or it["closed"]
        or it["lead_unit"]
        or it["category_source"] == "manual"
        or conn.execute("SELECT 1 FROM items WHERE merged_into=? LIMIT 1", (it["id"],)).fetchone()
    ]
    if worked:
        maybe = [
            f"编号 {i} 可能是新版本第 {unsure[i][0]} 行（内容相似度 {unsure[i][1]:.0%}）" for i in worked if i in unsure
        ]
        raise InvalidDataError(
            f"新版本中没有编号 {'、'.join(map(str, worked[:20]))} 等 {len(worked)} 条，而它们已有合并、人工分类、分解或整改记录，"
            "不能随旧版本删除；未做任何改动。请核对新版本是否漏了这些行"
            + ("（" + "；".join(maybe[:10]) + "，改动太大认不准，可在新版本中保留原序号列）" if maybe else "")
            + "。"
        )
    for it in gone:
        conn.execute("UPDATE items SET repeat_of=NULL, repeat_score=NULL WHERE repeat_of=?", (it["id"],))
        conn.execute("DELETE FROM not_duplicates WHERE item_a=? OR item_b=?", (it["id"], it["id"]))
        conn.execute("DELETE FROM items WHERE id=?", (it["id"],))
        led.record("withdraw", "item", it["id"], old=it["text"], detail={"replaced_by_file": new_file})
    conn.execute("DELETE FROM source_files WHERE id=?", (old_file,))
    counts = {
        "kept": len(old) - len(gone),
        "withdrawn": len(gone),
        "added": sum(1 for rows in waiting.values() for r in rows if r["id"] not in taken),
        "corrected": corrected,
        "reassign": reassign,
    }
    led.record("replace", "source_file", old_file, new=new_file, detail=counts)
    return counts
