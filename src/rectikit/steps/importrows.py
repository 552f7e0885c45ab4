"""The rows of one sheet checked for import (`rectikit import`): each row's cells as the ledger's
fields, dates read, blank rows, notes, totals and group titles (一、道路交通) set apart, and every
problem found returned in the report with its sheet, row and column. Nothing here writes; the result
is a :class:`Plan` that :mod:`rectikit.steps.importwrite` writes in one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rectikit.base.names import has_control, without_control
from rectikit.base.problems import ERROR, INFO, WARNING, Issue, Report
from rectikit.files.columns import Header, synonym_columns
from rectikit.files.readers import Sheet, cell_text
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
class Plan:
    """A checked sheet, ready to be written."""

    result: SheetResult
    header: Header
    signature: str
    mapping: dict[str, int]  # field -> column index
    row_numbers: list[int] = field(default_factory=list)  # of the rows to import
    columns: list[list] = field(default_factory=list)  # one list per ITEM_FIELDS entry, aligned with row_numbers


def _column(rows: list[list], j: int | None, width: int) -> list[str | None]:
    """One column of the body as each cell reads (``cell_text``), None where empty. Column-wise (a third
    faster than row by row), and faster still for a column all of text, as most are (stripped in C), or
    all of numbers (序号). ``width``: the shortest row's length."""
    if j is None:
        return [None] * len(rows)
    cells: list = [r[j] for r in rows] if width > j else [r[j] if j < len(r) else "" for r in rows]
    try:
        col: list = list(map(str.strip, cells))  # stops at the first cell that is not text
    except TypeError:
        if set(map(type, cells)) == {float}:  # 1.0 -> "1", as cell_text; no control characters in a number
            return [str(int(v)) if v.is_integer() else repr(v) for v in cells]
        col = list(map(cell_text, cells))
    if has_control("".join(col)):  # rare: one scan of the column finds them
        col = list(map(without_control, col))
    return [v or None for v in col] if "" in col else col


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


def check_rows(file: str, sh: Sheet, header: Header, mapping: dict[str, int], sig: str, report: Report) -> Plan:
    names = header.names
    sr = SheetResult(sheet=sh.name, header_row=header.row + 1, mapping={f: names[j] for f, j in mapping.items()})
    plan = Plan(result=sr, header=header, signature=sig, mapping=mapping)
    start = header.data_start
    body = sh.rows[start:]
    date_j = mapping.get("received_on")
    width = min(map(len, body), default=0)
    cols = [_column(body, None if f == "received_on" else mapping.get(f), width) for f in ITEM_FIELDS]
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
    where = (file, sh.name, names, start)
    headings = _headings(body, texts)
    if not headings:  # most sheets: every row with text is an item as it stands
        keep = [
            k
            for k, text in enumerate(texts)
            if text or _row_without_text(body[k], k, texts, titles, other_texts, mapping, where, sr, report)
        ]
    else:
        keep = []
        groups = _Groups(file, sh.name, report)
        sources = cols[ITEM_FIELDS.index("source")]
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
            if _row_without_text(body[k], k, texts, titles, other_texts, mapping, where, sr, report):
                keep.append(k)
        groups.close()
    if len(keep) < len(body):
        cols = [[c[k] for k in keep] for c in cols]
    plan.columns = cols
    plan.row_numbers = (
        list(range(start + 1, start + 1 + len(body))) if len(keep) == len(body) else [start + k + 1 for k in keep]
    )
    sr.rows = len(keep)
    return plan


def _row_without_text(
    row: list,
    k: int,
    texts: list,
    titles: list,
    other_texts: list[int],
    mapping: dict[str, int],
    where: tuple,
    sr: SheetResult,
    report: Report,
) -> bool:
    """A row whose text cell is empty: blank, a note or total (skipped), text in another text column or
    the title (taken, said in the report), or content with no text (rejected). Whether to keep it."""
    file, sheet, names, start = where
    taken = False
    kind = _classify_empty(row, mapping)
    if kind:
        sr.skipped += 1
        if kind != "blank":
            report.add(
                Issue(
                    kind, _SKIP_MESSAGES[kind], INFO, file=file, sheet=sheet, row=start + k + 1, value=_first_value(row)
                )
            )
    elif alt := next(((j, t) for j in other_texts if (t := _cell_text(row, j))), None):
        texts[k] = alt[1]
        taken = True
        report.add(
            Issue(
                "text-from-other-column",
                f"“{names[mapping['text']]}”为空，已用“{names[alt[0]]}”列的内容。",
                INFO,
                file=file,
                sheet=sheet,
                row=start + k + 1,
                column=names[alt[0]],
            )
        )
    elif titles[k]:
        texts[k] = titles[k]
        taken = True
        report.add(
            Issue(
                "title-as-text",
                "内容为空，已用标题代替。",
                WARNING,
                file=file,
                sheet=sheet,
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
                sheet=sheet,
                row=start + k + 1,
                column=names[mapping["text"]],
                value=_first_value(row),
            )
        )
    return taken


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
