"""What the last successful syncs put into itslearning: the base every new plan is diffed against.

The state only ever records what itslearning confirmed, so a failed action is simply planned again
next time. It is saved as compact, versioned JSON (``schema``) after each sync.

A large school's state holds ~170k memberships and ~110k events. Loading it keeps them as plain tuples
(``member_rows()``, ``event_rows()``), which is all the planner needs; ``members`` and ``events`` build
the spec objects only when first touched (the sync, ``record``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.plan import Action, ActionType, CourseSpec, EventSpec, MemberSpec, Role, YearNode

STATE_SCHEMA = 3
_SCHEMA_V1 = 1  # one row per member and per event; still read
MEMBER_GROUP_ROLES = (Role.INSTRUCTOR, Role.LEARNER)  # the order of the two lists of a MemberGroup
_REMOVALS = frozenset({ActionType.DELETE_COURSE, ActionType.REMOVE_MEMBER, ActionType.DELETE_EVENT})

MemberRow = tuple[str, PersonKey, Role]  # course_key, person_key, role
MemberGroup = tuple[tuple[PersonKey, ...], tuple[PersonKey, ...]]  # one course's instructors, learners
# course_key, title, start, end, local_date, rooms, teachers, description
EventRow = tuple[str, str, datetime, datetime, date, tuple[str, ...], tuple[PersonKey, ...], str]


class AppliedState:
    """The previous state: year node, courses, members and events by key, and the IDPN mappings."""

    __slots__ = ("_event_rows", "_events", "_member_groups", "_members", "courses", "pronote_ids", "uai", "year_node")

    def __init__(
        self,
        *,
        uai: str,
        year_node: YearNode | None = None,
        courses: dict[str, CourseSpec] | None = None,
        members: dict[str, MemberSpec] | None = None,
        events: dict[str, EventSpec] | None = None,
        pronote_ids: dict[str, PersonKey] | None = None,  # IDPN -> the account it was matched to
    ) -> None:
        self.uai = uai
        self.year_node = year_node
        self.courses: dict[str, CourseSpec] = courses if courses is not None else {}
        self.pronote_ids: dict[str, PersonKey] = pronote_ids if pronote_ids is not None else {}
        self._members: dict[str, MemberSpec] | None = members if members is not None else {}
        self._events: dict[str, EventSpec] | None = events if events is not None else {}
        self._member_groups: dict[str, MemberGroup] | None = None
        self._event_rows: dict[str, EventRow] | None = None

    @classmethod
    def from_rows(
        cls,
        *,
        uai: str,
        year_node: YearNode | None,
        courses: dict[str, CourseSpec],
        member_groups: dict[str, MemberGroup],
        event_rows: dict[str, EventRow],
        pronote_ids: dict[str, PersonKey],
    ) -> AppliedState:
        """A state over plain values (members by course, events by key); specs are built on first use."""
        state = cls(uai=uai, year_node=year_node, courses=courses, pronote_ids=pronote_ids)
        state._members, state._member_groups = None, member_groups
        state._events, state._event_rows = None, event_rows
        return state

    @property
    def members(self) -> dict[str, MemberSpec]:
        if self._members is None:
            self._members = {
                key: MemberSpec(key=key, course_key=row[0], person_key=row[1], role=row[2])
                for key, row in self.member_rows().items()
            }
            self._member_groups = None  # the dict may now change: groups would go stale
        return self._members

    @members.setter
    def members(self, value: dict[str, MemberSpec]) -> None:
        self._members, self._member_groups = value, None

    @property
    def events(self) -> dict[str, EventSpec]:
        if self._events is None:
            rows = self._event_rows or {}
            self._events = {key: event_from_row(key, row) for key, row in rows.items()}
            self._event_rows = None
        return self._events

    @events.setter
    def events(self, value: dict[str, EventSpec]) -> None:
        self._events, self._event_rows = value, None

    def member_groups(self) -> Mapping[str, MemberGroup]:
        """Members by course key, without building specs (read only; person keys sorted)."""
        if self._members is None:
            return self._member_groups or {}
        groups: dict[str, tuple[list[PersonKey], list[PersonKey]]] = {}
        for member in self._members.values():
            lists = groups.setdefault(member.course_key, ([], []))
            lists[0 if member.role is Role.INSTRUCTOR else 1].append(member.person_key)
        return {course: (tuple(sorted(t)), tuple(sorted(s))) for course, (t, s) in groups.items()}

    def member_rows(self) -> dict[str, MemberRow]:
        """Members as plain rows by member key, without building specs."""
        if self._members is not None:
            return {key: (m.course_key, m.person_key, m.role) for key, m in self._members.items()}
        rows: dict[str, MemberRow] = {}
        for course_key, by_role in (self._member_groups or {}).items():
            for role, person_keys in zip(MEMBER_GROUP_ROLES, by_role, strict=True):
                suffix = f"|{role.value}"
                for person_key in person_keys:
                    rows[f"{course_key}|{person_key}{suffix}"] = (course_key, person_key, role)
        return rows

    def event_rows(self) -> Mapping[str, EventRow]:
        """Events as plain rows, without building specs (read only)."""
        if self._events is None:
            return self._event_rows or {}
        return {key: event_row(e) for key, e in self._events.items()}

    def record(self, succeeded: Iterable[Action]) -> None:
        """Fold actions itslearning confirmed into the state."""
        for action in succeeded:
            table: dict[str, Any] = self._table_of(action.target)
            if action.type in _REMOVALS:
                table.pop(action.key, None)
            else:
                table[action.key] = action.target

    def _table_of(self, target: CourseSpec | MemberSpec | EventSpec) -> dict[str, Any]:
        if isinstance(target, CourseSpec):
            return self.courses
        if isinstance(target, MemberSpec):
            return self.members
        return self.events

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AppliedState):
            return NotImplemented
        return (
            self.uai == other.uai
            and self.year_node == other.year_node
            and self.courses == other.courses
            and self.pronote_ids == other.pronote_ids
            and self.member_rows() == other.member_rows()
            and dict(self.event_rows()) == dict(other.event_rows())
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return (
            f"AppliedState(uai={self.uai!r}, year_node={self.year_node!r}, courses={len(self.courses)}, "
            f"members={len(self.member_rows())}, events={len(self.event_rows())}, pronote_ids={len(self.pronote_ids)})"
        )

    def to_json(self) -> str:
        """Compact JSON: members grouped by course, events by course with shared values interned."""
        return json.dumps(
            {
                "schema": STATE_SCHEMA,
                "uai": self.uai,
                "year_node": None if self.year_node is None else _year_node_row(self.year_node),
                "courses": [[c.key, c.title, c.code, c.parent_key] for c in self.courses.values()],
                "members": {course: [list(t), list(s)] for course, (t, s) in self.member_groups().items()},
                "events": _EventPacker().pack(self.event_rows()),
                "pronote_ids": self.pronote_ids,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> AppliedState:
        try:
            raw = json.loads(text)
            schema = raw.get("schema")
            if schema not in {STATE_SCHEMA, _SCHEMA_V1}:
                raise rejected(ErrorCode.INVALID_STATE, "The saved import state has an unknown schema version.")
            node = raw["year_node"]
            year_node = None if node is None else YearNode(key=node[0], title=node[1], parent_key=node[2])
            courses = {
                row[0]: CourseSpec(key=row[0], title=row[1], code=row[2], parent_key=row[3]) for row in raw["courses"]
            }
            pronote_ids = {str(k): PersonKey(v) for k, v in raw["pronote_ids"].items()}
            if schema == _SCHEMA_V1:
                return cls(
                    uai=raw["uai"],
                    year_node=year_node,
                    courses=courses,
                    members={
                        m.key: m
                        for m in (member_spec(row[0], PersonKey(row[1]), Role(row[2])) for row in raw["members"])
                    },
                    events={e.key: e for e in map(_event_from_v1_row, raw["events"])},
                    pronote_ids=pronote_ids,
                )
            return cls.from_rows(
                uai=raw["uai"],
                year_node=year_node,
                courses=courses,
                member_groups={str(course): (tuple(t), tuple(s)) for course, (t, s) in raw["members"].items()},
                event_rows=_unpack_events(raw["events"]),
                pronote_ids=pronote_ids,
            )
        except (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError, RecursionError) as exc:
            raise rejected(ErrorCode.INVALID_STATE, "The saved import state is damaged and cannot be read.") from exc


def member_key(course_key: str, person_key: str, role: Role) -> str:
    return f"{course_key}|{person_key}|{role.value}"


def member_spec(course_key: str, person_key: PersonKey, role: Role) -> MemberSpec:
    return MemberSpec(
        key=member_key(course_key, person_key, role), course_key=course_key, person_key=person_key, role=role
    )


def event_row(event: EventSpec) -> EventRow:
    return (
        event.course_key,
        event.title,
        event.start,
        event.end,
        event.local_date,
        event.rooms,
        event.teachers,
        event.description,
    )


def event_from_row(key: str, row: EventRow) -> EventSpec:
    course_key, title, start, end, local_date, rooms, teachers, description = row
    return EventSpec(
        key=key,
        course_key=course_key,
        title=title,
        start=start,
        end=end,
        local_date=local_date,
        rooms=rooms,
        teachers=teachers,
        description=description,
    )


def _year_node_row(node: YearNode) -> list[str]:
    return [node.key, node.title, node.parent_key]


def _event_from_v1_row(row: list[Any]) -> EventSpec:
    return EventSpec(
        key=row[0],
        course_key=row[1],
        title=row[2],
        start=datetime.fromisoformat(row[3]),
        end=datetime.fromisoformat(row[4]),
        local_date=date.fromisoformat(row[5]),
        rooms=tuple(row[6]),
        teachers=tuple(PersonKey(t) for t in row[7]),
        description=row[8],
    )


class _EventPacker:
    """Events grouped by course: ``{"values": [...], "courses": {course_key: [row, ...]}, "other": [...]}``.

    Every distinct value is written once in ``values``, tagged by kind: a title or description as a string,
    ``["s", seconds]`` a UTC time, ``["d", ordinal]`` a local date, ``["r", *rooms]``, ``["t", *teachers]``.
    A row is ``[key suffix, start, end, local date, rooms, teachers, title, description]``, all but the suffix
    indexes into ``values``. Events whose key does not extend their course key go to ``other`` as
    ``[key, course key, ...the same indexes]``.
    """

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._index: dict[Any, int] = {}

    def _ref(self, value: Any, kind: str) -> int:
        found = self._index.get((kind, value))
        if found is None:
            found = self._index[(kind, value)] = len(self.values)
            self.values.append(_encoded(value, kind))
        return found

    def pack(self, rows: Mapping[str, EventRow]) -> dict[str, Any]:
        courses: dict[str, list[list[Any]]] = {}
        other: list[list[Any]] = []
        ref = self._ref
        for key, (course_key, title, start, end, local_date, rooms, teachers, description) in rows.items():
            refs = [
                ref(start, "s"),
                ref(end, "s"),
                ref(local_date, "d"),
                ref(rooms, "r"),
                ref(teachers, "t"),
                ref(title, ""),
                ref(description, ""),
            ]
            prefix = f"{course_key}:"
            if key.startswith(prefix):
                packed = courses.get(course_key)
                if packed is None:
                    packed = courses[course_key] = []
                packed.append([key[len(prefix) :], *refs])
            else:
                other.append([key, course_key, *refs])
        return {"values": self.values, "courses": courses, "other": other}


def _encoded(value: Any, kind: str) -> Any:
    if kind == "s":
        seconds = value.timestamp()
        return ["s", int(seconds) if seconds.is_integer() else seconds]
    if kind == "d":
        return ["d", value.toordinal()]
    if kind in {"r", "t"}:
        return [kind, *value]
    return value


def _decoded(value: Any) -> Any:
    if isinstance(value, str):
        return value
    kind = value[0]
    if kind == "s":
        return datetime.fromtimestamp(value[1], UTC)
    if kind == "d":
        return date.fromordinal(value[1])
    if kind in {"r", "t"} and all(isinstance(item, str) for item in value[1:]):
        return tuple(value[1:])
    raise ValueError("unknown value kind")


def _unpack_events(packed: dict[str, Any]) -> dict[str, EventRow]:
    v = [_decoded(value) for value in packed["values"]]
    rows: dict[str, EventRow] = {}
    for course_key, course_rows in packed["courses"].items():
        prefix = f"{course_key}:"
        rows.update(
            {
                prefix + suffix: (course_key, v[title], v[start], v[end], v[day], v[rooms], v[teachers], v[text])
                for suffix, start, end, day, rooms, teachers, title, text in course_rows
            }
        )
    for key, course_key, start, end, day, rooms, teachers, title, text in packed["other"]:
        rows[key] = (course_key, v[title], v[start], v[end], v[day], v[rooms], v[teachers], v[text])
    return rows
