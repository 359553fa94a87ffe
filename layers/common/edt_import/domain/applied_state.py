"""What the last successful syncs put into itslearning: the base every new plan is diffed against.

The state only ever records what itslearning confirmed, so a failed action is simply planned again next
time. Members are kept by course (a set of person keys per role), events by course as columns
(``CourseEvents``): a course whose members or events did not change then costs the planner one comparison,
whatever its size.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from functools import lru_cache, reduce
from itertools import compress
from operator import add
from typing import Any, NamedTuple

from msgspec import Struct, field, structs

from edt_import.domain.directory import PersonKey
from edt_import.domain.plan import Action, ActionType, CourseSpec, EventSpec, MemberSpec, Plan, Role, YearNode
from edt_import.domain.selection import StoredSelection

_REMOVALS = frozenset({ActionType.DELETE_COURSE, ActionType.REMOVE_MEMBER, ActionType.DELETE_EVENT})


class MemberGroup(NamedTuple):
    """One course's members: the person keys of each role, as sets (what must be in order sorts at its edge)."""

    instructors: frozenset[PersonKey] = frozenset()
    learners: frozenset[PersonKey] = frozenset()


MEMBER_GROUP_ROLES = (Role.INSTRUCTOR, Role.LEARNER)  # the order of a MemberGroup's fields
NO_MEMBERS = MemberGroup()


class StoredGroups(Mapping[str, MemberGroup]):
    """Member groups as a saved state holds them, their sizes known: a group is decoded when first read, and
    while no member changes they are written back as they were read (``stored``)."""

    __slots__ = ("_decode", "_groups", "sizes", "stored")

    def __init__(
        self, stored: object, sizes: Mapping[str, tuple[int, int]], decode: Callable[[str], MemberGroup]
    ) -> None:
        self.stored = stored
        self.sizes = sizes  # course key -> (instructors, learners)
        self._decode = decode
        self._groups: dict[str, MemberGroup] = {}

    def __getitem__(self, key: str) -> MemberGroup:
        group = self._groups.get(key)
        if group is None:
            if key not in self.sizes:
                raise KeyError(key)
            group = self._groups[key] = self._decode(key)
        return group

    def __contains__(self, key: object) -> bool:
        return key in self.sizes

    def __iter__(self) -> Iterator[str]:
        return iter(self.sizes)

    def __len__(self) -> int:
        return len(self.sizes)

    def __repr__(self) -> str:
        return f"StoredGroups({len(self)} courses)"


def member_counts(groups: Mapping[str, MemberGroup]) -> Mapping[str, tuple[int, int]]:
    """How many instructors and learners each course has (stored groups say so without being decoded)."""
    if isinstance(groups, StoredGroups):
        return groups.sizes
    return {key: (len(group.instructors), len(group.learners)) for key, group in groups.items()}


def member_key(course_key: str, person_key: str, role: Role) -> str:
    return f"{course_key}|{person_key}|{role.value}"


def member_spec(course_key: str, person_key: PersonKey, role: Role) -> MemberSpec:
    return MemberSpec(
        key=member_key(course_key, person_key, role), course_key=course_key, person_key=person_key, role=role
    )


class EventValues(NamedTuple):
    """One event of a course, as compared and stored; its key is ``{course_key}:{suffix}``."""

    suffix: str  # local date, start place[, rank]: 2025-09-01:3, 2025-09-01:3:2
    day: int  # local date, as date.toordinal()
    start: int  # UTC, seconds since the epoch
    end: int
    title: str
    rooms: tuple[str, ...]
    teachers: tuple[PersonKey, ...]
    description: str


