"""Callbacks (回访): ask the people who raised finished items whether they
are satisfied — seed 002's and seed 004's way of raising the satisfaction
score. Items are picked (all finished, or a reproducible stratified sample),
call sheets go to callers or units as staff-only workbooks with the
citizen's contact, filled sheets come back with the same checks as task
sheets, and an unsatisfied callback reopens the item for more work (重办).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import InvalidDataError, NotReadyError, UsageError
from rectikit.base.names import child, distinct_files, file_part
from rectikit.base.problems import ERROR, At, Issue, Report
from rectikit.base.results import Result
from rectikit.figures import SATISFACTION, SATISFACTION_GROUPS, UNKNOWN
from rectikit.steps.collect import CollectResult
from rectikit.steps.tracking import reopen_item, reopen_phrase
from rectikit.store import books, returnedbooks
from rectikit.store import items as itemstore
from rectikit.store.ledger import now
from rectikit.store.values import DONE
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date

SHEET = "回访记录"
REACHED = ("是", "否")
REASONS = ("停机", "关机", "无人接听", "空号", "拒绝回访", "号码有误", "其他")
# The groups a sample is stratified by: those the satisfaction table groups by, and English aliases for scripts.
STRATA = {
    **SATISFACTION_GROUPS,
    "township": "township",
    "unit": "lead_unit",
    "category": "category",
    "county": "county",
}
PER = {"单位": "lead_unit", "回访人": "caller", "unit": "lead_unit", "caller": "caller"}
COLUMNS = [
    ("id", "编号", 6),
    ("text", "意见建议内容", 36),
    ("contact_name", "联系人", 8),
    ("contact_phone", "联系电话", 13),
    ("lead_unit", "牵头单位", 14),
    ("result", "整改成效", 28),
]
FILL = [
    ("reached", "是否联系上", 8),
    ("reason", "未联系上原因", 10),
    ("satisfaction", "满意度", 9),
    ("opinion", "群众意见", 28),
    ("caller", "回访人", 8),
    ("called_on", "回访时间", 11),
]
NOTES = [
    "回访记录表填写说明（内部资料，含群众联系方式，不得外传）",
    "1. 逐项电话回访，问群众对整改结果是否满意。",
    "2. “是否联系上”选 是/否；联系上的选“满意度”（满意、基本满意、不满意），记下群众意见；联系不上的选原因。",
    "3. 填写回访人和回访时间；不要修改编号和意见建议内容，不要删除列；填好后原样交回。",
    "4. 群众表示不满意的，该项会重新打开，交回牵头单位重新整改（重办）。",
]


@dataclass
class Draw:
    """What was picked for callbacks and how: the population, the strata, the seed."""

    population: int
    picked: list[int]
    by: str | None
    seed: int | None
    strata: list[dict] = field(default_factory=list)  # name, population, picked

    def explain(self) -> str:
        if not self.by:
            return f"回访全部 {self.population} 项已完成的条目。"
        parts = "，".join(f"{s['name']} {s['picked']}/{s['population']}" for s in self.strata)
        return (
            f"从 {self.population} 项已完成的条目中，按{self.by}分层、按比例随机抽取 {len(self.picked)} 项"
            f"（随机种子 {self.seed}，同样的种子和台账抽到同样的条目）：{parts}。"
        )


def sample_size(spec: str | int | None, population: int) -> int:
    """ "50" → 50 items, "20%" → a fifth of them (at least one); None → all."""
    if spec is None or spec == "":
        return population
    text = str(spec).strip().replace("％", "%")
    wrong = UsageError(f"--sample 应写成条数（如 50）或 0 到 100 之间的百分比（如 20%），收到：{spec}")
    try:
        if text.endswith("%"):
            share = float(text[:-1])
            if not 0 < share <= 100:  # also refuses nan and inf
                raise wrong
            n = math.ceil(population * share / 100)
        else:
            n = int(text)
    except ValueError:
        raise wrong from None
    if n <= 0:
        raise UsageError("--sample 应大于 0。")
    return min(n, population)


def draw(
    items: Sequence[dict], *, sample: str | int | None = None, by: str | None = None, seed: int | None = None
) -> Draw:
    """Pick items for callbacks: all, or a sample stratified by ``by`` with
    proportional allocation (largest remainders), reproducible by ``seed``."""
    if by and by not in STRATA:
        raise UsageError(f"--by 应为 {'、'.join(k for k in STRATA if not k.isascii())} 之一。")
    pool = sorted(items, key=lambda i: i["id"])
    n = sample_size(sample, len(pool))
    if n >= len(pool) and not by:
        return Draw(len(pool), [i["id"] for i in pool], None, None)
    seed = 0 if seed is None else seed
    chosen, strata = stratified(pool, lambda it: (it.get(STRATA[by]) if by else None) or UNKNOWN, n, seed)
    return Draw(len(pool), sorted(i["id"] for i in chosen), by or None, seed, strata)


def stratified(pool: Sequence, key, n: int, seed: int) -> tuple[list, list[dict]]:
    """``n`` of ``pool`` in strata by ``key``, allocated in proportion to each stratum's size (the
    remainders by largest remainder, ties by name), each stratum's share drawn at random with ``seed``:
    the same pool and seed give the same sample. Returns the chosen and, per stratum (by name), its
    population and how many were picked."""
    rng = random.Random(seed)
    groups: dict[str, list] = defaultdict(list)
    for it in pool:
        groups[key(it)].append(it)
    quotas = {g: n * len(members) / len(pool) for g, members in groups.items()}
    take = {g: int(q) for g, q in quotas.items()}
    for g in sorted(quotas, key=lambda g: (-(quotas[g] - take[g]), g))[: n - sum(take.values())]:
        take[g] += 1
    chosen, strata = [], []
    for g in sorted(groups):
        chosen.extend(rng.sample(groups[g], take[g]))
        strata.append({"name": g, "population": len(groups[g]), "picked": take[g]})
    return chosen, strata


@dataclass
class CallSheets(Result):
    draw: Draw
    folder: str
    files: dict[str, str] = field(default_factory=dict)  # unit or caller -> path
    counts: dict[str, int] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)  # a filled copy left in place -> where the new one went

    def to_dict(self) -> dict:
        return {
            "folder": self.folder,
            "files": self.files,
            "counts": self.counts,
            "kept": self.kept,
            "picked": self.draw.picked,
            "population": self.draw.population,
            "strata": self.draw.strata,
            "seed": self.draw.seed,
            "explain": self.draw.explain(),
            "contact_data_written_to": sorted(self.files.values()),
        }


def call_sheets(
    ws: Workspace,
    folder: Path | None = None,
    *,
    sample: str | int | None = None,
    by: str | None = None,
    seed: int | None = None,
    per: str = "单位",
    callers: Sequence[str] = (),
    batch: str | None = None,
    today: dt.date | None = None,
) -> CallSheets:
    """Write call sheets (.xlsx, 内部资料) for the finished items picked, one per unit or per caller."""
    if per not in PER:
        raise UsageError("--per 应为 单位 或 回访人。")
    if PER[per] == "caller" and not callers:
        raise UsageError("按回访人分表时，请用 --callers 写明回访人，如 --callers 张三,李四。")
    today = today or clock.today()
    folder = Path(folder) if folder else ws.root / "回访"
    with ws.ledger() as led:
        done = [i for i in led.working_items([batch] if batch else []) if i["progress"] == DONE or i["closed"]]
        if not done:
            raise NotReadyError("还没有已完成的条目可回访。", hint="单位报回“已完成”后（rectikit collect）再回访。")
        picked = draw(done, sample=sample, by=by, seed=seed)
        people = led.contacts(picked.picked)  # a merged item: everyone who raised it
        chosen = [{**i, **people.get(i["id"], {})} for i in done if i["id"] in set(picked.picked)]
        groups: dict[str, list[dict]] = defaultdict(list)
        for k, it in enumerate(chosen):
            groups[callers[k % len(callers)] if PER[per] == "caller" else (it["lead_unit"] or "未分解")].append(it)
        names = {g: f"回访记录表-{file_part(g)}.xlsx" for g in groups}
        distinct_files(names)
        res = CallSheets(picked, str(folder))
        columns, first = COLUMNS + FILL, len(COLUMNS)
        order = sorted(groups)
        sent = books.send(
            led,
            [
                books.Outgoing(  # one callback run is one round, however many sheets it writes
                    "callback",
                    {i["id"]: i["text"] for i in groups[g]},
                    child(folder, names[g]),
                    dict(
                        sheet=SHEET,
                        headers=[h for _, h, _ in columns],
                        rows=[[i.get(key) for key, *_ in COLUMNS] + [None] * len(FILL) for i in groups[g]],
                        widths=[w for *_, w in columns],
                        choices={first: REACHED, first + 1: REASONS, first + 2: SATISFACTION},
                        notes=NOTES,
                        title=[
                            "回访记录表（内部资料，含群众联系方式，不得外传）",
                            f"{'回访人' if PER[per] == 'caller' else '牵头单位'}：{g}　　制表日期：{cn_date(today)}",
                        ],
                    ),
                    unit=g,
                    batch=batch,
                )
                for g in order
            ],
        )
    res.files = {g: str(p) for g, p in zip(order, sent.paths)}
    res.counts = {g: len(groups[g]) for g in order}
    res.kept = sent.kept
    return res


def collect_callbacks(ws: Workspace, files: Sequence[Path], *, today: dt.date | None = None) -> CollectResult:
    """Take filled call sheets into the ledger, all files or none; a citizen
    who was reached and is unsatisfied reopens the item (重办) from the day of
    the call, with a new deadline, recorded in its history."""
    today = today or clock.today()
    res = CollectResult(files=[Path(f).name for f in files])
    wanted: list[tuple[str, str, int, dict]] = []  # file, book, item id, values
    with ws.ledger() as led:
        for t, book, r, row, item_id in returnedbooks.returned_rows(
            led,
            files,
            "callback",
            sheet=SHEET,
            required=["编号", "意见建议内容"] + [h for _, h, _ in FILL],
            what="回访记录表",
            hint="请使用 rectikit callback 生成的原表，不要删除列。",
            report=res.report,
        ):
            values = {key: t.text(row, header) for key, header, _ in FILL}
            if any(values.values()) and _check(
                values, t.cell(row, "回访时间"), today, At(file=t.file, sheet=t.sheet, row=r), res.report
            ):
                wanted.append((t.file, book.token, item_id, values))
        if res.report.errors:
            raise InvalidDataError(f"回访记录表有 {len(res.report.errors)} 处错误，未做任何改动。", report=res.report)
        stamp = now()
        phrase = reopen_phrase(ws)
        with led.transaction() as conn:
            for file, token, item_id, v in wanted:
                _take_call(led, conn, file, token, item_id, v, stamp, phrase, today, res)
    return res


def _check(v: dict, called_cell, today: dt.date, where: At, report: Report) -> bool:
    """One filled row: reached or not, the satisfaction or the reason, a real date."""
    before = len(report.errors)
    if v["reached"] not in REACHED:
        report.add(
            Issue("bad-reached", "“是否联系上”应为 是 或 否。", ERROR, column="是否联系上", value=v["reached"], **where)
        )
    elif v["reached"] == "是" and v["satisfaction"] not in SATISFACTION:
        report.add(
            Issue(
                "bad-satisfaction",
                f"联系上的须选满意度：{'、'.join(SATISFACTION)}。",
                ERROR,
                column="满意度",
                value=v["satisfaction"],
                **where,
            )
        )
    elif v["reached"] == "否" and not v["reason"]:
        report.add(Issue("missing-reason", "未联系上的须写明原因。", ERROR, column="未联系上原因", **where))
    if v["called_on"]:
        day = returnedbooks.returned_date(called_cell, v["called_on"], "回访时间", today, where, report)
        if day:
            v["called_on"] = day
    return len(report.errors) == before


def _take_call(
    led, conn, file: str, token: str, item_id: int, v: dict, stamp: str, phrase: str, today: dt.date, res: CollectResult
) -> None:
    """One call recorded (the same sheet again changes nothing); an unsatisfied citizen who was reached
    sends the item back (重办) from the day of the call, unless it was already sent back since."""
    reached = v["reached"] == "是"
    fields = (
        1 if reached else 0,
        v["reason"] or None,
        v["satisfaction"] or None,
        v["opinion"] or None,
        v["caller"] or None,
        v["called_on"] or None,
    )
    old = conn.execute(
        "SELECT reached, reason, result, opinion, caller, called_on FROM callbacks WHERE book=? AND item_id=?",
        (token, item_id),
    ).fetchone()
    if old is not None and tuple(old) == fields:
        return  # the same sheet again
    conn.execute(
        "INSERT INTO callbacks(item_id, book, reached, reason, result, opinion, caller, called_on,"
        " recorded_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(book, item_id) DO UPDATE SET"
        " reached=excluded.reached, reason=excluded.reason, result=excluded.result,"
        " opinion=excluded.opinion, caller=excluded.caller, called_on=excluded.called_on,"
        " recorded_at=excluded.recorded_at",
        (item_id, token, *fields, stamp),
    )
    led.record(
        "callback",
        "item",
        item_id,
        field="callback",
        new=v["satisfaction"] or v["reason"],
        detail={"file": file, "reached": reached, "opinion": v["opinion"]},
    )
    res.rows += 1
    res.changed += 1
    if reached and v["satisfaction"] == "不满意":
        it = dict(conn.execute("SELECT * FROM items WHERE id=?", (item_id,)).fetchone())
        on = dt.date.fromisoformat(v["called_on"]) if v["called_on"] else today
        if it["reopened_on"] and it["reopened_on"] >= on.isoformat():
            return  # already sent back on or after this call
        reopen_item(
            led,
            it,
            kind="callback-reopen",
            reason="回访不满意",
            on=on,
            phrase=phrase,
            today=today,
            source=itemstore.CALLBACK,
            detail={"opinion": v["opinion"], "book": token},
        )
        res.reopened.append(item_id)
