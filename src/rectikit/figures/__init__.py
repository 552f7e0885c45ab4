"""Figures: every count a document or a command prints, from one place.

Documents lay numbers out; they never count. Each function here takes an open
ledger (and the batches or day it is asked about) and returns plain data —
lists, dicts and tuples of names and integers — so `status --json`, the
classify summary, the analysis report and the public notice can never
disagree about how many items a batch has. A new document asks here first;
a new figure is added here, next to the ones like it.
"""

from __future__ import annotations

from rectikit.figures.analysis import MONEY, overview, periods, timeliness
from rectikit.figures.callbacks import (
    callback_results,
    callback_rounds,
    satisfaction_table,
    survey_rounds,
    with_callbacks,
)
from rectikit.figures.counts import batch_counts, batch_names, ledger_status, source_counts, totals
from rectikit.figures.distributions import (
    callback_counts,
    categories_of,
    count_by,
    most,
    ranked,
    satisfaction_counts,
    satisfaction_of,
    split_values,
    top_n,
)
from rectikit.figures.reports import answers_due, investigation, late_news, month_bounds, monthly, plan_figures
from rectikit.figures.tasks import deadline_text, light_counts, progress, task_light, task_note, task_table, tasks_on
from rectikit.store.values import LIGHTS, SATISFACTION, SATISFACTION_GROUPS, UNCLASSIFIED, UNKNOWN

__all__ = [
    "LIGHTS",
    "MONEY",
    "SATISFACTION",
    "SATISFACTION_GROUPS",
    "UNCLASSIFIED",
    "UNKNOWN",
    "answers_due",
    "batch_counts",
    "batch_names",
    "callback_counts",
    "callback_results",
    "callback_rounds",
    "categories_of",
    "count_by",
    "deadline_text",
    "investigation",
    "late_news",
    "ledger_status",
    "light_counts",
    "month_bounds",
    "monthly",
    "most",
    "overview",
    "periods",
    "plan_figures",
    "progress",
    "ranked",
    "satisfaction_counts",
    "satisfaction_of",
    "satisfaction_table",
    "source_counts",
    "split_values",
    "survey_rounds",
    "task_light",
    "task_note",
    "task_table",
    "tasks_on",
    "timeliness",
    "top_n",
    "totals",
    "with_callbacks",
]
