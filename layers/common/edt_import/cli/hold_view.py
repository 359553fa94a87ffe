"""A held plan as an administrator reviews it: why, the figures, what would be deleted, and the code approving it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from edt_import.domain.hold_approval import approval_code, deleted_courses
from edt_import.domain.plan import ActionType
from edt_import.domain.planning import PlanResult


def hold_summary(result: PlanResult) -> dict[str, Any]:
    """``{"reasons", "figures"}``, and for a held plan ``deletions`` and ``approval`` (``sync --approve CODE``)."""
    report = result.report
    if report.hold is None:
        return {"reasons": [], "figures": report.guard_figures}
    plan = result.plan  # the actions, built only when the plan is held
    counts = Counter(action.type for action in plan.actions)
    return {
        "reasons": list(report.hold.reasons),
        "figures": report.guard_figures,
        "deletions": {
            "courses": deleted_courses(plan),
            "members": counts[ActionType.REMOVE_MEMBER],
            "events": counts[ActionType.DELETE_EVENT],
        },
        "approval": approval_code(plan),
    }
