"""rectikit: turn citizens' feedback into tracked rectification work.

Everything the command line does is available here::

    import rectikit
    ws = rectikit.init_workspace("2020社会评价整改", office="某市绩效办")
    res = rectikit.import_files(ws, ["意见建议.xlsx"], batch="2019年度")
    rectikit.ledger_status(ws)
    rectikit.export_ledger(ws, "台账.xlsx")

The map (docs/ARCHITECTURE.md draws it): data flows file → ledger → steps →
figures → documents. ``base`` is the ground (errors, problems as data);
``files`` and ``text`` read and write office files and handle Chinese text;
``store`` is the workspace and its SQLite ledger; ``steps`` are the pipeline
(ingest, dedupe, classify, assign, tracking); ``figures`` counts everything a
document prints; ``documents`` writes what the office signs and publishes;
``cli`` parses commands and prints. Nothing imports upward.
"""

from importlib import metadata as _metadata

from rectikit.base.errors import RectikitError
from rectikit.documents.analysis import analyse
from rectikit.documents.annexes import render
from rectikit.documents.answers import answers
from rectikit.documents.export import export_ledger
from rectikit.documents.notice import notice
from rectikit.figures import ledger_status
from rectikit.steps.assign import assign
from rectikit.steps.classify import classify
from rectikit.steps.dedupe import dedupe
from rectikit.steps.ingest import import_files
from rectikit.steps.tracking import close_out, collect, dispatch, track
from rectikit.store.workspace import Workspace, find_workspace, init_workspace

try:  # the version lives in pyproject.toml only
    __version__ = _metadata.version("rectikit")
except _metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "RectikitError",
    "Workspace",
    "analyse",
    "answers",
    "assign",
    "classify",
    "close_out",
    "collect",
    "dedupe",
    "dispatch",
    "export_ledger",
    "find_workspace",
    "import_files",
    "init_workspace",
    "ledger_status",
    "notice",
    "render",
    "track",
]