class CourseEvents(Struct, frozen=True):
    """One course's events as columns (event i is ``suffixes[i]``, ``days[i]``, ...), in the planner's order.

    Each suffix starts with its day's ISO date and a colon (``EventValues``): the planner makes them so,
    ``event_values`` checks it, and the state's encoding keeps only what follows."""

    suffixes: tuple[str, ...] = ()
    days: tuple[int, ...] = ()
    starts: tuple[int, ...] = ()
    ends: tuple[int, ...] = ()
    titles: tuple[str, ...] = ()
    rooms: tuple[tuple[str, ...], ...] = ()
    teachers: tuple[tuple[PersonKey, ...], ...] = ()
    descriptions: tuple[str, ...] = ()

    @classmethod
    def of(cls, events: Iterable[EventValues]) -> CourseEvents:
        columns = tuple(zip(*events, strict=True))
        return cls(*columns) if columns else NO_EVENTS

    @classmethod
    def joined(cls, blocks: list[CourseEvents]) -> CourseEvents:
        """The events of ``blocks``, one after the other."""
        if len(blocks) < 2:
            return blocks[0] if blocks else NO_EVENTS
        columns = zip(*(block.columns() for block in blocks), strict=True)
        return cls(*(reduce(add, parts) for parts in columns))

    def __len__(self) -> int:
        return len(self.suffixes)

    def values(self) -> Iterator[EventValues]:
        return map(EventValues._make, zip(*self.columns(), strict=True))

    def columns(self) -> tuple[tuple[Any, ...], ...]:
        return (
            self.suffixes,
            self.days,
            self.starts,
            self.ends,
            self.titles,
            self.rooms,
            self.teachers,
            self.descriptions,
        )

    def select(self, kept: Iterable[bool]) -> CourseEvents:
        """The events whose flag is true, in order."""
        flags = tuple(kept)
        if all(flags):
            return self
        return CourseEvents(*(tuple(compress(column, flags)) for column in self.columns()))

    def split(self, today: date) -> tuple[CourseEvents, CourseEvents]:
        """The events before ``today``, and from ``today`` on."""
        first = today.toordinal()
        if not self.days or min(self.days) >= first:
            return NO_EVENTS, self
        future = tuple(map(first.__le__, self.days))
        return self.select(not f for f in future), self.select(future)

    def __add__(self, other: CourseEvents) -> CourseEvents:
        return CourseEvents.joined([block for block in (self, other) if block])

    def specs(self, course_key: str) -> Iterator[EventSpec]:
        prefix = f"{course_key}:"
        for event in self.values():
            yield EventSpec(
                key=prefix + event.suffix,
                course_key=course_key,
                title=event.title,
                start=_moment(event.start),
                end=_moment(event.end),
                local_date=_day(event.day),
                rooms=event.rooms,
                teachers=event.teachers,
                description=event.description,
            )


NO_EVENTS = CourseEvents()


def event_values(event: EventSpec) -> EventValues:
    """``event`` as its course's columns hold it; its key must extend its course key with its local date."""
    prefix = f"{event.course_key}:"
    if not event.key.startswith(prefix):
        raise ValueError("an event key extends its course key")
    suffix = event.key[len(prefix) :]
    if not suffix.startswith(f"{event.local_date.isoformat()}:"):
        raise ValueError("an event key names its local date")
    return EventValues(
        suffix=suffix,
        day=event.local_date.toordinal(),
        start=_seconds(event.start),
        end=_seconds(event.end),
        title=event.title,
        rooms=event.rooms,
        teachers=event.teachers,
        description=event.description,
    )


def _seconds(moment: datetime) -> int:
    seconds = moment.timestamp()
    if not seconds.is_integer():
        raise ValueError("event times are whole seconds")
    return int(seconds)


@lru_cache(maxsize=4096)
def _moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@lru_cache(maxsize=4096)
def _day(ordinal: int) -> date:
    return date.fromordinal(ordinal)


class StoredBlock:
    """A course's events as a saved state holds them, decoded on first read: a block nobody reads is written back
    as it was read, so an automatic import decodes and encodes only the courses that changed."""

    __slots__ = ("_decode", "_events", "size", "stored")

    def __init__(self, stored: object, size: int, decode: Callable[[object], CourseEvents]) -> None:
        self.stored = stored
        self.size = size
        self._decode = decode
        self._events: CourseEvents | None = None

    @property
    def events(self) -> CourseEvents:
        if self._events is None:
            self._events = self._decode(self.stored)
        return self._events


