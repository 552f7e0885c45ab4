"""rectikit: turn citizens' feedback into tracked rectification work.

Everything the command line does is available here::

    import rectikit
    ws = rectikit.init_workspace("2020社会评价整改", office="某市绩效办")
    res = rectikit.import_files(ws, ["意见建议.xlsx"], batch="2019年度")
    rectikit.ledger_status(ws)
    rectikit.export_ledger(ws, "台账.xlsx")
"""

from rectikit.base.errors import RectikitError
from rectikit.documents.export import export_ledger
from rectikit.figures import ledger_status
from rectikit.steps.ingest import import_files
from rectikit.store.workspace import Workspace, find_workspace, init_workspace

__version__ = "0.1.0"

__all__ = [
    "RectikitError",
    "Workspace",
    "export_ledger",
    "find_workspace",
    "import_files",
    "init_workspace",
    "ledger_status",
]
