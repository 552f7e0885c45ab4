"""Sample frames (issue #15): templates from the office's definition, returns
checked (duplicates across lists, bad phones, people from another village,
quotas), every problem named by file, row and column; merged when clean."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from rectikit.base.errors import InvalidDataError
from rectikit.steps.frames import FRAME_FILE, LIST_SHEET, collect_frames, frame_templates

from helpers import write_xlsx


def _define(ws):
    """The definition as an office would edit it: the bundled columns, two villages' quotas."""
    wb = load_workbook(ws.rules_dir / FRAME_FILE)
    wb["名额"].append(["石门村", 2])
    wb["名额"].append(["大塘村", 1])
    wb.save(ws.rules_dir / FRAME_FILE)


def _fill(path, people, out):
    wb = load_workbook(path)
    sh = wb[LIST_SHEET]
    for person in people:
        sh.append(person)
    wb.save(out)
    return out


def test_templates_returns_and_the_merged_frame(ws, tmp_path):
    _define(ws)
    sent = frame_templates(ws, tmp_path / "下发", name="基层干部样本框")
    assert set(sent.files) == {"石门村", "大塘村"}
    head = list(load_workbook(sent.files["石门村"])[LIST_SHEET].values)
    assert head[0][0].startswith("基层干部样本框名单（内部资料") and "名额：2 人" in head[1][0]
    shimen = _fill(
        sent.files["石门村"],
        [["张某", "村委委员", "石门村委", "13812345678", "石门村"], ["李某", "群众代表", "", "0776-5551234", "石门村"]],
        tmp_path / "石门.xlsx",
    )
    bad = _fill(
        sent.files["大塘村"],
        [
            ["王某", "党员代表", "", "138 1234 5678", "大塘村"],
            ["赵某", "", "", "12345", "石门村"],
            ["", "", "", "13900000000", "大塘村"],
        ],
        tmp_path / "大塘.xlsx",
    )
    with pytest.raises(InvalidDataError) as e:
        collect_frames(ws, [shimen, bad], tmp_path / "样本框.xlsx")
    found = {(i.code, i.row, i.column) for i in e.value.report.errors}
    assert ("duplicate-person", 4, "联系电话") in found  # the same phone as 石门 row 4, written with spaces
    assert ("bad-phone", 5, "联系电话") in found and ("wrong-place", 5, "所属村(社区)") in found
    assert ("missing", 6, "姓名") in found
    assert all(i.file == "大塘.xlsx" for i in e.value.report.errors)
    assert not (tmp_path / "样本框.xlsx").exists()
    good = _fill(sent.files["大塘村"], [["王某", "党员代表", "", "13912345670", "大塘村"]], tmp_path / "大塘2.xlsx")
    merged = collect_frames(ws, [shimen, good], tmp_path / "样本框.xlsx")
    assert merged.people == 3 and not merged.report.errors
    rows = list(load_workbook(merged.path).active.values)
    assert rows[0][0].startswith("样本框名单（内部资料") and rows[-1][-1] == "大塘村"


def test_a_missed_quota_is_a_warning_and_a_list_from_elsewhere_an_error(ws, tmp_path):
    _define(ws)
    sent = frame_templates(ws, tmp_path / "下发")
    short = _fill(sent.files["石门村"], [["张某", "", "", "13812345678", "石门村"]], tmp_path / "石门.xlsx")
    res = collect_frames(ws, [short], tmp_path / "样本框.xlsx")
    assert {i.message for i in res.report.issues} >= {
        "“石门村”名额 2 人，报来 1 人。",
        "“大塘村”名额 1 人，报来 0 人。",
    }
    forged = write_xlsx(
        tmp_path / "自制.xlsx",
        [["姓名", "身份/职务", "所在单位", "联系电话", "所属村(社区)"], ["钱某", "", "", "13700000000", "石门村"]],
        sheet=LIST_SHEET,
    )
    with pytest.raises(InvalidDataError) as e:
        collect_frames(ws, [forged])
    assert e.value.report.errors[0].code == "no-identity"


@pytest.mark.parametrize(
    "typed", ["+86 138 1234 5678", "86-13812345678", "０１３８１２３４５６７８"[1:], "(+86)138-1234-5678"]
)
def test_the_same_person_in_two_lists_however_the_phone_is_written(ws, tmp_path, typed):
    _define(ws)
    sent = frame_templates(ws, tmp_path / "下发", name="样本框")
    shimen = _fill(
        sent.files["石门村"],
        [["张某", "村委委员", "", "13812345678", "石门村"], ["李某", "群众代表", "", "13900001111", "石门村"]],
        tmp_path / "石门.xlsx",
    )
    datang = _fill(sent.files["大塘村"], [["张某", "党员代表", "", typed, "大塘村"]], tmp_path / "大塘.xlsx")
    with pytest.raises(InvalidDataError) as e:
        collect_frames(ws, [shimen, datang], tmp_path / "样本框.xlsx")
    assert [i.code for i in e.value.report.errors] == ["duplicate-person"]
