"""Sampling surveys (摸底调查, seed 002: "3—5次满意度抽样摸底调查，掌握底数"): before the year-end
evaluation phones a sample of the public, the office phones its own sample of the same frame, round after
round, and sees where satisfaction is low and whether it moved.

A round is drawn from the merged sample frame (rectikit frame merge) — stratified by a column of the frame,
in proportion, reproducible by its seed, leaving out people reached in the last days — and written as call
sheets, one per caller, with the questionnaire (rules/调查问卷.xlsx) as columns. The sheets come back
through ``rectikit collect`` with the checks every returned workbook has. The ledger keeps a person only
as a one-way key of the phone number and the stratum: names and phones stay in the frame and the call
sheets, which are internal; answers never reach a public document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import InvalidDataError, NotReadyError, UsageError
from rectikit.base.names import child, distinct_files, file_part
from rectikit.base.problems import ERROR, At, Issue, Report
from rectikit.base.results import Result
from rectikit.files.readers import as_int, read_table
from rectikit.steps.callbacks import REACHED, REASONS, sample_size, stratified
from rectikit.steps.collect import CollectResult
from rectikit.store import books, returnedbooks
from rectikit.store.ledger import Ledger, now
from rectikit.store.workspace import Workspace
from rectikit.text.dates import cn_date, parse_date
from rectikit.text.normalise import phone_key

QUESTIONS_FILE = "调查问卷.xlsx"
SCALE = ("满意", "基本满意", "不满意", "不了解")
SATISFIED = ("满意", "基本满意")
# The social evaluation's areas, asked as "您对本地……是否满意？"; an office edits rules/调查问卷.xlsx.
DEFAULT_QUESTIONS = [
    ("政务服务", "您对本地政务服务（办事方便、快捷）是否满意？"),
    ("社会治安", "您对本地社会治安是否满意？"),
    ("教育", "您对本地教育是否满意？"),
    ("医疗卫生", "您对本地看病就医是否满意？"),
    ("生态环境", "您对本地生态环境是否满意？"),
    ("基础设施", "您对本地道路、供水等基础设施是否满意？"),
    ("干部作风", "您对本地干部作风是否满意？"),
    ("总体满意度", "总的来说，您对本地党委政府的工作是否满意？"),
]
SHEET = "调查记录"
FIXED = [
    ("number", "编号", 6),
    ("name", "姓名", 8),
    ("phone", "联系电话", 13),
    ("role", "身份/职务", 12),
    ("stratum", "层", 14),
]
FILL = [("reached", "是否联系上", 8), ("reason", "未联系上原因", 10)]
DONE = [("caller", "调查人", 8), ("called_on", "调查时间", 11)]
NOTES = [
    "摸底调查记录表填写说明（内部资料，含群众联系方式，不得外传）",
    "1. 逐人电话询问，按问卷读出每个问题，记下对方的回答：满意、基本满意、不满意、不了解。",
    "2. “是否联系上”选 是/否；联系不上的选原因，问题各列留空。",
    "3. 填写调查人和调查时间；不要修改编号、姓名、联系电话，不要删除列；填好后原样交回，用 rectikit collect 导入。",
]


def person_key(phone: str) -> str:
    """A one-way key of a phone number: the same person is known across rounds, without the number."""
    return hashlib.sha256(f"rectikit-survey\x1f{phone_key(phone) or phone}".encode()).hexdigest()[:20]


def questions(ws: Workspace) -> list[tuple[str, str]]:
    """(area, question) of the workspace's questionnaire, else the default."""
    path = ws.rules_dir / QUESTIONS_FILE
    if not path.exists():
        return list(DEFAULT_QUESTIONS)
    t = read_table(path, ["领域", "问题"], what="调查问卷", hint="请使用 rectikit init 生成的调查问卷表。")
    asked = [(t.text(row, "领域"), t.text(row, "问题")) for _r, row in t.records()]
    asked = [(a, q) for a, q in asked if a and q]
    if not asked or len({a for a, _ in asked}) != len(asked):
        raise InvalidDataError(f"调查问卷 {QUESTIONS_FILE} 没有问题，或“领域”有重复（每个领域一个问题）。")
    return asked


@dataclass
class Round(Result):
    """What drawing a round did."""

    name: str
    round: int
    population: int
    left_out: int  # reached in the last days, not asked again
    by: str | None
    seed: int
    strata: list[dict]
    files: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def explain(self) -> str:
        base = f"样本框 {self.population + self.left_out} 人" + (
            f"（近期已调查过的 {self.left_out} 人不再抽）" if self.left_out else ""
        )
        size = sum(s["picked"] for s in self.strata)
        parts = "，".join(f"{s['name']} {s['picked']}/{s['population']}" for s in self.strata)
        how = f"按“{self.by}”分层、按比例" if self.by else ""
        return (
            f"{self.name}第{self.round}轮：从{base}中{how}随机抽取 {size} 人（随机种子 {self.seed}，"
            f"同样的种子和样本框抽到同样的人）：{parts}。"
        )

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "round": self.round,
            "population": self.population,
            "left_out": self.left_out,
            "by": self.by,
            "seed": self.seed,
            "strata": self.strata,
            "files": self.files,
            "counts": self.counts,
            "explain": self.explain(),
        }


