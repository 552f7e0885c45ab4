from __future__ import annotations

from pathlib import Path

import pytest

from rectikit.cli import main
from rectikit.store.workspace import init_workspace

from helpers import CliResult


@pytest.fixture
def ws(tmp_path):
    return init_workspace(tmp_path / "ws", office="测试市绩效办", year=2020)


@pytest.fixture
def cli(capsys, monkeypatch):
    def run(*args, cwd: Path | None = None) -> CliResult:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        code = main([str(a) for a in args])
        cap = capsys.readouterr()
        return CliResult(code, cap.out, cap.err)

    return run
