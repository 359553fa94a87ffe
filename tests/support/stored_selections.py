"""``a_stored_selection``: the selection a completed manual import leaves in its establishment's applied state."""

from __future__ import annotations

from edt_import.domain.selection import Choices, StoredSelection


def a_stored_selection(uai: str, *, disabled_course: str = "edt:course:off") -> StoredSelection:
    """One subject, class, group and course switched off beside others left on."""
    return StoredSelection(
        uai=uai,
        subjects=Choices(enabled=frozenset({"MATHS"}), disabled=frozenset({"FRANC"})),
        classes=Choices(enabled=frozenset({"6A"}), disabled=frozenset({"6B"})),
        groups=Choices(enabled=frozenset({"LATIN"}), disabled=frozenset({"GREC"})),
        courses=Choices(enabled=frozenset({"edt:course:on"}), disabled=frozenset({disabled_course})),
    )