class EventBlocks(Mapping[str, CourseEvents]):
    """Events by course key, some maybe still as stored (``StoredBlock``): reading one decodes it."""

    __slots__ = ("_held",)

    def __init__(self, blocks: Mapping[str, CourseEvents | StoredBlock] | None = None) -> None:
        self._held: dict[str, CourseEvents | StoredBlock] = dict(blocks) if blocks else {}

    def __getitem__(self, key: str) -> CourseEvents:
        held = self._held[key]
        return held.events if isinstance(held, StoredBlock) else held

    def __contains__(self, key: object) -> bool:
        return key in self._held

    def __iter__(self) -> Iterator[str]:
        return iter(self._held)

    def __len__(self) -> int:
        return len(self._held)

    def held(self, key: str) -> CourseEvents | StoredBlock:
        """The block as held: carried into another state, a stored block is not decoded."""
        return self._held[key]

    def size(self, key: str) -> int:
        held = self._held[key]
        return held.size if isinstance(held, StoredBlock) else len(held)

    def changed(self, blocks: Mapping[str, CourseEvents]) -> EventBlocks:
        """These blocks with ``blocks`` put in their courses' place; an empty block removes its course."""
        held = dict(self._held)
        for key, block in blocks.items():
            if block:
                held[key] = block
            else:
                held.pop(key, None)
        return EventBlocks(held)

    def __repr__(self) -> str:
        return f"EventBlocks({len(self)} courses)"


class AppliedState(Struct, frozen=True, kw_only=True, eq=False):
    """The previous state: year node, courses, members and events by course key, and the IDPN mappings.

    Frozen: the sync builds the next state from what itslearning confirmed with ``recorded`` (and ``settled``,
    ``msgspec.structs.replace``). Courses, groups and event blocks are never empty. A course's fingerprint
    (``occurrences.course_fingerprint``) says that its events from ``planned_on`` on are exactly those its
    lessons give, and its members those its teachers, rosters and pupils give: a plan from that date on that
    gives the same fingerprint neither builds nor compares them.
    """

    uai: str
    year_node: YearNode | None = None
    courses: Mapping[str, CourseSpec] = field(default_factory=dict)
    member_groups: Mapping[str, MemberGroup] = field(default_factory=dict)
    course_events: EventBlocks = field(default_factory=EventBlocks)
    pronote_ids: Mapping[str, PersonKey] = field(default_factory=dict)  # IDPN -> the account it was matched to
    selection: StoredSelection | None = None  # the last manual import's selection, for the automatic ones
    fingerprints: Mapping[str, str] = field(default_factory=dict)  # course key -> its lessons' fingerprint
    planned_on: date | None = None  # the import date the fingerprints hold from

    @property
    def members(self) -> dict[str, MemberSpec]:
        """Every membership by key, each course's people sorted (built on each call: for tests)."""
        return {
            spec.key: spec
            for course_key, group in self.member_groups.items()
            for role, person_keys in zip(MEMBER_GROUP_ROLES, group, strict=True)
            for spec in (member_spec(course_key, person_key, role) for person_key in sorted(person_keys))
        }

    @property
    def events(self) -> dict[str, EventSpec]:
        """Every event by key (built on each call, as ``members``)."""
        return {spec.key: spec for course_key, block in self.course_events.items() for spec in block.specs(course_key)}

    def recorded(self, succeeded: Iterable[Action]) -> AppliedState:
        """This state with the actions itslearning confirmed folded in (what they do not touch is shared)."""
        courses: list[Action] = []
        members: dict[str, list[Action]] = {}
        events: dict[str, list[Action]] = {}
        for action in succeeded:
            target = action.target
            if isinstance(target, CourseSpec):
                courses.append(action)
            else:
                changed = members if isinstance(target, MemberSpec) else events
                changed.setdefault(target.course_key, []).append(action)
        state = self
        if courses:
            state = structs.replace(state, courses=_recorded_courses(self.courses, courses))
        if members:
            groups = dict(self.member_groups)
            for key, actions in members.items():
                group = _recorded_members(self.member_groups.get(key, NO_MEMBERS), actions)
                if any(group):
                    groups[key] = group
                else:
                    groups.pop(key, None)
            state = structs.replace(state, member_groups=groups)
        if events:
            blocks = {
                key: _recorded_events(self.course_events.get(key, NO_EVENTS), acts) for key, acts in events.items()
            }
            state = structs.replace(state, course_events=self.course_events.changed(blocks))
        # A deleted course has no fingerprint; one whose members or events changed has none until ``settled`` knows
        # that all were confirmed.
        unprinted = {action.key for action in courses if action.type in _REMOVALS} | members.keys() | events.keys()
        if unprinted:
            fingerprints = {key: f for key, f in self.fingerprints.items() if key not in unprinted}
            state = structs.replace(state, fingerprints=fingerprints)
        return state

    def settled(self, plan: Plan, *, open_courses: Collection[str]) -> AppliedState:
        """This state after a sync of ``plan``: the courses whose every member and event action was confirmed (all
        but ``open_courses``) hold its members, and its events from its import date on, and take its fingerprints;
        the others have none until a sync completes them."""
        if plan.planned_on is None:  # a part of a plan (a chunk): its whole is settled once every part is done
            return self
        fingerprints = {
            key: fingerprint
            for key, fingerprint in plan.fingerprints.items()
            if key in self.courses and key not in open_courses
        }
        return structs.replace(self, fingerprints=fingerprints, planned_on=plan.planned_on)

    def __eq__(self, other: object) -> bool:
        """Same content; a course's events in any order (the sync records them in the order confirmed)."""
        if not isinstance(other, AppliedState):
            return NotImplemented
        return self._plain_fields() == other._plain_fields() and _event_sets(self.course_events) == _event_sets(
            other.course_events
        )

    def _plain_fields(self) -> tuple[object, ...]:
        return (
            self.uai,
            self.year_node,
            dict(self.courses),
            dict(self.member_groups),
            dict(self.pronote_ids),
            self.selection,
            dict(self.fingerprints),
            self.planned_on,
        )

    __hash__ = None  # type: ignore[assignment]  # its mappings are not hashable

    def __repr__(self) -> str:
        return (
            f"AppliedState(uai={self.uai!r}, year_node={self.year_node!r}, courses={len(self.courses)}, "
            f"members={sum(len(g.instructors) + len(g.learners) for g in self.member_groups.values())}, "
            f"events={sum(map(self.course_events.size, self.course_events))}, pronote_ids={len(self.pronote_ids)})"
        )


