"""Where each import's data lives: the upload key, and the working bucket's layout.

``imports/`` holds what one import's steps hand each other (plaintext timetable, directory snapshot, plan,
chunks, results): a lifecycle rule expires it. ``reports/`` holds the administrator's report (unmatched
accounts), kept with the history. ``state/`` holds each establishment's applied state, never expired
(``adapters/s3_applied_state.py``).
"""

from __future__ import annotations

import re

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


def timetable_key(uai: str, import_id: str) -> str:
    return f"{import_prefix(uai, import_id)}timetable.xml"


def directory_key(uai: str, import_id: str) -> str:
    return f"{import_prefix(uai, import_id)}directory.json"


def plan_key(uai: str, import_id: str) -> str:
    return f"{import_prefix(uai, import_id)}plan.json"


def chunks_prefix(uai: str, import_id: str) -> str:
    return f"{import_prefix(uai, import_id)}chunks/"


def results_prefix(uai: str, import_id: str) -> str:
    return f"{import_prefix(uai, import_id)}results/"


def chunk_key(uai: str, import_id: str, chunk: int) -> str:
    return f"{chunks_prefix(uai, import_id)}{chunk:05d}.json"


def result_key(uai: str, import_id: str, chunk: int | None) -> str:
    name = YEAR_NODE if chunk is None else f"{chunk:05d}"
    return f"{results_prefix(uai, import_id)}{name}.json"


def unmatched_report_key(uai: str, import_id: str) -> str:
    return f"reports/{uai}/{import_id}/unmatched.json"


def wizard_key(uai: str, import_id: str) -> str:
    """The manual import's wizard lists (subjects, classes, groups, courses, people), written after reconciling."""
    return f"{import_prefix(uai, import_id)}wizard.json"


def selection_draft_key(uai: str, import_id: str) -> str:
    """The administrator's choices so far, before the launch."""
    return f"{import_prefix(uai, import_id)}selection-draft.json"


def launched_selection_key(uai: str, import_id: str) -> str:
    """The choices the import was launched with: the plan step applies them (a re-run too)."""
    return f"{import_prefix(uai, import_id)}selection.json"


def rekeys_report_key(uai: str, import_id: str) -> str:
    """The Pronote re-keyings the import found, for the administrator to confirm (kept with the history)."""
    return f"reports/{uai}/{import_id}/rekeys.json"