def draw_round(
    ws: Workspace,
    frame: Path,
    *,
    name: str = "摸底调查",
    sample: str | int | None = None,
    by: str | None = None,
    seed: int = 0,
    callers: Sequence[str] = (),
    skip_days: int = 0,
    today: dt.date | None = None,
    out_dir: Path | None = None,
) -> Round:
    """Draw the next round of ``name`` from the merged frame and write its call sheets (内部资料)."""
    today = today or clock.today()
    asked = questions(ws)
    t = read_table(
        Path(frame), ["姓名", "联系电话"], what="样本框名单", hint="请使用 rectikit frame merge 生成的样本框名单。"
    )
    if by and by not in t.header:
        raise UsageError(f"样本框名单没有“{by}”列，可用：{'、'.join(h for h in t.header if h)}。")
    people = _people(t, by)
    with ws.ledger() as led:
        recent = _reached_since(led, today - dt.timedelta(days=skip_days)) if skip_days else set()
        pool = [p for p in people if p["key"] not in recent]
        if not pool:
            raise NotReadyError("样本框中没有可抽取的人（或都在近期调查过）。")
        n = sample_size(sample, len(pool))
        chosen, strata = stratified(pool, lambda p: p["stratum"], n, seed)
        rnd = 1 + (led.conn.execute("SELECT MAX(round) FROM surveys WHERE name=?", (name,)).fetchone()[0] or 0)
        chosen.sort(key=lambda p: (p["stratum"], p["key"]))
        for k, p in enumerate(chosen, start=1):
            p["number"] = k
        groups: dict[str, list[dict]] = {}
        for k, p in enumerate(chosen):
            groups.setdefault(callers[k % len(callers)] if callers else "调查", []).append(p)
        names = {g: f"{name}第{rnd}轮-{file_part(g)}.xlsx" for g in groups}
        distinct_files(names)
        folder = Path(out_dir) if out_dir else ws.root / "摸底调查"
        columns = FIXED + FILL + [(a, a, 10) for a, _q in asked] + DONE
        first = len(FIXED)
        choices = {first: REACHED, first + 1: REASONS, **{first + 2 + k: SCALE for k in range(len(asked))}}
        batch = f"{name}第{rnd}轮"
        with led.transaction():
            sent = books.send(
                led,
                [
                    books.Outgoing(
                        "survey",
                        {p["number"]: p["key"] for p in groups[g]},
                        child(folder, names[g]),
                        dict(
                            sheet=SHEET,
                            headers=[h for _, h, _ in columns],
                            rows=[
                                [p.get(key) for key, *_ in FIXED] + [None] * (len(columns) - len(FIXED))
                                for p in groups[g]
                            ],
                            widths=[w for *_, w in columns],
                            choices=choices,
                            notes=NOTES + [f"{k}. {a}：{q}" for k, (a, q) in enumerate(asked, start=len(NOTES))],
                            title=[
                                f"{batch}记录表（内部资料，含群众联系方式，不得外传）",
                                f"调查人：{g}　　制表日期：{cn_date(today)}",
                            ],
                        ),
                        unit=g,
                        batch=batch,
                    )
                    for g in sorted(groups)
                ],
            )
            res = Round(name, rnd, len(pool), len(people) - len(pool), by, seed, strata)
            _remember(led, res, today, sent.books[0].run, len(chosen), asked, chosen)
            led.record("survey-draw", "survey", None, detail={"name": name, "round": rnd, "size": len(chosen)})
    res.files = {g: str(p) for g, p in zip(sorted(groups), sent.paths)}
    res.counts = {g: len(groups[g]) for g in sorted(groups)}
    return res


def _reached_since(led: Ledger, day: dt.date) -> set[str]:
    return {
        r[0]
        for r in led.conn.execute(
            "SELECT DISTINCT person FROM survey_answers WHERE reached=1 AND called_on >= ?", (day.isoformat(),)
        )
    }


