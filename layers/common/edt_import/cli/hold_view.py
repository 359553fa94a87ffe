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


def held_line(hold: dict[str, Any], *, approval_given: str | None = None) -> str:
    """The one stderr line beside a held plan's JSON: why, and the command that approves it (or why not)."""
    if approval_given:
        return (
            f"held: the approval code {approval_given} is not this plan's: its deletions are not the ones approved. "
            f'Nothing was sent. Review "hold" in the output again; this plan\'s code is {hold["approval"]}.'
        )
    return (
        f'held: the deletion guard holds this plan ({", ".join(hold["reasons"])}): nothing is sent. Review "hold" '
        f"in the output, then approve its deletions with: sync --approve {hold['approval']}"
    )
