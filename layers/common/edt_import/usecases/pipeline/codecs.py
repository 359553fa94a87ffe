"""JSON forms of what the steps hand each other through the working bucket: actions and directory snapshots.

Each document carries a ``schema`` version; a document of another version is refused, never guessed at.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from edt_import.domain.directory import DirectoryPerson, PersonKey, Profile, Source
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.plan import Action, ActionType, CourseSpec, EventSpec, MemberSpec, Role, YearNode

SCHEMA = 1
_COURSE_TYPES = frozenset({ActionType.CREATE_COURSE, ActionType.UPDATE_COURSE, ActionType.DELETE_COURSE})
_MEMBER_TYPES = frozenset({ActionType.ADD_MEMBER, ActionType.REMOVE_MEMBER})


def encode_actions(actions: Iterable[Action]) -> bytes:
    return _dump({"schema": SCHEMA, "actions": [[a.type.value, *_target_row(a)] for a in actions]})


def decode_actions(data: bytes) -> list[Action]:
    raw = _load(data, "actions")
    return [_action(row) for row in raw["actions"]]


def _target_row(action: Action) -> list[Any]:
    t = action.target
    if isinstance(t, CourseSpec):
        return [t.key, t.title, t.code, t.parent_key]
    if isinstance(t, MemberSpec):
        return [t.key, t.course_key, t.person_key, t.role.value]
    return [
        t.key,
        t.course_key,
        t.title,
        t.start.isoformat(),
        t.end.isoformat(),
        t.local_date.isoformat(),
        list(t.rooms),
        list(t.teachers),
        t.description,
    ]


def _action(row: Sequence[Any]) -> Action:
    kind = ActionType(row[0])
    if kind in _COURSE_TYPES:
        return Action(type=kind, target=CourseSpec(key=row[1], title=row[2], code=row[3], parent_key=row[4]))
    if kind in _MEMBER_TYPES:
        member = MemberSpec(key=row[1], course_key=row[2], person_key=PersonKey(row[3]), role=Role(row[4]))
        return Action(type=kind, target=member)
    event = EventSpec(
        key=row[1],
        course_key=row[2],
        title=row[3],
        start=datetime.fromisoformat(row[4]),
        end=datetime.fromisoformat(row[5]),
        local_date=date.fromisoformat(row[6]),
        rooms=tuple(row[7]),
        teachers=tuple(PersonKey(k) for k in row[8]),
        description=row[9],
    )
    return Action(type=kind, target=event)


def encode_year_node(node: YearNode) -> list[str]:
    return [node.key, node.title, node.parent_key]


def decode_year_node(row: Sequence[str]) -> YearNode:
    return YearNode(key=row[0], title=row[1], parent_key=row[2])


def encode_directory(persons: Iterable[DirectoryPerson]) -> bytes:
    rows = [
        [
            p.person_key,
            p.profile.value,
            p.last_name,
            p.first_name,
            p.birth_date.isoformat() if p.birth_date is not None else None,
            p.cas_id,
            p.source.value,
        ]
        for p in persons
    ]
    return _dump({"schema": SCHEMA, "persons": rows})


def decode_directory(data: bytes) -> tuple[DirectoryPerson, ...]:
    raw = _load(data, "directory snapshot")
    return tuple(
        DirectoryPerson(
            person_key=PersonKey(row[0]),
            profile=Profile(row[1]),
            last_name=row[2],
            first_name=row[3],
            birth_date=date.fromisoformat(row[4]) if row[4] is not None else None,
            cas_id=row[5],
            source=Source(row[6]),
        )
        for row in raw["persons"]
    )


def encode_document(document: dict[str, Any]) -> bytes:
    return _dump({"schema": SCHEMA, **document})


def decode_document(data: bytes, what: str) -> dict[str, Any]:
    return _load(data, what)


def _dump(value: dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _load(data: bytes, what: str) -> dict[str, Any]:
    try:
        raw = json.loads(data)
    except ValueError as exc:
        raise rejected(ErrorCode.INVALID_STATE, f"The import's {what} is not readable JSON.") from exc
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
        raise rejected(ErrorCode.INVALID_STATE, f"The import's {what} was written by another version.")
    return raw
