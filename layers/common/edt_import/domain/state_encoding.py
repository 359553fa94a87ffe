"""The applied state as bytes: compact, versioned JSON, the same for the file store and the S3 store.

Layout (``schema`` 4)::

    {"schema": 4, "uai": "...", "year_node": [key, title, parent_key] | null,
     "courses": [[key, title, code, parent_key], ...],
     "members": {course_key: [[instructor, ...], [learner, ...]], ...},
     "events": {"texts": [...], "lists": [[...], ...],
                "courses": {course_key: [suffixes, days, starts, ends, titles, rooms, teachers, descriptions]}},
     "pronote_ids": {idpn: person_key, ...}}

Events are stored by course as the columns of ``CourseEvents``; titles and descriptions are indexes into
``texts``, rooms and teachers into ``lists``, so each distinct value is written once. Columns keep the
decoding in the JSON parser: a large school's state (110k events) is read and written in a few hundredths of
a second, where a row per event took tenths.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from edt_import.domain.applied_state import AppliedState, CourseEvents, MemberGroup
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.plan import CourseSpec, YearNode

STATE_SCHEMA = 4


def encode_state(state: AppliedState) -> bytes:
    blocks = state.course_events.values()
    texts = _index(chain.from_iterable(chain(b.titles, b.descriptions) for b in blocks))
    lists = _index(chain.from_iterable(chain(b.rooms, b.teachers) for b in blocks))
    node = state.year_node
    document = {
        "schema": STATE_SCHEMA,
        "uai": state.uai,
        "year_node": None if node is None else [node.key, node.title, node.parent_key],
        "courses": [[c.key, c.title, c.code, c.parent_key] for c in state.courses.values()],
        "members": state.member_groups,
        "events": {
            "texts": list(texts),
            "lists": list(lists),
            "courses": {
                course_key: [
                    block.suffixes,
                    block.days,
                    block.starts,
                    block.ends,
                    [*map(texts.__getitem__, block.titles)],
                    [*map(lists.__getitem__, block.rooms)],
                    [*map(lists.__getitem__, block.teachers)],
                    [*map(texts.__getitem__, block.descriptions)],
                ]
                for course_key, block in state.course_events.items()
            },
        },
        "pronote_ids": state.pronote_ids,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_state(data: bytes) -> AppliedState:
    """The state ``encode_state`` wrote; anything else is refused as ``invalid_state``."""
    try:
        document = json.loads(data)
    except UnicodeDecodeError as exc:
        raise rejected(ErrorCode.INVALID_STATE, "The saved import state is not UTF-8 text.") from exc
    except (ValueError, RecursionError) as exc:
        raise _damaged() from exc
    if not isinstance(document, dict) or document.get("schema") != STATE_SCHEMA:
        raise rejected(ErrorCode.INVALID_STATE, "The saved import state has an unknown schema version.")
    try:
        return _state(document)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise _damaged() from exc


def _damaged() -> Exception:
    return rejected(ErrorCode.INVALID_STATE, "The saved import state is damaged and cannot be read.")


def _index(values: Iterable[Any]) -> dict[Any, int]:
    return {value: i for i, value in enumerate(dict.fromkeys(values))}


def _state(document: dict[str, Any]) -> AppliedState:
    node = document["year_node"]
    year_node = None
    if node is not None:
        key, title, parent_key = _texts(node, 3)
        year_node = YearNode(key=key, title=title, parent_key=parent_key)
    events = document["events"]
    texts = _all_of(str, events["texts"])
    lists = tuple(tuple(_all_of(str, value)) for value in _all_of(list, events["lists"]))
    return AppliedState(
        uai=_all_of(str, [document["uai"]])[0],
        year_node=year_node,
        courses={
            key: CourseSpec(key=key, title=title, code=code, parent_key=parent)
            for key, title, code, parent in (_texts(row, 4) for row in document["courses"])
        },
        member_groups={
            _all_of(str, [course])[0]: MemberGroup(*(tuple(_all_of(str, keys)) for keys in _pair(group)))
            for course, group in document["members"].items()
        },
        course_events={
            _all_of(str, [course])[0]: _course_events(columns, texts, lists)
            for course, columns in events["courses"].items()
        },
        pronote_ids={
            _all_of(str, [idpn])[0]: PersonKey(_all_of(str, [key])[0]) for idpn, key in document["pronote_ids"].items()
        },
    )


def _course_events(columns: Sequence[Any], texts: Sequence[str], lists: Sequence[tuple[str, ...]]) -> CourseEvents:
    suffixes, days, starts, ends, titles, rooms, teachers, descriptions = columns
    if not suffixes or len({len(column) for column in columns}) != 1:
        raise ValueError("event columns of unequal lengths")
    for refs in (titles, rooms, teachers, descriptions):
        if min(_all_of(int, refs)) < 0:
            raise ValueError("negative value index")
    return CourseEvents(
        suffixes=tuple(_all_of(str, suffixes)),
        days=tuple(_all_of(int, days)),
        starts=tuple(_all_of(int, starts)),
        ends=tuple(_all_of(int, ends)),
        titles=tuple(map(texts.__getitem__, titles)),
        rooms=tuple(map(lists.__getitem__, rooms)),
        teachers=tuple(map(lists.__getitem__, teachers)),  # type: ignore[arg-type]  # person keys are text
        descriptions=tuple(map(texts.__getitem__, descriptions)),
    )


def _all_of(kind: type, values: list[Any]) -> list[Any]:
    if not isinstance(values, list) or not set(map(type, values)) <= {kind}:
        raise TypeError(f"expected a list of {kind.__name__}")
    return values


def _texts(row: list[Any], count: int) -> list[str]:
    if len(_all_of(str, row)) != count:
        raise ValueError("a row of the wrong length")
    return row


def _pair(group: list[Any]) -> list[Any]:
    if len(_all_of(list, group)) != 2:
        raise ValueError("a member group is two lists")
    return group
