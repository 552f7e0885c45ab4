"""The workspace folder: config file, editable rule tables and the ledger.

A workspace is found like git finds a repository: from the current folder
upwards, unless ``--workspace`` or ``RECTIKIT_WORKSPACE`` names one.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rectikit.base import clock
from rectikit.base.errors import WorkspaceError
from rectikit.base.resources import templates_dir
from rectikit.store.settings import problems

CONFIG_NAME = "rectikit.toml"
LEDGER_NAME = "台账.sqlite"
RULES_DIR = "rules"
REPORTS_DIR = "报告"
OUTPUTS_DIR = "输出"  # documents and tables for people, unless a command is told where
ENV_VAR = "RECTIKIT_WORKSPACE"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def ledger_path(self) -> Path:
        return self.root / LEDGER_NAME

    @property
    def rules_dir(self) -> Path:
        return self.root / RULES_DIR

    @property
    def reports_dir(self) -> Path:
        return self.root / REPORTS_DIR

    @property
    def outputs_dir(self) -> Path:
        return self.root / OUTPUTS_DIR

    def config(self) -> dict:
        """The settings, checked key by key (:mod:`rectikit.store.settings`) before anything uses them."""
        try:
            with open(self.config_path, "rb") as f:
                data = tomllib.load(f)
        except FileNotFoundError:
            raise WorkspaceError(f"工作区缺少配置文件：{self.config_path}") from None
        except tomllib.TOMLDecodeError as e:
            raise WorkspaceError(f"配置文件 {self.config_path} 格式有误：{e}") from None
        wrong = problems(data)
        if wrong:
            raise WorkspaceError(
                f"配置文件 {self.config_path} 有 {len(wrong)} 处设置不对：" + "；".join(wrong) + "。",
                hint="用记事本打开 rectikit.toml 改正后再运行。",
            )
        return data

    def setting(self, section: str, key: str, default):
        return self.config().get(section, {}).get(key, default)

    def output_file(self, path: Path | None, default: Path, suffixes: tuple[str, ...]) -> Path:
        """Where to write a file the user named (``default`` when not named).

        The suffix must be one the command writes (``track --out x.csv`` would
        otherwise be an .xlsx under a .csv name), and the workspace's config,
        ledger, rule tables and templates, or a file that was imported, are
        never overwritten.
        """
        from rectikit.base.errors import UsageError
        from rectikit.base.fsutil import sha256_file

        path = Path(path) if path else Path(default)
        if path.suffix.lower() not in suffixes:
            raise UsageError(f"输出文件 {path.name} 的扩展名应为 {'、'.join(suffixes)}。")
        target = path.resolve()
        ledger = self.ledger_path.resolve()
        protected = {
            self.config_path.resolve(),
            ledger,
            ledger.with_name(ledger.name + "-wal"),
            ledger.with_name(ledger.name + "-shm"),
        }
        folders = (self.rules_dir.resolve(), (self.root / "templates").resolve())
        if target in protected or any(target.is_relative_to(f) for f in folders):
            raise UsageError(f"{path} 是工作区的配置、台账、规则表或模板，不能作为输出文件。请换一个文件名。")
        if target.is_file():
            sha = sha256_file(target)
            with self.ledger() as led:
                imported = led.conn.execute(
                    "SELECT file_name FROM source_files WHERE sha256=? LIMIT 1", (sha,)
                ).fetchone()
            if imported:
                raise UsageError(f"{path} 是导入过的原始文件（{imported[0]}），不能被覆盖。请换一个文件名。")
        return path

    def ledger(self):
        from rectikit.store.ledger import Ledger

        return Ledger.open(self.ledger_path)


def init_workspace(path: Path, *, office: str = "", year: int | None = None) -> Workspace:
    """Create a workspace: config file, the bundled rule tables and templates
    (copies the office edits) and an empty, migrated ledger.

    A file already in the folder is never overwritten: an office that lost
    only its config keeps its edited rule tables.
    """
    root = Path(path).resolve()
    if (root / CONFIG_NAME).exists():
        raise WorkspaceError(f"{root} 已经是一个 rectikit 工作区。")
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"{root} 已存在且不是文件夹。")
    root.mkdir(parents=True, exist_ok=True)
    year = year or clock.today().year
    office = office or root.name
    text = (templates_dir() / "config.toml").read_text(encoding="utf-8")
    text = text.replace("{office}", office.replace("\\", "\\\\").replace('"', '\\"')).replace("{year}", str(int(year)))
    (root / CONFIG_NAME).write_text(text, encoding="utf-8")
    _copy_missing(templates_dir() / RULES_DIR, root / RULES_DIR, "*")
    _copy_missing(templates_dir(), root / "templates", "annex*")
    ws = Workspace(root)
    ws.ledger().close()
    return ws


def _copy_missing(source: Path, target: Path, pattern: str) -> None:
    """Copy the bundled files matching ``pattern`` that ``target`` lacks."""
    target.mkdir(exist_ok=True)
    for f in sorted(source.glob(pattern)):
        if f.is_file() and not (target / f.name).exists():
            shutil.copy2(f, target / f.name)


def find_workspace(start: Path | None = None, explicit: Path | str | None = None) -> Workspace:
    """The workspace named explicitly, by the environment, or above ``start``."""
    named = explicit or os.environ.get(ENV_VAR)
    if named:
        root = Path(named).resolve()
        if not (root / CONFIG_NAME).is_file():
            raise WorkspaceError(f"{root} 不是 rectikit 工作区（缺少 {CONFIG_NAME}）。")
        return Workspace(root)
    here = Path(start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / CONFIG_NAME).is_file():
            return Workspace(d)
    raise WorkspaceError(
        "当前文件夹及其上级都不是 rectikit 工作区。请先运行 `rectikit init 文件夹名` 创建，或用 --workspace 指定。"
    )
