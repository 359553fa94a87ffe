"""Actions that bring itslearning from the previous applied state to the planned one (Canvas's diffing mode).

Only what the import itself created is ever deleted (the state holds nothing else), past events are never
touched, and an unchanged input gives no action at all. Both sides are compared course by course (member
groups, event blocks); an unchanged course costs one comparison, and action objects are built only when
someone asks for the actions.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from msgspec import Struct, field

from edt_import.domain.applied_state import (
    MEMBER_GROUP_ROLES,
    NO_MEMBERS,
    CourseEvents,
    MemberGroup,
    member_counts,
    member_spec,
)
from edt_import.domain.directory import PersonKey
from edt_import.domain.plan import APPLY_ORDER, Action, ActionType, CourseSpec, Role

MemberBatch = tuple[str, Role, frozenset[PersonKey]]  # course key, role, person keys
EventBatch = tuple[str, CourseEvents]  # course key, some of its events


class Changes(Struct):
    """What must change: course specs, member batches and event batches by action type (a first import's
    memberships and events stay a few thousand batches until the actions are asked for)."""

    courses: dict[ActionType, list[CourseSpec]] = field(default_factory=dict)
    members: dict[ActionType, list[MemberBatch]] = field(default_factory=dict)
    events: dict[ActionType, list[EventBatch]] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> Changes:
        return cls(
            courses={t: [] for t in (ActionType.CREATE_COURSE, ActionType.UPDATE_COURSE, ActionType.DELETE_COURSE)},
            members={t: [] for t in (ActionType.ADD_MEMBER, ActionType.REMOVE_MEMBER)},
            events={t: [] for t in (ActionType.CREATE_EVENT, ActionType.UPDATE_EVENT, ActionType.DELETE_EVENT)},
        )

    def counts(self) -> dict[str, int]:
        counts = {t.value: len(specs) for t, specs in self.courses.items()}
        counts.update({t.value: sum(len(keys) for _, _, keys in batches) for t, batches in self.members.items()})
        counts.update({t.value: sum(len(block) for _, block in batches) for t, batches in self.events.items()})
        return {t.value: counts[t.value] for t in APPLY_ORDER}

    def actions(self) -> tuple[Action, ...]:
        """The actions in a safe application order: creations first, removals last; a batch's people sorted, so
        that the same plan always gives the same actions."""
        actions: list[Action] = []
        for action_type in APPLY_ORDER:
            if action_type in self.courses:
                actions.extend(Action(type=action_type, target=spec) for spec in self.courses[action_type])
            elif action_type in self.members:
                actions.extend(
                    Action(type=action_type, target=member_spec(course_key, person_key, role))
                    for course_key, role, person_keys in self.members[action_type]
                    for person_key in sorted(person_keys)
                )
            else:
                actions.extend(
                    Action(type=action_type, target=spec)
                    for course_key, block in self.events[action_type]
                    for spec in block.specs(course_key)
                )
        return tuple(actions)


def diff_courses(desired: Mapping[str, CourseSpec], previous: Mapping[str, CourseSpec], changes: Changes) -> None:
    """``previous`` holds only this year's courses."""
    for key, spec in desired.items():
        old = previous.get(key)
        if old is None:
            changes.courses[ActionType.CREATE_COURSE].append(spec)
        elif old != spec:
            changes.courses[ActionType.UPDATE_COURSE].append(spec)
    for key, old in previous.items():
        if key not in desired:
            changes.courses[ActionType.DELETE_COURSE].append(old)


def diff_members(
    desired: Mapping[str, MemberGroup],
    previous: Mapping[str, MemberGroup],
    *,
    planned: Collection[str],
    in_year: str,
    changes: Changes,
) -> int:
    """Add and remove members course by course; return how many this year's courses held before.

    ``desired`` holds the groups worked out for this plan; the other ``planned`` courses keep the groups they had
    (their fingerprints did not change), which are neither read nor compared."""
    adds = changes.members[ActionType.ADD_MEMBER]
    removes = changes.members[ActionType.REMOVE_MEMBER]
    for course_key, group in desired.items():
        old = previous.get(course_key, NO_MEMBERS)
        if old != group:
            for role, now, then in zip(MEMBER_GROUP_ROLES, group, old, strict=True):
                _member_changes(course_key, role, now, then, adds=adds, removes=removes)
    before = 0
    for course_key, sizes in member_counts(previous).items():
        if course_key.startswith(in_year):
            before += sum(sizes)
            if course_key not in planned:
                for role, then in zip(MEMBER_GROUP_ROLES, previous[course_key], strict=True):
                    _member_changes(course_key, role, frozenset(), then, adds=adds, removes=removes)
    return before


def _member_changes(
    course_key: str,
    role: Role,
    now: frozenset[PersonKey],
    then: frozenset[PersonKey],
    *,
    adds: list[MemberBatch],
    removes: list[MemberBatch],
) -> None:
    added = now - then if then else now  # a new course's set as it is: a first plan copies none
    if added:
        adds.append((course_key, role, added))
    removed = then - now if now else then
    if removed:
        removes.append((course_key, role, removed))


def diff_events(
    desired: Mapping[str, CourseEvents],
    upcoming: Mapping[str, CourseEvents],
    *,
    changes: Changes,
) -> None:
    """Create, update, delete events course by course. ``upcoming`` holds the previous state's events of this
    year's courses from the import date on (past ones stay as they are; ``desired`` holds none)."""
    creates = changes.events[ActionType.CREATE_EVENT]
    for course_key, block in desired.items():
        old = upcoming.get(course_key)
        if old is None:
            creates.append((course_key, block))
        elif old != block:
            _event_changes(course_key, block, old, changes)
    deletes = changes.events[ActionType.DELETE_EVENT]
    deletes.extend((course_key, old) for course_key, old in upcoming.items() if course_key not in desired)


def _event_changes(course_key: str, now: CourseEvents, then: CourseEvents, changes: Changes) -> None:
    held = {event.suffix: event for event in then.values()}
    planned = list(now.values())
    created = [event.suffix not in held for event in planned]
    updated = [event.suffix in held and held[event.suffix] != event for event in planned]
    kept = {event.suffix for event in planned}
    deleted = [suffix not in kept for suffix in then.suffixes]
    for action_type, block, flags in (
        (ActionType.CREATE_EVENT, now, created),
        (ActionType.UPDATE_EVENT, now, updated),
        (ActionType.DELETE_EVENT, then, deleted),
    ):
        if any(flags):
            changes.events[action_type].append((course_key, block.select(flags)))


def upcoming_events(
    previous: Mapping[str, CourseEvents], *, in_year: str, today: date, skipped: Collection[str] = ()
) -> tuple[dict[str, CourseEvents], dict[str, CourseEvents]]:
    """This year's courses' events before ``today`` and from ``today`` on, by course (empty blocks left out), but
    for the ``skipped`` courses (not read)."""
    past: dict[str, CourseEvents] = {}
    upcoming: dict[str, CourseEvents] = {}
    for course_key in previous:
        if course_key.startswith(in_year) and course_key not in skipped:
            before, after = previous[course_key].split(today)
            if before:
                past[course_key] = before
            if after:
                upcoming[course_key] = after
    return past, upcoming
