"""What the last successful syncs put into itslearning: the base every new plan is diffed against.

The state only ever records what itslearning confirmed, so a failed action is simply planned again
next time. It is saved as compact, versioned JSON (``schema``) after each sync.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.plan import Action, ActionType, CourseSpec, EventSpec, MemberSpec, Role, YearNode

STATE_SCHEMA = 1
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
        return json.dumps(
            {
                "schema": STATE_SCHEMA,
                "uai": self.uai,
                "year_node": None if self.year_node is None else _year_node_row(self.year_node),
                "courses": [[c.key, c.title, c.code, c.parent_key] for c in self.courses.values()],
                "members": [[m.course_key, m.person_key, m.role.value] for m in self.members.values()],
                "events": [_event_row(e) for e in self.events.values()],
                "pronote_ids": self.pronote_ids,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> AppliedState:
        try:
            raw = json.loads(text)
            if raw.get("schema") != STATE_SCHEMA:
                raise rejected(ErrorCode.INVALID_STATE, "The saved import state has an unknown schema version.")
            node = raw["year_node"]
            return cls(
                uai=raw["uai"],
                year_node=None if node is None else YearNode(key=node[0], title=node[1], parent_key=node[2]),
                courses={
                    row[0]: CourseSpec(key=row[0], title=row[1], code=row[2], parent_key=row[3])
                    for row in raw["courses"]
                },
                members={
                    m.key: m for m in (member_spec(row[0], PersonKey(row[1]), Role(row[2])) for row in raw["members"])
                },
                events={e.key: e for e in map(_event_from_row, raw["events"])},
                pronote_ids={str(k): PersonKey(v) for k, v in raw["pronote_ids"].items()},
            )
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
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
