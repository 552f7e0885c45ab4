"""Answers to the citizens (issue #26, seed 002's 一个答复、一条短信): one letter per person who raised a
finished item, merged items answering everyone behind them; an SMS per mobile within the platform's
length; nothing for unfinished items; a dry run writes nothing."""

from __future__ import annotations

import datetime as dt

from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from rectikit.documents.answers import answers, sms_text
from rectikit.steps.ingest import import_files

from helpers import set_items, write_xlsx

ROWS = [
    ["意见建议内容", "姓名", "联系电话", "反映时间"],
    ["民主路路灯不亮已经三个月了，晚上出行很不方便，希望尽快修复。", "张三", "138 1234 5678", "2020-05-06"],
    ["民主路路灯不亮，希望修复。", "李四", "0771-5501206", "2020-05-08"],
    ["学校门口拥堵，我的电话13900001111。", "王五", "+86 139-0000-2222", "2020-05-09"],
]


def _done(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="2020年度")
    set_items(ws, "id=2", merged_into=1)
    set_items(
        ws,
        "id=1",
        lead_unit="市城管局",
        is_key_task=1,
        progress="已完成",
        done_on="2020-07-15",
        result="已更换灯具12盏，恢复照明。",
    )
    set_items(ws, "id=3", lead_unit="市教育局", is_key_task=1, progress="推进中")


def test_every_person_behind_a_finished_item_is_answered(ws, tmp_path):
    _done(ws, tmp_path)
    counted = answers(ws, today=dt.date(2020, 8, 1), dry_run=True)
    assert (counted["items"], counted["letters"], counted["messages"], counted["files"]) == (1, 2, 1, [])
    assert counted["not_mobile"] == 1  # 李四's landline gets a letter, not an SMS
    res = answers(ws, today=dt.date(2020, 8, 1), out_dir=tmp_path / "答复")
    letters, sms = res["files"]
    text = "\n".join(p.text for p in Document(letters).paragraphs)
    assert "张三：" in text and "李四：" in text  # the merged item answers both who raised it
    assert (
        "您于2020年5月6日反映的“民主路路灯不亮" in text
        and "经市城管局整改，已更换灯具12盏，恢复照明，于2020年7月15日整改完成。" in text
    )
    assert "学校门口" not in text  # not finished: no answer yet
    rows = list(load_workbook(sms).worksheets[0].values)
    assert any("内部资料" in str(c) for r in rows[:2] for c in r if c)
    [row] = [r for r in rows if r and r[3] == "13812345678"]
    assert row[4].startswith("【") and "市城管局已于2020年7月15日整改完成" in row[4] and row[5] <= 70


@given(st.text(min_size=0, max_size=200), st.text(min_size=0, max_size=120), st.integers(50, 200))
def test_a_message_never_exceeds_the_limit_and_keeps_who_and_when(raised, result, limit):
    text = sms_text("某市绩效办", raised, "市住房和城乡建设局", "2020-07-15", result, limit)
    assert len(text) <= limit
    assert text.startswith("【某市绩效办】") and "市住房和城乡建设局已于2020年7月15日整改完成" in text