def collect_survey(ws: Workspace, files: Sequence, *, today: dt.date | None = None) -> CollectResult:
    """Take filled survey sheets back, all or nothing: each row must be one its sheet carried (the same
    编号 and phone), an answer one of the scale, a date not after today. Later answers for a person are kept
    beside earlier ones; a report counts the newest."""
    today = today or clock.today()
    report = Report()
    res = CollectResult(files=[Path(f).name for f in files], report=report)
    rows = []
    with ws.ledger() as led:
        for f in files:
            ret = returnedbooks.read_returned(f)
            book = returnedbooks.identify(led, ret, "survey", report)
            if book is None:
                continue
            survey = led.conn.execute("SELECT * FROM surveys WHERE run=?", (book.run,)).fetchone()
            asked = [a for a, _q in json.loads(survey["questions"])]
            people = {int(k): v for k, v in json.loads(survey["people"]).items()}
            t = ret.table(
                ["编号", "联系电话", "是否联系上", *asked],
                sheet=SHEET,
                what="摸底调查记录表",
                hint="请使用 rectikit survey draw 生成的原表填写，不要删除列。",
            )
            rows += _answers(t, book, survey, asked, people, today, report)
        if report.errors:
            raise InvalidDataError(f"报回的摸底调查表有 {len(report.errors)} 处错误，未做任何改动。", report=report)
        with led.transaction():
            led.conn.executemany(
                "INSERT INTO survey_answers(survey_id, person, stratum, reached, reason, called_on, question, answer,"
                " book, recorded_on, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [(*r, today.isoformat(), now()) for r in rows],
            )
            led.record("collect", "survey", None, detail={"files": res.files, "answers": len(rows)})
    res.rows = len(rows)
    return res


def _people(t, by: str | None) -> list[dict]:
    """The frame's people, each once (by phone), with the stratum they are drawn in."""
    people: list[dict] = []
    seen: set = set()
    for _r, row in t.records():
        phone = t.text(row, "联系电话")
        key = person_key(phone)
        if not phone or key in seen:
            continue
        seen.add(key)
        people.append(
            {
                "key": key,
                "name": t.text(row, "姓名"),
                "phone": phone,
                "role": t.text(row, "身份/职务"),
                "stratum": (t.text(row, by) if by else "") or ("未注明" if by else "全部"),
            }
        )
    return people


def _remember(led, res: Round, today: dt.date, run: str | None, size: int, asked: list, chosen: list[dict]) -> None:
    """The round in the ledger: its frame, strata, questions and who was drawn (by number, key, stratum)."""
    led.conn.execute(
        "INSERT INTO surveys(name, round, drawn_on, run, by, seed, population, size, strata, questions, people)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            res.name,
            res.round,
            today.isoformat(),
            run,
            res.by,
            res.seed,
            res.population,
            size,
            json.dumps(res.strata, ensure_ascii=False),
            json.dumps(asked, ensure_ascii=False),
            json.dumps({p["number"]: [p["key"], p["stratum"]] for p in chosen}, ensure_ascii=False),
        ),
    )


def _answers(t, book, survey, asked: list[str], people: dict, today: dt.date, report: Report) -> list[tuple]:
    """One sheet's answers as rows for survey_answers: each row checked against its book (编号, phone), the
    reached cell, the date and every answer on the scale."""
    rows: list[tuple] = []
    for r, row in t.records():
        where = At(file=t.file, sheet=t.sheet, row=r)
        number = as_int(t.cell(row, "编号"))
        if number is None or number not in book.items:
            report.add(Issue("not-in-book", f"编号 {number} 不在这份调查表中。", ERROR, column="编号", **where))
            continue
        key = person_key(t.text(row, "联系电话"))
        if books.digest(number, key) != book.items[number]:
            report.add(
                Issue(
                    "row-changed",
                    f"编号 {number} 的联系电话与发出时不符，请按原表填写。",
                    ERROR,
                    column="联系电话",
                    **where,
                )
            )
            continue
        reached = t.text(row, "是否联系上")
        if not reached:
            continue  # not called yet
        if reached not in REACHED:
            report.add(
                Issue("bad-reached", "“是否联系上”应为 是 或 否。", ERROR, column="是否联系上", value=reached, **where)
            )
            continue
        day = parse_date(t.cell(row, "调查时间")) if "调查时间" in t.header else None
        if day is not None and day > today:
            report.add(Issue("future-date", "调查时间在今天之后。", ERROR, column="调查时间", **where))
            continue
        called = (day or today).isoformat()
        person = (survey["id"], key, people[number][1], reached == "是")
        if reached == "否":
            rows.append((*person, t.text(row, "未联系上原因") or "其他", called, None, None, book.token))
            continue
        for area in asked:
            answer = t.text(row, area)
            if answer and answer not in SCALE:
                report.add(
                    Issue(
                        "bad-satisfaction",
                        f"“{area}”应为 {'、'.join(SCALE)} 之一。",
                        ERROR,
                        column=area,
                        value=answer,
                        **where,
                    )
                )
            elif answer:
                rows.append((*person, None, called, area, answer, book.token))
    return rows
