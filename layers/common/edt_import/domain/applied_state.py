"""What the last successful syncs put into itslearning: the base every new plan is diffed against.

The state only ever records what itslearning confirmed, so a failed action is simply planned again
next time. It is saved as compact, versioned JSON (``schema``) after each sync.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.plan import Action, ActionType, CourseSpec, EventSpec, MemberSpec, Role, YearNode

STATE_SCHEMA = 2
_SCHEMA_V1 = 1  # one row per member and per event; still read
_ROLES = (Role.INSTRUCTOR, Role.LEARNER)
_REMOVALS = frozenset({ActionType.DELETE_COURSE, ActionType.REMOVE_MEMBER, ActionType.DELETE_EVENT})


@dataclass(slots=True, kw_only=True)
class AppliedState:
    uai: str
    year_node: YearNode | None = None
    courses: dict[str, CourseSpec] = field(default_factory=dict)
    members: dict[str, MemberSpec] = field(default_factory=dict)
    events: dict[str, EventSpec] = field(default_factory=dict)
    pronote_ids: dict[str, PersonKey] = field(default_factory=dict)  # IDPN -> the account it was matched to

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

    def to_json(self) -> str:
        """Compact JSON: members grouped by course, events by course with shared values interned."""
        return json.dumps(
            {
                "schema": STATE_SCHEMA,
                "uai": self.uai,
                "year_node": None if self.year_node is None else _year_node_row(self.year_node),
                "courses": [[c.key, c.title, c.code, c.parent_key] for c in self.courses.values()],
                "members": _members_rows(self.members.values()),
                "events": _EventPacker().pack(self.events.values()),
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
            if schema == _SCHEMA_V1:
                members = {
                    m.key: m for m in (member_spec(row[0], PersonKey(row[1]), Role(row[2])) for row in raw["members"])
                }
                events = {e.key: e for e in map(_event_from_row, raw["events"])}
            else:
                members = _members_from_rows(raw["members"])
                events = _unpack_events(raw["events"])
            return cls(
                uai=raw["uai"],
                year_node=None if node is None else YearNode(key=node[0], title=node[1], parent_key=node[2]),
                courses={
                    row[0]: CourseSpec(key=row[0], title=row[1], code=row[2], parent_key=row[3])
                    for row in raw["courses"]
                },
                members=members,
                events=events,
                pronote_ids={str(k): PersonKey(v) for k, v in raw["pronote_ids"].items()},
            )
        except (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise rejected(ErrorCode.INVALID_STATE, "The saved import state is damaged and cannot be read.") from exc


def member_key(course_key: str, person_key: str, role: Role) -> str:
    return f"{course_key}|{person_key}|{role.value}"


def member_spec(course_key: str, person_key: PersonKey, role: Role) -> MemberSpec:
    return MemberSpec(
        key=member_key(course_key, person_key, role), course_key=course_key, person_key=person_key, role=role
    )


def _year_node_row(node: YearNode) -> list[str]:
    return [node.key, node.title, node.parent_key]


def _event_row(event: EventSpec) -> list[Any]:
    return [
        event.key,
        event.course_key,
        event.title,
        event.start.isoformat(),
        event.end.isoformat(),
        event.local_date.isoformat(),
        list(event.rooms),
        list(event.teachers),
        event.description,
    ]


def _event_from_row(row: list[Any]) -> EventSpec:
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


def _members_rows(members: Iterable[MemberSpec]) -> dict[str, list[list[str]]]:
    """``{course_key: [instructor keys, learner keys]}``."""
    rows: dict[str, list[list[str]]] = {}
    for member in members:
        row = rows.get(member.course_key)
        if row is None:
            row = rows[member.course_key] = [[], []]
        row[_ROLES.index(member.role)].append(member.person_key)
    return rows


def _members_from_rows(rows: dict[str, list[list[str]]]) -> dict[str, MemberSpec]:
    members: dict[str, MemberSpec] = {}
    for course_key, by_role in rows.items():
        for role, person_keys in zip(_ROLES, by_role, strict=True):
            for person_key in person_keys:
                key = member_key(course_key, person_key, role)
                members[key] = MemberSpec(key=key, course_key=course_key, person_key=PersonKey(person_key), role=role)
    return members


class _EventPacker:
    """Events grouped by course: ``{"values": [...], "courses": {course_key: [row, ...]}}``.

    A row is ``[key suffix, start, end, local date, rooms, teachers, title, description]`` where start and end
    are UTC seconds since the epoch, the date a proleptic ordinal, and the last four indexes into ``values``
    (rooms and teachers are lists there). A key that does not extend its course key is stored whole after "!".
    """

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._index: dict[Any, int] = {}

    def _ref(self, value: str | tuple[str, ...]) -> int:
        found = self._index.get(value)
        if found is None:
            found = self._index[value] = len(self.values)
            self.values.append(list(value) if isinstance(value, tuple) else value)
        return found

    def pack(self, events: Iterable[EventSpec]) -> dict[str, Any]:
        courses: dict[str, list[list[Any]]] = {}
        ref = self._ref
        for event in events:
            prefix = f"{event.course_key}:"
            suffix = event.key[len(prefix) :] if event.key.startswith(prefix) else f"!{event.key}"
            courses.setdefault(event.course_key, []).append(
                [
                    suffix,
                    _epoch_seconds(event.start),
                    _epoch_seconds(event.end),
                    event.local_date.toordinal(),
                    ref(("r", *event.rooms)),
                    ref(("t", *event.teachers)),
                    ref(event.title),
                    ref(event.description),
                ]
            )
        return {"values": self.values, "courses": courses}


def _epoch_seconds(moment: datetime) -> float:
    seconds = moment.timestamp()
    return int(seconds) if seconds.is_integer() else seconds


def _unpack_events(packed: dict[str, Any]) -> dict[str, EventSpec]:
    values: list[Any] = [tuple(value[1:]) if isinstance(value, list) else value for value in packed["values"]]
    moments: dict[float, datetime] = {}
    days: dict[int, date] = {}
    events: dict[str, EventSpec] = {}
    for course_key, rows in packed["courses"].items():
        prefix = f"{course_key}:"
        for suffix, start, end, day, rooms, teachers, title, description in rows:
            key = suffix[1:] if suffix.startswith("!") else prefix + suffix
            start_at = moments.get(start)
            if start_at is None:
                start_at = moments[start] = datetime.fromtimestamp(start, UTC)
            end_at = moments.get(end)
            if end_at is None:
                end_at = moments[end] = datetime.fromtimestamp(end, UTC)
            local_date = days.get(day)
            if local_date is None:
                local_date = days[day] = date.fromordinal(day)
            events[key] = EventSpec(
                key=key,
                course_key=course_key,
                title=values[title],
                start=start_at,
                end=end_at,
                local_date=local_date,
                rooms=values[rooms],
                teachers=values[teachers],
                description=values[description],
            )
    return events
