"""What scripts and people see at the command line: exit codes, JSON on
failure, and citizens' text printed as it is (issues #12 and #17)."""

from __future__ import annotations

import pytest

from helpers import write_xlsx

MARKUP = [
    ["意见建议内容", "县区"],
    ["[bold]路灯[/bold]不亮，已经[/]三天了", "[red]城中区"],
    ["[bold]路灯[/bold]不亮，已经[/]三天了！", "[red]城中区"],
    ["[link=file:///etc/passwd]点我[/link]", "江南区"],
]


def test_markup_in_citizens_text_is_printed_as_text(cli, tmp_path):
    w = tmp_path / "w"
    assert cli("init", w).code == 0
    f = write_xlsx(tmp_path / "a.xlsx", MARKUP)
    r = cli("import", f, "-b", "[bold]批次[red]", cwd=w)
    assert r.code == 0, r.err
    assert "[bold]批次[red]" in r.err
    r = cli("dedupe", cwd=w)
    assert r.code == 0, r.err
    assert "[bold]路灯[/bold]不亮" in r.err
    assert cli("status", cwd=w).code == 0


@pytest.mark.parametrize(
    "args, code, name",
    [
        (["analyse", "--json"], 1, "not-ready"),
        (["dispatch", "--json"], 1, "not-ready"),
        (["render", "annex9", "--json"], 2, "usage"),
        (["track", "--today", "昨天", "--json"], 2, "usage"),
        (["status", "--no-such-option", "--json"], 2, "usage"),
        (["export", "台账.pdf", "--json"], 2, "usage"),
    ],
)
def test_a_failure_prints_json_for_scripts(cli, tmp_path, args, code, name):
    w = tmp_path / "w"
    cli("init", w)
    r = cli(*args, cwd=w)
    assert r.code == code, r.err
    out = r.json()
    assert out["ok"] is False and out["exit_code"] == code and out["error"]["code"] == name
    assert out["error"]["message"] and out["error"]["message"] in r.err


def test_exit_codes(cli, tmp_path):
    """0 ok; 1 failed or invalid data (and nothing to do yet); 2 usage."""
    w = tmp_path / "w"
    assert cli("init", w).code == 0
    assert cli("status", "--json", cwd=w).json()["ok"] is True
    bad = write_xlsx(tmp_path / "bad.xlsx", [["意见建议", "县区"], [None, "城中区"]])
    r = cli("import", bad, "-b", "b", "--json", cwd=w)
    assert r.code == 1 and r.json()["ok"] is False
    assert cli("notice", cwd=w).code == 1
    assert cli("import", cwd=w).code == 2
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    r = cli("status", "--json", cwd=outside)
    assert r.code == 1 and r.json()["error"]["code"] == "workspace"
