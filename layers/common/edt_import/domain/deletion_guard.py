"""Hold a plan that would delete too much, or that comes from an empty export, until an administrator approves.

Canvas's ``change_threshold`` and Clever's hold: a partial or empty file must never empty a school's courses.
Each object type (courses, members, future events) is judged on its own against the previous state.
"""

from __future__ import annotations

from collections.abc import Mapping

from msgspec import Struct, field

from edt_import.domain.plan import Hold

EMPTY_EXPORT = "empty_export"


class GuardLimit(Struct, frozen=True, kw_only=True):
    max_delete_share: float = 0.10  # of the type's objects in the previous state
    max_delete_count: int | None = None  # absolute ceiling, checked as well when set


class GuardSettings(Struct, frozen=True, kw_only=True):
    """One limit for every type, unless ``per_type`` names its own ("courses", "members", "events")."""

    max_delete_share: float = 0.10
    max_delete_count: int | None = None
    per_type: Mapping[str, GuardLimit] = field(default_factory=dict)

    def limit_for(self, kind: str) -> GuardLimit:
        found = self.per_type.get(kind)
        if found is not None:
            return found
        return GuardLimit(max_delete_share=self.max_delete_share, max_delete_count=self.max_delete_count)


class Deletions(Struct, frozen=True, kw_only=True):
    deleted: int
    before: int  # objects of that type in the previous state (future ones, for events)


def guard_figures(deletions: Mapping[str, Deletions]) -> dict[str, int]:
    figures: dict[str, int] = {}
    for kind, counts in deletions.items():
        figures[f"{kind}_deleted"] = counts.deleted
        figures[f"{kind}_before"] = counts.before
    return figures


def check_deletions(deletions: Mapping[str, Deletions], *, empty_export: bool, settings: GuardSettings) -> Hold | None:
    """The hold, with its reasons and figures, or None when the plan may go ahead."""
    reasons: list[str] = [EMPTY_EXPORT] if empty_export else []
    for kind, counts in deletions.items():
        limit = settings.limit_for(kind)
        over_share = counts.deleted > limit.max_delete_share * counts.before
        over_count = limit.max_delete_count is not None and counts.deleted > limit.max_delete_count
        if counts.deleted and (over_share or over_count):
            reasons.append(f"{kind}_deletions_above_threshold")
    if not reasons:
        return None
    return Hold(reasons=tuple(reasons), figures=guard_figures(deletions))
