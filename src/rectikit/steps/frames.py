"""Sample frames (样本框, seed 002): the county office asks each village or
unit for a list of people to be surveyed (village cadres, representatives,
residents …). From a frame definition the office edits (rules/样本框定义.xlsx:
the columns, which are required, and a quota per village), a template goes
to each village; the returned lists are checked — required cells, phone
numbers, people from another village, the same person in two lists, quotas
missed or exceeded — every problem named by file, row and column, and the
lists merged into one frame in the definition's columns. Names and phones are
personal: the frame is a staff-only workbook, never published, never put in
the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import InvalidDataError, NotReadyError
from rectikit.base.names import child, distinct_files, file_part, name_problem
from rectikit.base.problems import ERROR, WARNING, At, Issue, Report
from rectikit.base.results import Result
from rectikit.files.readers import as_int
from rectikit.store import books, returnedbooks
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date
from rectikit.text.normalise import phone_key

FRAME_FILE = "样本框定义.xlsx"
FRAME_SHEET = "列"
FRAME_HEADERS = ["列名", "必填", "说明"]
FRAME_COLUMNS = [
    ["姓名", "是", ""],
    ["身份/职务", "否", "如 村委委员、党员代表、群众代表"],
    ["所在单位", "否", ""],
    ["联系电话", "是", "手机或座机"],
    ["所属村(社区)", "是", "须与本表所发的村（社区、单位）一致"],
]
QUOTA_SHEET = "名额"
QUOTA_HEADERS = ["村(社区)/单位", "名额"]
LIST_SHEET = "名单"
PHONE_COLUMN = "联系电话"
PLACE_COLUMN = "所属村(社区)"


@dataclass
class Definition:
    columns: list[tuple[str, bool]]  # name, required
    quotas: dict[str, int]


def load_definition(ws: Workspace) -> Definition:
    from rectikit.files.readers import read_table

    path = ws.rules_dir / FRAME_FILE
    if not path.exists():
        raise NotReadyError(f"找不到样本框定义 {path}。", hint="从新建的工作区 rules/ 复制一份样本框定义.xlsx 修改。")
    cols = read_table(path, ["列名", "必填"], sheet=FRAME_SHEET, what="样本框定义")
    quota = read_table(path, QUOTA_HEADERS, sheet=QUOTA_SHEET, what="样本框名额")
    report = Report()
    columns = [(cols.text(row, "列名"), cols.text(row, "必填") == "是") for _, row in cols.records()]
    quotas: dict[str, int] = {}
    for r, row in quota.records():
        place, n = quota.text(row, "村(社区)/单位"), as_int(quota.cell(row, "名额"))
        where = At(file=quota.file, sheet=quota.sheet, row=r)
        if name_problem(place):
            report.add(
                Issue(
                    "bad-place",
                    f"村（社区、单位）名称{name_problem(place)}",
                    ERROR,
                    column="村(社区)/单位",
                    value=place,
                    **where,
                )
            )
        elif n is None or n <= 0:
            report.add(
                Issue("bad-quota", "名额应为正整数。", ERROR, column="名额", value=quota.text(row, "名额"), **where)
            )
        else:
            quotas[place] = n
    if not columns:
        report.add(Issue("no-columns", "样本框定义没有列。", ERROR, file=cols.file, sheet=cols.sheet))
    if report.errors:
        raise InvalidDataError(f"样本框定义 {path.name} 有 {len(report.errors)} 处错误。", report=report)
    if not quotas:
        raise NotReadyError(
            "样本框定义的“名额”工作表还是空的。", hint=f"在 {path} 的“名额”工作表写上各村（社区、单位）及名额。"
        )
    return Definition(columns, quotas)


@dataclass
class FrameTemplates(Result):
    folder: str
    files: dict[str, str] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)  # a filled copy left in place -> where the new one went

    def to_dict(self) -> dict:
        return {"folder": self.folder, "files": self.files, "kept": self.kept}


def frame_templates(
    ws: Workspace,
    folder: Path | None = None,
    *,
    name: str = "样本框",
    reply_by: dt.date | None = None,
    today: dt.date | None = None,
) -> FrameTemplates:
    """One list template per village or unit of the quota sheet."""
    today = today or clock.today()
    reply_by = reply_by or today + dt.timedelta(days=int(ws.setting("tracking", "reply_days", 10)))
    definition = load_definition(ws)
    folder = Path(folder) if folder else ws.root / "样本框" / "下发"
    names = {place: f"{file_part(name)}-{file_part(place)}.xlsx" for place in definition.quotas}
    distinct_files(names)
    res = FrameTemplates(str(folder))
    headers = [c for c, _ in definition.columns]
    required = "、".join(c for c, req in definition.columns if req)
    places = list(definition.quotas)
    with ws.ledger() as led:
        sent = books.send(
            led,
            [
                books.Outgoing(
                    "frame",
                    {},
                    child(folder, names[place]),
                    dict(
                        sheet=LIST_SHEET,
                        headers=headers,
                        rows=[],
                        widths=[16] * len(headers),
                        title=[
                            f"{name}名单（内部资料）",
                            f"村(社区)/单位：{place}　　名额：{quota} 人　　请于{cn_date(reply_by)}前报回",
                        ],
                        notes=[
                            f"{name}名单填写说明",
                            f"1. 请报 {quota} 人，每行一人；必填：{required}。",
                            f"2. “{PLACE_COLUMN}”一律填“{place}”。联系电话填手机或座机，核对无误。",
                            "3. 名单含个人信息，仅用于调查，不得外传。",
                        ],
                    ),
                    unit=place,
                    batch=name,
                )
                for place, quota in definition.quotas.items()
            ],
        )
    res.files = {place: str(p) for place, p in zip(places, sent.paths)}
    res.kept = sent.kept
    return res


@dataclass
class MergedFrame(Result):
    files: list[str]
    people: int = 0
    path: str | None = None
    report: Report = field(default_factory=Report)

    def to_dict(self) -> dict:
        return {"files": self.files, "people": self.people, "path": self.path, "report": self.report.to_dict()}


def collect_frames(ws: Workspace, files: Sequence[Path], out: Path | None = None) -> MergedFrame:
    """Check the returned lists and merge them into one frame (.xlsx); nothing is written if any list has errors."""
    from rectikit.files.xlsxout import write_table

    definition = load_definition(ws)
    headers = [c for c, _ in definition.columns]
    res = MergedFrame([Path(f).name for f in files])
    people: list[list] = []
    seen: dict[str, str] = {}
    counted: dict[str, int] = {}
    with ws.ledger() as led:
        for path in files:
            ret = returnedbooks.read_returned(path)
            t = ret.table(
                headers,
                sheet=LIST_SHEET,
                what="样本框名单",
                hint="请使用 rectikit frame templates 生成的原表，不要删除列。",
            )
            book = returnedbooks.identify(led, ret, "frame", res.report)
            if book is None:
                continue
            place = book.unit or ""
            for r, row in t.records():
                values = {c: t.text(row, c) for c in headers}
                _check_person(
                    values,
                    definition,
                    place,
                    seen,
                    f"{t.file} 第{r}行",
                    At(file=t.file, sheet=t.sheet, row=r),
                    res.report,
                )
                counted[place] = counted.get(place, 0) + 1
                people.append([*(values[c] for c in headers), place])
    for place, quota in definition.quotas.items():
        got = counted.get(place, 0)
        if got != quota:
            res.report.add(Issue("quota", f"“{place}”名额 {quota} 人，报来 {got} 人。", WARNING, value=place))
    if res.report.errors:
        raise InvalidDataError(f"报回的名单有 {len(res.report.errors)} 处错误，未生成样本框。", report=res.report)
    target = ws.output_file(out, child(ws.root / "样本框", "样本框名单.xlsx"), (".xlsx",))
    res.path = str(
        write_table(
            target,
            "样本框",
            [*headers, "报送村(社区)/单位"],
            people,
            widths=[14] * (len(headers) + 1),
            title=["样本框名单（内部资料，不得外传）"],
        )
    )
    res.people = len(people)
    return res


def _check_person(
    values: dict, definition, place: str, seen: dict[str, str], line: str, where: At, report: Report
) -> None:
    """One person on a returned list: required cells filled, a real phone, of the place the list was sent
    to, not already listed (by phone, else name)."""
    for c, required in definition.columns:
        if required and not values[c]:
            report.add(Issue("missing", f"“{c}”必填。", ERROR, column=c, **where))
    phone = phone_key(values.get(PHONE_COLUMN)) or ""
    if PHONE_COLUMN in values and values[PHONE_COLUMN] and not phone:
        report.add(
            Issue(
                "bad-phone",
                "联系电话不是有效的手机或座机号码。",
                ERROR,
                column=PHONE_COLUMN,
                value=values[PHONE_COLUMN],
                **where,
            )
        )
    if PLACE_COLUMN in values and values[PLACE_COLUMN] and values[PLACE_COLUMN] != place:
        report.add(
            Issue(
                "wrong-place",
                f"本表是发给“{place}”的，此人属“{values[PLACE_COLUMN]}”。",
                ERROR,
                column=PLACE_COLUMN,
                value=values[PLACE_COLUMN],
                **where,
            )
        )
    key = phone or f"{values.get('姓名', '')}"
    if key and key in seen:
        report.add(
            Issue(
                "duplicate-person",
                f"与 {seen[key]} 是同一人（联系电话相同），不能重复报送。",
                ERROR,
                column=PHONE_COLUMN if phone else "姓名",
                value=values.get(PHONE_COLUMN, ""),
                **where,
            )
        )
    elif key:
        seen[key] = line
