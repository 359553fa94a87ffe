"""Where each import's data lives: the upload key, and the working bucket's layout.

``imports/`` holds what one import's steps hand each other (plaintext timetable, directory snapshot, plan,
chunks, results): a lifecycle rule expires it. ``reports/`` holds the administrator's reports (unmatched
accounts, lessons not imported), kept with the history. ``state/`` holds each establishment's applied state,
never expired (``adapters/s3_applied_state.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from edt_import.domain.errors import ConfigError

UPLOAD_PREFIX = "uploads/"
_UPLOAD_KEY = re.compile(r"uploads/(?P<uai>[0-9A-Z]{8})/(?P<import_id>[0-9A-Za-z_-]{8,64})\.xml")
YEAR_NODE = "year_node"


def upload_key(uai: str, import_id: str) -> str:
    return f"{UPLOAD_PREFIX}{uai}/{import_id}.xml"


def parse_upload_key(key: str) -> tuple[str, str]:
    """(UAI, import id) of an upload; anything else in the uploads bucket is not an import."""
    match = _UPLOAD_KEY.fullmatch(key)
    if match is None:
        raise ConfigError("An object was uploaded outside the import layout (uploads/UAI/IMPORT_ID.xml).")
    return match["uai"], match["import_id"]


def import_prefix(uai: str, import_id: str) -> str:
    return f"imports/{uai}/{import_id}/"


def _in_import(name: str) -> Callable[[str, str], str]:
    """The key of ``name`` in one import's folder, given (UAI, import id)."""
    return lambda uai, import_id: f"{import_prefix(uai, import_id)}{name}"


def _in_reports(name: str) -> Callable[[str, str], str]:
    """The key of ``name`` among one import's reports, given (UAI, import id)."""
    return lambda uai, import_id: f"reports/{uai}/{import_id}/{name}"


timetable_key = _in_import("timetable.xml")
directory_key = _in_import("directory.json")
plan_key = _in_import("plan.json")
chunks_prefix = _in_import("chunks/")
results_prefix = _in_import("results/")
# The manual import's wizard lists (subjects, classes, groups, courses, people), written after reconciling.
wizard_key = _in_import("wizard.json")
# The administrator's choices so far, before the launch.
selection_draft_key = _in_import("selection-draft.json")
# The choices the import was launched with: the plan step applies them (a re-run too).
launched_selection_key = _in_import("selection.json")
unmatched_report_key = _in_reports("unmatched.json")
# The lessons the plan leaves out, each with its reason (kept with the history, read by the admin API).
skipped_lessons_report_key = _in_reports("skipped-lessons.json")
# The Pronote re-keyings the import found, for the administrator to confirm (kept with the history).
rekeys_report_key = _in_reports("rekeys.json")


def chunk_key(uai: str, import_id: str, chunk: int) -> str:
    return f"{chunks_prefix(uai, import_id)}{chunk:05d}.json"


def result_key(uai: str, import_id: str, chunk: int | None) -> str:
    name = YEAR_NODE if chunk is None else f"{chunk:05d}"
    return f"{results_prefix(uai, import_id)}{name}.json"
