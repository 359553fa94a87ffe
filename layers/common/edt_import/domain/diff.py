"""Actions that bring itslearning from the previous applied state to the planned one (Canvas's diffing mode).

Only what the import itself created is ever deleted (the state holds nothing else), past events are never
touched, and an unchanged input gives no action at all. Both sides are compared as plain rows (see
``applied_state``); the spec and action objects are built only when someone asks for the actions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from edt_import.domain.applied_state import MEMBER_GROUP_ROLES, EventRow, MemberGroup, event_from_row
from edt_import.domain.directory import PersonKey
from edt_import.domain.plan import APPLY_ORDER, Action, ActionType, CourseSpec, MemberSpec, Role

_NO_MEMBERS: MemberGroup = ((), ())
_COURSE_ACTIONS = frozenset({ActionType.CREATE_COURSE, ActionType.UPDATE_COURSE, ActionType.DELETE_COURSE})
_MEMBER_ACTIONS = frozenset({ActionType.ADD_MEMBER, ActionType.REMOVE_MEMBER})


@dataclass(slots=True)
class Changes:
    """What must change, by action type: course specs; (course key, role, person keys) batches for members;
    (key, row) pairs for events. Member batches keep a first import's ~170k memberships out of the hot path."""

    by_type: dict[ActionType, list[Any]]

    @classmethod
    def empty(cls) -> Changes:
        return cls(by_type={action_type: [] for action_type in APPLY_ORDER})

    def counts(self) -> dict[str, int]:
        counts = {action_type.value: len(self.by_type[action_type]) for action_type in APPLY_ORDER}
        for action_type in _MEMBER_ACTIONS:
            counts[action_type.value] = sum(len(batch[2]) for batch in self.by_type[action_type])
        return counts

    def actions(self) -> tuple[Action, ...]:
        """The actions in a safe application order: creations first, removals last."""
        actions: list[Action] = []
        for action_type in APPLY_ORDER:
            items = self.by_type[action_type]
            if action_type in _COURSE_ACTIONS:
                actions.extend(Action(type=action_type, target=spec) for spec in items)
            elif action_type in _MEMBER_ACTIONS:
                actions.extend(
                    Action(
                        type=action_type,
                        target=MemberSpec(
                            key=f"{course_key}|{person_key}|{role.value}",
                            course_key=course_key,
                            person_key=person_key,
                            role=role,
                        ),
                    )
                    for course_key, role, person_keys in items
                    for person_key in person_keys
                )
            else:
                actions.extend(Action(type=action_type, target=event_from_row(key, row)) for key, row in items)
        return tuple(actions)


def diff_courses(desired: Mapping[str, CourseSpec], previous: Mapping[str, CourseSpec], changes: Changes) -> None:
    """``previous`` holds only this year's courses."""
    for key, spec in desired.items():
        old = previous.get(key)
        if old is None:
            changes.by_type[ActionType.CREATE_COURSE].append(spec)
        elif old != spec:
            changes.by_type[ActionType.UPDATE_COURSE].append(spec)
    for key, old in previous.items():
        if key not in desired:
            changes.by_type[ActionType.DELETE_COURSE].append(old)


def diff_members(
    desired: Mapping[str, MemberGroup], previous: Mapping[str, MemberGroup], *, in_year: str, changes: Changes
) -> int:
    """Add and remove members course by course; return how many this year's courses held before.

    An unchanged course costs one tuple comparison, whatever its size.
    """
    adds = changes.by_type[ActionType.ADD_MEMBER]
    removes = changes.by_type[ActionType.REMOVE_MEMBER]
    for course_key, group in desired.items():
        old = previous.get(course_key, _NO_MEMBERS)
        if old != group:
            for role, now, then in zip(MEMBER_GROUP_ROLES, group, old, strict=True):
                _member_changes(course_key, role, now, then, adds=adds, removes=removes)
    before = 0
    for course_key, old in previous.items():
        if course_key.startswith(in_year):
            before += len(old[0]) + len(old[1])
            if course_key not in desired:
                for role, then in zip(MEMBER_GROUP_ROLES, old, strict=True):
                    _member_changes(course_key, role, (), then, adds=adds, removes=removes)
    return before


def _member_changes(
    course_key: str,
    role: Role,
    now: tuple[PersonKey, ...],
    then: tuple[PersonKey, ...],
    *,
    adds: list[Any],
    removes: list[Any],
) -> None:
    if now == then:
        return
    if not then:
        adds.append((course_key, role, now))
        return
    kept = set(then)
    added = tuple(p for p in now if p not in kept)
    if added:
        adds.append((course_key, role, added))
    current = set(now)
    removed = tuple(p for p in then if p not in current)
    if removed:
        removes.append((course_key, role, removed))


def diff_events(
    desired: Mapping[str, EventRow],
    previous: Mapping[str, EventRow],
    *,
    in_year: str,
    today: date,
    changes: Changes,
) -> int:
    """Create, update, delete events from ``today`` on (``desired`` holds no earlier one); past ones stay as they are.

    Return how many events of this year's courses the previous state held from ``today`` on.
    """
    creates = changes.by_type[ActionType.CREATE_EVENT]
    updates = changes.by_type[ActionType.UPDATE_EVENT]
    if not previous:  # a first import: everything is new
        creates.extend(desired.items())
        return 0
    for key, row in desired.items():
        old = previous.get(key)
        if old is None:
            creates.append((key, row))
        elif old != row:
            updates.append((key, row))
    deletes = changes.by_type[ActionType.DELETE_EVENT]
    before = 0
    for key, old in previous.items():
        if old[4] >= today and old[0].startswith(in_year):
            before += 1
            if key not in desired:
                deletes.append((key, old))
    return before
