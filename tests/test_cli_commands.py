"""Every command of the office's months run through the command line (issue #28): a demo workspace taken
through dispatch, a unit's return, close-out, reopening, a callback round, the reports and the answers,
each with --json on stdout, people's text on stderr and exit code 0 — and the same day's monthly report
printed twice is the same output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rectikit.demo import run_demo

from helpers import fill_sheet


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    return Path(run_demo(tmp_path_factory.mktemp("demo") / "演示")["workspace"])


@pytest.fixture
def w(demo_root, tmp_path):
    shutil.copytree(demo_root, tmp_path / "ws")
    return tmp_path / "ws"


def _ok(r) -> dict:
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_a_season_through_the_command_line(cli, w, tmp_path):
    day = ["--today", "2020-10-10", "-w", w]
    assert _ok(cli("classify", "--dry-run", "--json", *day))["method"]
    assert _ok(cli("classify", "--review", tmp_path / "分类审核.xlsx", "--json", *day))
    sent = _ok(cli("dispatch", "--out", tmp_path / "交办", "--reply-by", "2020-10-20", "--json", *day))
    book, first = next(
        (b, r)
        for b in sent["files"].values()
        for r in load_workbook(b)["整改任务"].iter_rows(min_row=5, values_only=True)
        if r[1] == "牵头"
    )
    back = fill_sheet(
        Path(book),
        {first[0]: {"整改进展": "已完成", "完成时间": "2020-10-12", "整改成效": "已修复。", "佐证材料": "现场照片3张"}},
        tmp_path / "报回.xlsx",
    )
    taken = _ok(cli("collect", back, "--json", "--today", "2020-10-15", "-w", w))
    assert taken["taken"] and not taken["failed"]
    item = first[0]
    closing = ["closeout", item, "--date", "2020-10-16", "--json", "--today", "2020-10-16", "-w", w]
    assert _ok(cli(*closing)) != _ok(cli(*closing))  # a second close-out of the same item changes nothing
    assert _ok(cli("callback", "--out", tmp_path / "回访", "--json", *day)) is not None
    counted = _ok(cli("answer", "--dry-run", "--json", "--today", "2020-10-16", "-w", w))
    assert counted["files"] == [] and counted["items"] >= 1
    _ok(cli("reopen", item, "--reason", "回访不满意", "--json", "--today", "2020-10-20", "-w", w))
    lights = _ok(cli("track", "--out", tmp_path / "催办.xlsx", "--json", *day))
    assert lights["counts"]
    assert _ok(cli("supervise", "--out", tmp_path / "督办", "--json", *day))["files"]
    early = cli("satisfaction", "--out", tmp_path / "满意度.xlsx", "--json", *day)  # nobody called back yet
    assert early.code == 1 and "rectikit callback" in early.err and json.loads(early.out)["ok"] is False
    assert _ok(cli("render", "附件1", "--out", tmp_path / "附件", "--json", *day))["files"]
    assert _ok(cli("plan", "--out", tmp_path / "方案", "--json", *day))["path"]
    assert _ok(cli("analyse", "--out", tmp_path / "分析.docx", "--json", *day))["sections"]
    assert _ok(cli("notice", "--out", tmp_path / "公示", "--json", *day))["attachments"]
    assert _ok(cli("boards", "--out", tmp_path / "公示牌.docx", "--json", *day))["boards"]
    month = ["report", "monthly", "--month", "2020-10", "--out", tmp_path / "月报", "--json", *day]
    once, again = cli(*month), cli(*month)
    assert once.code == again.code == 0
    a, b = json.loads(once.out), json.loads(again.out)
    assert {k: v for k, v in a.items() if k != "path"} == {k: v for k, v in b.items() if k != "path"}


def test_usage_mistakes_are_messages_with_exit_code_2(cli, w):
    for args in (
        ["closeout"],
        ["render", "附件9"],
        ["report", "monthly", "--month", "2020-13"],
        ["analyse", "--rounding", "随便"],
        ["import", "x.xlsx", "--kind", "电台"],
    ):
        r = cli(*args, "-w", w)
        assert r.code in (1, 2) and "Traceback" not in r.err and r.err.strip(), args


def test_data_problems_exit_1_with_the_reason_in_the_json(cli, w, tmp_path):
    """A number the ledger lacks is a problem with the data asked for (exit 1, code not-found), not a
    mistake in calling the command (2); a refused close-out carries its problems for scripts."""
    for args in (["report", "investigation", "9999"], ["unmerge", "99999"]):
        r = cli(*args, "--json", "-w", w)
        assert r.code == 1, (args, r.err)
        assert json.loads(r.out)["error"]["code"] == "not-found"
    r = cli("closeout", "9999", "--json", "-w", w)
    assert r.code == 1
    [issue] = json.loads(r.out)["error"]["problems"]["issues"]
    assert issue["code"] == "cannot-close" and issue["value"] == "9999"


def test_an_annex_of_an_empty_workspace_is_not_ready(cli, tmp_path):
    assert cli("init", tmp_path / "空").code == 0
    r = cli("render", "附件1", "--json", "-w", tmp_path / "空")
    assert r.code == 1 and json.loads(r.out)["error"]["code"] == "not-ready"
    assert not list((tmp_path / "空").rglob("附件1*.xlsx"))


def test_a_long_path_in_a_log_is_never_broken(tmp_path):
    """Into a log or a pipe (not a terminal) nothing wraps at 80 columns: a path broken in two cannot be
    copied back into a command (issue #28)."""
    import subprocess
    import sys

    deep = tmp_path / ("某市绩效考评办公室-2020年度社会评价群众意见建议整改工作-" * 2)
    deep.mkdir()
    r = subprocess.run([sys.executable, "-m", "rectikit", "init", "工作区"], cwd=deep, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert str(deep / "工作区") in r.stderr.splitlines()[0]


def test_training_and_the_classification_review_through_the_command_line(cli, w, tmp_path):
    from rectikit.store.workspace import find_workspace

    from helpers import write_xlsx

    with find_workspace(explicit=w).ledger() as led:
        labelled = [[i["text"], i["category"]] for i in led.working_items() if i["category"]][:240]
    book = write_xlsx(tmp_path / "已标注.xlsx", [["意见建议内容", "类别"], *labelled])
    trained = _ok(cli("classify", "--train", book, "--json", "-w", w))
    assert trained["items"] == len(labelled) and trained["labels"]
    assert _ok(cli("classify", "--model", "--dry-run", "--json", "-w", w))["method"] == "model"
    review = tmp_path / "分类审核.xlsx"
    assert _ok(cli("classify", "--review", review, "--json", "-w", w))["review_path"]
    assert _ok(cli("classify", "--apply", review, "--json", "-w", w))["changed"] == 0  # nothing edited


@pytest.mark.parametrize(
    "args, code",
    [
        (["frame", "templates"], "not-ready"),  # the 名额 sheet is still empty
        (["survey", "report"], "not-ready"),  # no round drawn yet
        (["report", "upstream", "2020年中期"], "not-ready"),  # not a batch taken from an office above
        (["frame", "merge", "没有这个文件.xlsx"], "not-ready"),  # the frame's definition comes first
    ],
    ids=lambda a: " ".join(a) if isinstance(a, list) else a,
)
def test_commands_that_cannot_go_on_say_why_in_json(cli, w, args, code):
    r = cli(*args, "--json", "-w", w)
    assert r.code in (1, 2) and "Traceback" not in r.err
    assert json.loads(r.out)["error"]["code"] == code, r.err
