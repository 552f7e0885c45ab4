"""`rectikit assign`: lead and co-operating units, leader, person, deadline,
measures and goal for each key task (seed 001's "five haves").

Routing rules live in an Excel table the office edits (rules/分解规则.xlsx):
conditions on category, source, county, township and keywords; the matching
rule with the highest priority decides, and every assignment records which
rule (file and row) made it. Items no rule matches are listed for manual
assignment. Staff override in Excel; a manual assignment is never replaced
by a later automatic run unless asked (``--reassign``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import InvalidDataError, WorkspaceError
from rectikit.base.problems import ERROR, WARNING, Issue, Report
from rectikit.base.results import Result
from rectikit.files.readers import as_int
from rectikit.steps import upstream
from rectikit.steps.deadlines import COUNT_FROM, DeadlineError, deadline_once, parse_deadline, task_start
from rectikit.steps.units import UNITS_FILE, Directory
from rectikit.steps.units import load as load_units
from rectikit.store import items as itemstore
from rectikit.store.workspace import Workspace

RULES_FILE = "分解规则.xlsx"

CONDITIONS = {"类别": "category", "来源": "source", "县(市、区)": "county", "乡(镇、街道)": "township"}

OUTPUTS = ["牵头单位", "配合单位", "责任领导", "责任人", "整改时限", "整改措施", "整改目标"]

RULE_HEADERS = ["优先级", *CONDITIONS, "关键词", *OUTPUTS]

COUNTY = "{县区}"

MANUAL = "manual"

FIELDS = ("lead_unit", "co_units", "leader", "person", "deadline", "deadline_text", "long_term", "measures", "goal")


@dataclass
class Rule:
    row: int
    priority: float
    conditions: dict[str, list[str]]
    keywords: list[str]
    outputs: dict[str, str]
    deadline_cell: object

    @property
    def ref(self) -> str:
        return f"{RULES_FILE} 第{self.row}行"


@dataclass
class Assignment:
    item_id: int
    lead_unit: str
    co_units: str
    leader: str
    person: str
    deadline: str | None
    deadline_text: str
    long_term: int
    measures: str
    goal: str
    rule: str


@dataclass
class AssignResult(Result):
    assignments: list[Assignment] = field(default_factory=list)
    unassigned: list[int] = field(default_factory=list)
    changed: int = 0
    kept_manual: int = 0
    from_directory: list[int] = field(default_factory=list)  # new lead unit: leader and person from the directory
    left: dict[int, str] = field(default_factory=dict)  # items a rule named but could not be assigned: why
    report: Report = field(default_factory=Report)

    @property
    def complete(self) -> bool:
        """Every item asked about has a lead unit (or kept a person's)."""
        return not self.unassigned and not self.left

    def to_dict(self) -> dict:
        return {
            "assigned": len(self.assignments),
            "changed": self.changed,
            "kept_manual": self.kept_manual,
            "from_directory": self.from_directory,
            "complete": self.complete,
            "left": {str(k): v for k, v in self.left.items()},
            "report": self.report.to_dict(),
            "unassigned": self.unassigned,
            "assignments": [asdict(a) for a in self.assignments],
        }


def split_cell(cell) -> list[str]:
    text = str(cell or "").replace("；", ";").replace("、", ";").replace("，", ";").replace(",", ";")
    return [p.strip() for p in text.replace(" ", ";").split(";") if p.strip()]


def start_and_year(ws: Workspace) -> tuple[dt.date | None, int]:
    """The start of relative deadlines (None until the office sets it: never today by default) and the year."""
    year = int(ws.setting("office", "year", clock.today().year))
    start = ws.setting("assign", "start_date", "")
    try:
        return (dt.date.fromisoformat(str(start)) if start else None), year
    except ValueError:
        raise WorkspaceError(
            f"rectikit.toml 中 [assign] start_date 应写成 2020-06-10 的形式，收到“{start}”。"
        ) from None


def load_rules(path: Path, units: Directory, *, start: dt.date | None, year: int) -> list[Rule]:
    """Read and check the rule table; every problem names its cell."""
    from rectikit.files.readers import read_table

    path = Path(path)
    if not path.exists():
        raise WorkspaceError(
            f"找不到分解规则表 {path}。",
            hint="从其他工作区复制，或在新文件夹 rectikit init 后复制其中的 rules/分解规则.xlsx。",
        )
    t = read_table(path, ["牵头单位", "整改时限"], what="分解规则表")
    report = Report()

    def bad(code, msg, r, column, value=""):
        report.add(Issue(code, msg, ERROR, file=t.file, sheet=t.sheet, row=r, column=column, value=str(value)))

    rules: list[Rule] = []
    for r, row in t.records():
        prio = t.cell(row, "优先级")
        priority = float(prio) if isinstance(prio, (int, float)) else (as_int(prio) if str(prio).strip() else 0)
        if priority is None:
            bad("bad-priority", "优先级应为数字。", r, "优先级", prio)
            priority = 0
        outputs = {h: t.text(row, h) for h in OUTPUTS if h != "整改时限"}
        if not outputs["牵头单位"]:
            bad("missing-lead", "牵头单位为空。", r, "牵头单位")
        for h in ("牵头单位", "配合单位"):
            for name in split_cell(outputs[h]):
                if COUNTY not in name and units.resolve(name) is None:
                    bad("unknown-unit", units.unknown_message(name), r, h, name)
        deadline = t.cell(row, "整改时限")
        try:  # the phrase is checked here; each item counts a relative one from its own start
            parse_deadline(deadline, start=start or dt.date(year, 1, 2), year=year)
        except DeadlineError as e:
            bad("bad-deadline", str(e), r, "整改时限", deadline)
        rules.append(
            Rule(
                r,
                float(priority),
                {f: split_cell(t.cell(row, h)) for h, f in CONDITIONS.items()},
                split_cell(t.cell(row, "关键词")),
                outputs,
                deadline,
            )
        )
    seen: dict = {}
    for rule in rules:
        key = (rule.priority, tuple(sorted((k, tuple(v)) for k, v in rule.conditions.items())), tuple(rule.keywords))
        other = seen.get(key)
        if other and other.outputs["牵头单位"] != rule.outputs["牵头单位"]:
            bad(
                "conflicting-rules",
                f"与第{other.row}行条件和优先级相同，但牵头单位不同。",
                rule.row,
                "牵头单位",
                rule.outputs["牵头单位"],
            )
        seen.setdefault(key, rule)
    if report.errors:
        raise InvalidDataError(f"分解规则表 {t.file} 有 {len(report.errors)} 处错误，未做任何改动。", report=report)
    return rules


def _by_category(rules: list[Rule]):
    """The rules that may match an item of a category, in table order: those naming the category and
    those naming none (most rules route by category; 20 rules x 100k items was 1.9 M checks)."""
    anyone = [k for k, r in enumerate(rules) if not r.conditions.get("category")]
    named: dict[str, list[int]] = {}
    for k, r in enumerate(rules):
        for c in r.conditions.get("category") or ():
            named.setdefault(c, []).append(k)
    cache: dict[str | None, list[Rule]] = {}

    def candidates(category: str | None) -> list[Rule]:
        if category not in cache:
            cache[category] = [rules[k] for k in sorted(anyone + named.get(category or "", []))]
        return cache[category]

    return candidates


def _matches(rule: Rule, item: dict, norm: str) -> bool:
    for f, allowed in rule.conditions.items():
        if allowed and (item.get(f) or "") not in allowed:
            return False
    return not rule.keywords or any(k in norm for k in rule.keywords)


def _unit(name: str, item: dict, units: Directory) -> str | None:
    return units.resolve(name.replace(COUNTY, item.get("county") or ""))


# what assign reads: the rule conditions, the fields it writes (to compare), when each item's time starts
_READS = (
    "text",
    *CONDITIONS.values(),
    *FIELDS,
    "assign_rule",
    "assign_source",
    "reopened",
    "received_on",
    "started_on",
)


def assign(
    ws: Workspace,
    *,
    batch: str | None = None,
    include_all: bool = False,
    only_unassigned: bool = False,
    reassign: bool = False,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> AssignResult:
    """Assign items by the rule table; all or nothing. What a person assigned stays (unless ``reassign``);
    a relative deadline counts from each item's own start (see :func:`task_start`)."""
    from rectikit.text.normalise import normalise_many

    today = today or clock.today()
    start, year = start_and_year(ws)
    count_from = count_from_setting(ws)
    units = load_units(ws.rules_dir / UNITS_FILE)
    rules = load_rules(ws.rules_dir / RULES_FILE, units, start=start, year=year)
    res = AssignResult()
    for_category = _by_category(rules)
    with ws.ledger() as led:
        items = led.working_items([batch] if batch else [], key_only=not include_all, columns=_READS)
        norms = normalise_many([i["text"] for i in items])
        ceiling = upstream.ceilings(led)
        for item, norm in zip(items, norms):
            if only_unassigned and item["lead_unit"]:
                continue
            if item["assign_source"] == MANUAL and not reassign:
                res.kept_manual += 1
                continue
            hits = [r for r in for_category(item.get("category")) if _matches(r, item, norm)]
            if not hits:
                res.unassigned.append(item["id"])
                continue
            top = max(r.priority for r in hits)
            best = [r for r in hits if r.priority == top]
            leads = {_unit(r.outputs["牵头单位"], item, units) for r in best}
            if len(leads) > 1:
                why = (
                    "同时命中优先级相同、牵头单位不同的规则："
                    + "、".join(f"第{r.row}行" for r in best)
                    + "，请调整规则的优先级或人工分解。"
                )
                res.left[item["id"]] = why
                res.report.add(
                    Issue(
                        "conflicting-rules",
                        f"编号 {item['id']} {why}",
                        WARNING,
                        file=RULES_FILE,
                        sheet="分解规则",
                        row=best[1].row,
                        column="牵头单位",
                    )
                )
                continue
            rule = best[0]
            a = _build(item, rule, units, task_start(item, default=start, count_from=count_from) or today, year, res)
            if a:
                _within_ceiling(a, ceiling.get(a.item_id), res)
                res.assignments.append(a)
        if not dry_run:
            with led.transaction():
                current = {i["id"]: i for i in items}
                rows: list[tuple] = []
                events: list[tuple] = []
                for a in res.assignments:
                    res.changed += store_assignment(current[a.item_id], a, source="rules", rows=rows, events=events)
                led.conn.executemany(UPDATE_ASSIGNMENT, rows)
                itemstore.events_many(led, events, kind="assign", source=itemstore.RULE, today=today)
    return res


def _within_ceiling(a: Assignment, ceiling: str | None, res: AssignResult) -> None:
    """An item from the office above may not be due later here than there: its deadline is brought to the
    upstream day, and the report names it."""
    if not ceiling or not (a.deadline and a.deadline > ceiling or a.long_term):
        return
    res.report.add(
        Issue(
            "upstream-deadline",
            f"编号 {a.item_id} 按规则的整改时限（{a.deadline_text or a.deadline}）"
            f"晚于上级要求的 {ceiling}，已按上级时限。",
            WARNING,
            file=RULES_FILE,
            sheet="分解规则",
            column="整改时限",
        )
    )
    a.deadline, a.deadline_text, a.long_term = ceiling, ceiling, 0


def count_from_setting(ws: Workspace) -> str:
    value = str(ws.setting("assign", "count_from", "dispatch"))
    if value not in COUNT_FROM:
        raise WorkspaceError(f"rectikit.toml 中 [assign] count_from 应为 {' 或 '.join(COUNT_FROM)}，收到“{value}”。")
    return value


def _unit_problem(name: str, item: dict, units: Directory, rule: Rule) -> str:
    """Why a rule's unit cannot be found for an item, in words an office can act on."""
    if COUNTY in name and not (item.get("county") or "").strip():
        return (
            f"该条目没有填写县(市、区)，分解规则第{rule.row}行的“{name.replace(COUNTY, '（县区）')}”无法确定，"
            "请补充县区或人工分解。"
        )
    return units.unknown_message(name.replace(COUNTY, item.get("county") or ""))


def _build(item: dict, rule: Rule, units: Directory, start: dt.date, year: int, res: AssignResult) -> Assignment | None:
    """One item's assignment by its rule, or None with the reason kept in ``res.left`` (the item waits for
    a person; the other items go on)."""
    problems = []
    lead = _unit(rule.outputs["牵头单位"], item, units)
    if lead is None:
        problems.append(("牵头单位", rule.outputs["牵头单位"]))
    co = []
    for name in split_cell(rule.outputs["配合单位"]):
        u = _unit(name, item, units)
        if u is None:
            problems.append(("配合单位", name))
        elif u != lead and u not in co:
            co.append(u)
    if problems or lead is None:
        whys = [f"{column}：{_unit_problem(name, item, units, rule)}" for column, name in problems]
        res.left[item["id"]] = "；".join(whys)
        for (column, name), why in zip(problems, whys):
            res.report.add(
                Issue(
                    "unknown-unit",
                    f"编号 {item['id']} 未分解，{why}",
                    WARNING,
                    file=RULES_FILE,
                    sheet="分解规则",
                    row=rule.row,
                    column=column,
                    value=name.replace(COUNTY, item.get("county") or ""),
                )
            )
        return None
    d = deadline_once(rule.deadline_cell, start, year)
    unit = units.units[lead]
    return Assignment(
        item["id"],
        lead,
        "、".join(co),
        rule.outputs["责任领导"] or unit.leader,
        rule.outputs["责任人"] or unit.contact,
        d.date.isoformat() if d.date else (d.checkpoint.isoformat() if d.checkpoint else None),
        str(rule.deadline_cell).strip()
        if not isinstance(rule.deadline_cell, dt.date)
        else rule.deadline_cell.isoformat(),
        1 if d.long_term else 0,
        rule.outputs["整改措施"],
        rule.outputs["整改目标"],
        rule.ref,
    )


UPDATE_ASSIGNMENT = f"UPDATE items SET {', '.join(f'{f}=?' for f in FIELDS)}, assign_rule=?, assign_source=? WHERE id=?"


def store_assignment(item: dict, a: Assignment, *, source: str, rows: list, events: list) -> int:
    """Queue one assignment in ``rows`` (for one executemany) and its event in ``events``: what changed,
    the values it replaced and the rule (:func:`rectikit.store.items.events_many`)."""
    new = {f: getattr(a, f) for f in FIELDS}
    if item.get("reopened") and source != MANUAL:  # a reopened task keeps the deadline it was given then
        new.update({f: item.get(f) for f in ("deadline", "deadline_text", "long_term")})
    changed = {f: (was, v) for f, v in new.items() if ((was := item.get(f)) or None) != (v or None)}  # (old, new)
    if not changed and item["assign_rule"] == a.rule and item["assign_source"] == source:
        return 0
    rows.append((*new.values(), a.rule, source, item["id"]))
    if changed:
        events.append((item["id"], changed, {"rule": a.rule}))
    return len(changed) or 1
