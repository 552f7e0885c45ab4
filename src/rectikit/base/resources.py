"""Where the bundled examples and templates are.

In a wheel they are inside the package (``rectikit/_bundled``); in a source
checkout or an editable install they are at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent  # the rectikit package


def _bundled(name: str) -> Path:
    inside = _PKG / "_bundled" / name
    if inside.is_dir():
        return inside
    return _PKG.parent.parent / name


def examples_dir() -> Path:
    return _bundled("examples")


def templates_dir() -> Path:
    return _bundled("templates")
