"""Releasing a held plan: an administrator approves exactly the deletions they read, by their approval code.

The code is a short fingerprint of the plan's deletions (their kinds and keys). The same export against the
same state gives the same code, so a code read from ``plan`` or from a held ``sync`` releases the next sync of
that export; if the deletions changed in between (a new export, another state), the code no longer matches and
the plan stays held.
"""

from __future__ import annotations

import hashlib

from msgspec.structs import replace

from edt_import.domain.plan import ActionType, CourseSpec, Plan

DELETIONS = frozenset({ActionType.DELETE_COURSE, ActionType.REMOVE_MEMBER, ActionType.DELETE_EVENT})
_CODE_LENGTH = 12


def approval_code(plan: Plan) -> str:
    digest = hashlib.sha256()
    for line in sorted(f"{action.type.value} {action.key}" for action in plan.actions if action.type in DELETIONS):
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()[:_CODE_LENGTH]


def released(plan: Plan, code: str) -> Plan:
    """``plan`` without its hold when ``code`` approves its deletions; the plan unchanged otherwise."""
    if plan.hold is None or code.strip().lower() != approval_code(plan):
        return plan
    return replace(plan, hold=None)


def deleted_courses(plan: Plan) -> list[dict[str, str]]:
    """The courses the plan deletes, as an administrator reviews them: key and title (no person in either)."""
    return [
        {"key": action.target.key, "title": action.target.title}
        for action in plan.actions
        if action.type is ActionType.DELETE_COURSE and isinstance(action.target, CourseSpec)
    ]
