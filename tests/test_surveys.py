"""Sampling surveys (摸底调查, issue #31): three rounds drawn from a generated frame with known answers;
each round's shares and intervals equal an independent computation; the strata follow largest remainders;
a tampered sheet is refused with nothing changed; the report says what moved beyond sampling error."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from rectikit.base.errors import InvalidDataError
from rectikit.documents.survey import survey_report
from rectikit.figures import survey_rounds
from rectikit.steps.returns import take_back
from rectikit.steps.surveys import DEFAULT_QUESTIONS, draw_round

from helpers import fill_sheet, ledger_snapshot, write_xlsx

VILLAGES = {"甲村": 50, "乙村": 30, "丙村": 20}
AREAS = [a for a, _ in DEFAULT_QUESTIONS]


@pytest.fixture
def frame(tmp_path):
    rows = [["样本框名单（内部资料，不得外传）"], ["姓名", "身份/职务", "联系电话", "所属村(社区)"]]
    k = 0
    for village, n in VILLAGES.items():
        for _ in range(n):
            k += 1
            rows.append([f"群众{k}", "群众代表", f"138{k:08d}", village])
    return write_xlsx(tmp_path / "样本框名单.xlsx", rows)


def _rows(path: Path) -> list[tuple]:
    sheet = load_workbook(path)["调查记录"]
    head = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "编号")
    return [dict(zip(head, r)) for r in sheet.iter_rows(values_only=True) if r and isinstance(r[0], int)]


def _answer(number: int, area: str, rate: int) -> str:
    """Known answers: in round with ``rate``, number % 10 < rate is satisfied, the rest not; 总体 once 不了解."""
    if area == "教育" and number % 7 == 0:
        return "不了解"
    return ("满意" if number % 2 else "基本满意") if number % 10 < rate else "不满意"


def _wilson(k, n, z=1.96):
    p = k / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return c - h, c + h


def test_three_rounds(ws, frame, tmp_path):
    expected = []
    for rnd, (rate, day) in enumerate(
        ((5, dt.date(2020, 5, 10)), (7, dt.date(2020, 7, 10)), (9, dt.date(2020, 9, 10))), start=1
    ):
        drawn = draw_round(
            ws,
            frame,
            sample=15,
            by="所属村(社区)",
            seed=rnd,
            callers=["张三", "李四"],
            today=day,
            out_dir=tmp_path / f"第{rnd}轮",
        )
        assert drawn.round == rnd
        # 15 of 100 in proportion: 7.5, 4.5, 3 → 7, 4, 3 and the one left to the largest remainder (甲 and 乙
        # tie at .5: the first name in character order, 乙村)
        assert {s["name"]: s["picked"] for s in drawn.strata} == {"甲村": 7, "乙村": 5, "丙村": 3}
        files, answers = [], {a: [] for a in AREAS}
        for caller, path in drawn.files.items():
            values = {}
            for r in _rows(Path(path)):
                n = r["编号"]
                if n == 1:
                    values[n] = {"是否联系上": "否", "未联系上原因": "关机"}
                    continue
                values[n] = {
                    "是否联系上": "是",
                    "调查人": caller,
                    "调查时间": day.isoformat(),
                    **{a: _answer(n, a, rate) for a in AREAS},
                }
                for a in AREAS:
                    answers[a].append(values[n][a])
            files.append(fill_sheet(Path(path), values, tmp_path / f"r{rnd}-{caller}.xlsx", sheet="调查记录"))
        assert take_back(ws, files, today=day).taken
        expected.append(answers)

    with ws.ledger() as led:
        rounds = survey_rounds(led, "摸底调查", dt.date(2020, 9, 30))
    assert [r["round"] for r in rounds] == [1, 2, 3] and all(r["unreached"] == 1 for r in rounds)
    for got, answers in zip(rounds, expected):
        for q in got["questions"]:
            judged = [a for a in answers[q["area"]] if a != "不了解"]
            k = sum(a in ("满意", "基本满意") for a in judged)
            assert (q["answered"], q["satisfied"]) == (len(judged), k)
            assert (q["low"], q["high"]) == pytest.approx(_wilson(k, len(judged)))
    # the same day's figures made again later are the same
    with ws.ledger() as led:
        assert survey_rounds(led, "摸底调查", dt.date(2020, 7, 31)) == rounds[:2]
    res = survey_report(ws, today=dt.date(2020, 9, 30), out_dir=tmp_path / "报告")
    text = "\n".join(p.text for p in Document(res["files"][0]).paragraphs)
    assert "摸底调查第3轮" in text and "个百分点" in text and "群众" not in text.replace("群众诉求", "")
    assert "138" not in text  # no phone, no name reaches the report


def test_a_tampered_sheet_is_refused_and_nothing_changes(ws, frame, tmp_path):
    drawn = draw_round(ws, frame, sample=10, seed=3, today=dt.date(2020, 5, 10), out_dir=tmp_path / "轮")
    path = Path(next(iter(drawn.files.values())))
    first = _rows(path)[0]["编号"]
    bad = fill_sheet(
        path,
        {first: {"是否联系上": "是", "联系电话": "13900000000", "总体满意度": "满意"}},
        tmp_path / "改过.xlsx",
        sheet="调查记录",
    )
    before = ledger_snapshot(ws)
    with pytest.raises(InvalidDataError) as e:
        take_back(ws, [bad], today=dt.date(2020, 5, 12))
    assert [i.code for i in e.value.report.errors] == ["row-changed"]
    assert ledger_snapshot(ws) == before


def test_people_reached_lately_are_left_out(ws, frame, tmp_path):
    drawn = draw_round(ws, frame, sample=100, today=dt.date(2020, 5, 10), out_dir=tmp_path / "一")
    path = Path(next(iter(drawn.files.values())))
    reached = {
        r["编号"]: {"是否联系上": "是", "调查时间": "2020-05-10", "总体满意度": "满意"} for r in _rows(path)[:30]
    }
    take_back(ws, [fill_sheet(path, reached, tmp_path / "一.xlsx", sheet="调查记录")], today=dt.date(2020, 5, 12))
    again = draw_round(ws, frame, sample=100, skip_days=60, today=dt.date(2020, 6, 10), out_dir=tmp_path / "二")
    assert again.left_out == 30 and again.population == 70 and "近期已调查过的 30 人" in again.explain()
