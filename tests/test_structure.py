"""The house rules of docs/ARCHITECTURE.md, checked on the code itself."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

from rectikit.base.resources import templates_dir
from rectikit.files.readers import read_table
from rectikit.store.workspace import init_workspace

PKG = Path(__file__).resolve().parents[1] / "src" / "rectikit"
# Lower number = lower floor. A module may import its own floor or lower ones.
FLOORS = {
    "base": 0,
    "files": 1,
    "text": 1,
    "store": 2,
    "figures": 3,
    "steps": 4,
    "documents": 5,
    "demo": 6,
    "cli": 7,
    "__init__": 7,
    "__main__": 8,
}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                yield "relative", node.lineno
            else:
                yield node.module, node.lineno
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, node.lineno


def _modules():
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG.parent).with_suffix("")
        yield ".".join(rel.parts).removesuffix(".__init__"), path


def test_nothing_imports_upward_or_relatively():
    wrong = []
    for name, path in _modules():
        room = _room(name) if name != "rectikit" else "__init__"
        for target, line in _imports(path):
            if target == "relative":
                wrong.append(f"{path.name}:{line} relative import")
            elif target.startswith("rectikit.") and FLOORS[_room(target)] > FLOORS[room]:
                wrong.append(f"{name}:{line} imports {target}")
    assert not wrong, wrong


def test_only_the_command_line_knows_typer_and_rich():
    for name, path in _modules():
        if _room(name) == "cli":
            continue
        for target, line in _imports(path):
            assert target.split(".")[0] not in ("typer", "rich", "click"), f"{name}:{line} imports {target}"


def _build_script():
    spec = importlib.util.spec_from_file_location("build_rule_tables", templates_dir() / "build_rule_tables.py")
    if spec is None or not (templates_dir() / "build_rule_tables.py").exists():
        pytest.skip("the build script is not shipped in a wheel")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _cells(path: Path) -> list[list[str]]:
    t = read_table(path, [], what="规则表")
    return [[t.text(row, h) for h in t.header] for _, row in t.records()]


def test_bundled_rule_tables_are_what_the_script_builds(tmp_path):
    built = _build_script().build(tmp_path)
    for path in built:
        assert _cells(path) == _cells(templates_dir() / "rules" / path.name), path.name


def test_init_copies_the_rule_tables_but_never_over_the_offices_own(tmp_path):
    root = tmp_path / "ws"
    (root / "rules").mkdir(parents=True)
    own = root / "rules" / "分类体系.xlsx"
    own.write_bytes(b"the office's own table")
    ws = init_workspace(root, office="测试", year=2020)
    assert own.read_bytes() == b"the office's own table"
    for name in ("处理方式.xlsx", "单位名录.xlsx", "分解规则.xlsx"):
        assert (ws.rules_dir / name).is_file()


def test_every_import_inside_a_function_resolves():
    """Imports made where they are used run only when a command runs; check them all here."""
    import importlib

    missing = []
    for name, path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rectikit"):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    if not hasattr(module, alias.name):
                        try:
                            importlib.import_module(f"{node.module}.{alias.name}")
                        except ImportError:
                            missing.append(f"{name}:{node.lineno} {node.module}.{alias.name}")
    assert not missing, missing


def test_import_rectikit_gives_the_whole_api():
    """Every command's library function is ``rectikit.X`` (issue #28), loaded on first use."""
    import re
    from pathlib import Path

    import rectikit

    cli = Path(rectikit.__file__).parent / "cli"
    used = {
        name
        for f in cli.glob("*.py")
        for module, names in re.findall(
            r"from (rectikit\.(?:steps|documents|figures|demo)[\w.]*) import ([\w, ]+)", f.read_text()
        )
        for name in (n.strip() for n in names.split(","))
        if name.islower() and " " not in name and name != "parse_mapping"
    }
    assert used <= set(rectikit.__all__), used - set(rectikit.__all__)
    assert all(callable(getattr(rectikit, name)) for name in rectikit.__all__)


def test_readme_lists_every_ledger_table(tmp_path):
    """README's 台账里有什么 names every table the migrations make, and no table that is not there."""
    import re
    import sqlite3
    from pathlib import Path

    from rectikit.store.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    con = sqlite3.connect(ws.ledger_path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    con.close()
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 台账里有什么", 1)[1].split("\n## ", 1)[0]
    rows = section.split("|---|---|", 1)[1].strip().splitlines()
    listed = {name for row in rows for name in re.findall(r"`(\w+)`", row.split("|")[1])}  # the first column
    assert tables == listed, (tables - listed, listed - tables)


def test_every_command_function_returns_a_result():
    """One result type for every library call a command makes (issue #28): each says itself as JSON."""
    import typing

    import rectikit
    from rectikit.base.results import Result

    not_commands = {"RectikitError", "Workspace", "find_workspace", "init_workspace"}
    wrong = {}
    for name in sorted(set(rectikit.__all__) - not_commands):
        returned = typing.get_type_hints(getattr(rectikit, name)).get("return")
        if not (isinstance(returned, type) and issubclass(returned, Result)):
            wrong[name] = returned
    assert not wrong, wrong
