"""Every help text reads whole in Chinese at 80 columns (issue #17)."""

from __future__ import annotations

import re

import pytest

from rectikit.cli.common import ORDER

# English a user may meet in help: option and command names, file kinds, the
# English aliases of choices, config keys and the environment variable.
ALLOWED = {
    "rectikit",
    "json",
    "JSON",
    "xlsx",
    "xlsm",
    "xls",
    "ods",
    "csv",
    "docx",
    "all",
    "annex",
    "category",
    "lead_unit",
    "county",
    "continuous",
    "per",
    "group",
    "auto_threshold",
    "RECTIKIT_WORKSPACE",
    "RECTIKIT_TODAY",
    "start_date",
    "monthly",
    "investigation",
    "upstream",
    "draw",
    "survey",
    "cut",
    "round",
    "Word",
    "WPS",
    "Wilson",
    "templates",
    "merge",
    *ORDER,
}


@pytest.mark.parametrize(
    "command",
    [
        [],
        *([c] for c in ORDER),
        ["report", "monthly"],
        ["report", "investigation"],
        ["report", "upstream"],
        ["survey", "draw"],
        ["survey", "report"],
        ["frame", "templates"],
        ["frame", "merge"],
    ],
    ids=str,
)
def test_help_is_whole_and_chinese_at_80_columns(cli, monkeypatch, command):
    monkeypatch.setenv("COLUMNS", "80")
    r = cli(*command, "--help")
    assert r.code == 0, r.err
    text = r.out
    assert text.startswith("用法：rectikit") and "示例：" in text
    assert "…" not in text and "<" not in text and "[required]" not in text.lower()
    for line in text.splitlines():
        assert sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) <= 80, line
    words = {w for w in re.findall(r"(?<![-\w.])[A-Za-z][A-Za-z_]+", text)}
    assert words <= ALLOWED, words - ALLOWED


def test_version(cli):
    r = cli("--version")
    assert r.code == 0 and re.fullmatch(r"rectikit \d+\.\d+\.\d+\n", r.out)


def test_type_errors_are_said_in_chinese(cli, tmp_path):
    r = cli("init", tmp_path / "w", "--year", "abc")
    assert r.code == 2 and "应为整数" in r.err and "Input should" not in r.err


def test_choices_in_chinese_and_english(cli, tmp_path):
    w = tmp_path / "w"
    cli("init", w)
    from helpers import write_xlsx

    cli("import", write_xlsx(tmp_path / "a.xlsx", [["意见建议"], ["路灯不亮"]]), "-b", "b", cwd=w)
    for annex, group in (("附件1", "领域"), ("annex1", "category"), ("附件2", "县区")):
        r = cli("render", annex, "--group-by", group, "--all", "--format", "xlsx", cwd=w)
        assert r.code == 0, r.err


def test_every_command_is_in_the_readme():
    """A newcomer finds every command, sub-commands included, in README (issue #28); --help gives its example."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    subs = ["report monthly", "report investigation", "report upstream", "survey draw", "survey report"]
    missing = [c for c in [*ORDER, *subs, "frame templates", "frame merge"] if f"rectikit {c}" not in readme]
    assert not missing, missing