def _recorded_courses(courses: Mapping[str, CourseSpec], actions: list[Action]) -> dict[str, CourseSpec]:
    specs = dict(courses)
    for action in actions:
        if action.type in _REMOVALS:
            specs.pop(action.key, None)
        elif isinstance(action.target, CourseSpec):
            specs[action.key] = action.target
    return specs


def _recorded_members(group: MemberGroup, actions: list[Action]) -> MemberGroup:
    by_role = {role: set(keys) for role, keys in zip(MEMBER_GROUP_ROLES, group, strict=True)}
    for action in actions:
        member = action.target
        if not isinstance(member, MemberSpec):
            raise TypeError("a member action targets a member")
        if action.type in _REMOVALS:
            by_role[member.role].discard(member.person_key)
        else:
            by_role[member.role].add(member.person_key)
    return MemberGroup(*(frozenset(by_role[role]) for role in MEMBER_GROUP_ROLES))


def _recorded_events(block: CourseEvents, actions: list[Action]) -> CourseEvents:
    held = {event.suffix: event for event in block.values()}
    for action in actions:
        if not isinstance(action.target, EventSpec):
            raise TypeError("an event action targets an event")
        event = event_values(action.target)
        if action.type in _REMOVALS:
            held.pop(event.suffix, None)
        else:
            held[event.suffix] = event
    return CourseEvents.of(held.values())


def _event_sets(blocks: Mapping[str, CourseEvents]) -> dict[str, frozenset[EventValues]]:
    return {course_key: frozenset(block.values()) for course_key, block in blocks.items()}
