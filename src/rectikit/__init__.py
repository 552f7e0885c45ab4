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

from importlib import import_module as _import_module

# Every command's library function, by the module that holds it. Loaded on first use (PEP 562), so
# ``import rectikit`` and ``rectikit --help`` stay fast and ``rectikit.X`` is the whole API.
_API = {
    "RectikitError": "rectikit.base.errors",
    "Workspace": "rectikit.store.workspace",
    "find_workspace": "rectikit.store.workspace",
    "init_workspace": "rectikit.store.workspace",
    "import_files": "rectikit.steps.ingest",
    "ledger_status": "rectikit.figures",
    "export_ledger": "rectikit.documents.export",
    "dedupe": "rectikit.steps.dedupe",
    "apply_review": "rectikit.steps.mergereview",
    "unmerge": "rectikit.steps.merging",
    "classify": "rectikit.steps.classify",
    "assign": "rectikit.steps.assign",
    "render": "rectikit.documents.annexes",
    "dispatch": "rectikit.steps.dispatch",
    "collect": "rectikit.steps.collect",
    "track": "rectikit.steps.tracking",
    "close_out": "rectikit.steps.tracking",
    "reopen": "rectikit.steps.tracking",
    "take_back": "rectikit.steps.returns",
    "dispatch_investigation": "rectikit.steps.investigation",
    "call_sheets": "rectikit.steps.callbacks",
    "frame_templates": "rectikit.steps.frames",
    "collect_frames": "rectikit.steps.frames",
    "draw_round": "rectikit.steps.surveys",
    "report_up": "rectikit.steps.upstream",
    "plan": "rectikit.documents.plan",
    "analyse": "rectikit.documents.analysis",
    "notice": "rectikit.documents.notice",
    "supervise": "rectikit.documents.supervision",
    "boards": "rectikit.documents.boards",
    "monthly_report": "rectikit.documents.monthly",
    "investigation_reports": "rectikit.documents.investigation",
    "satisfaction_report": "rectikit.documents.satisfaction",
    "answers": "rectikit.documents.answers",
    "survey_report": "rectikit.documents.survey",
    "run_demo": "rectikit.demo",
}
__all__ = sorted(_API)


def _version() -> str:
    """The version lives in pyproject.toml only; read when asked (importlib.metadata costs every command
    50 ms to load)."""
    from importlib import metadata

    try:
        return metadata.version("rectikit")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "0.0.0"


def __getattr__(name: str):
    if name == "__version__":
        return _version()
    if name in _API:
        value = getattr(_import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rectikit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
