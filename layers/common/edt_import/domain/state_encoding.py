"""The applied state as bytes: one compact, versioned JSON document, the same for the file and the S3 store.

Layout (``schema`` 4)::

    {"schema": 4, "uai": "...", "year_node": [key, title, parent_key] | null,
     "courses": [[key, title, code, parent_key], ...],
     "members": {"courses": [course_key, ...], "people": [person_key, ...],
                 "sizes": A, "people_refs": A},
     "events": {"courses": [course_key, ...], "sizes": A, "texts": [...], "lists": [[...], ...],
                "suffixes": [...], "suffix_refs": A, "days": A, "starts": A, "ends": A,
                "titles": A, "rooms": A, "teachers": A, "descriptions": A},
     "pronote_ids": {idpn: person_key, ...},
     "selection": {...} | null}

Each ``A`` is a column of integers for every course in turn, ``[typecode, base64 of its little-endian
bytes]`` (typecodes ``B H I q`` of Python's ``array``). Members: per course, the number of instructors then
of learners (``sizes``) and indexes into ``people``. Events: per course their number (``sizes``); suffixes,
titles and descriptions, rooms and teachers are indexes into ``suffixes``, ``texts`` and ``lists``; days are
ordinals, starts and ends UTC seconds. Each distinct text is thus written once, and reading and writing a
large school's state stays in C rather than in a JSON number per value (benchmarks/plan_bench.py).
``selection`` is the last manual import's selection in its own versioned form (``selection.StoredSelection``),
absent or null when none was recorded.
"""

from __future__ import annotations

import base64
import json
import sys
from array import array
from collections.abc import Iterable
from itertools import accumulate, chain
from operator import attrgetter
from typing import Any

from edt_import.domain.applied_state import AppliedState, CourseEvents, MemberGroup
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import EdtImportError, ErrorCode, rejected
from edt_import.domain.plan import CourseSpec, YearNode
from edt_import.domain.selection import StoredSelection

STATE_SCHEMA = 4
_TYPECODES = ("B", "H", "I", "q")  # by growing range; refs use the unsigned ones only
_LIMITS = {"B": (0, 0xFF), "H": (0, 0xFFFF), "I": (0, 0xFFFFFFFF), "q": (-(2**63), 2**63 - 1)}


def encode_state(state: AppliedState) -> bytes:
    node = state.year_node
    document = {
        "schema": STATE_SCHEMA,
        "uai": state.uai,
        "year_node": None if node is None else [node.key, node.title, node.parent_key],
        "courses": [[c.key, c.title, c.code, c.parent_key] for c in state.courses.values()],
        "members": _encode_members(state.member_groups),
        "events": _encode_events(state.course_events),
        "pronote_ids": state.pronote_ids,
        "selection": None if state.selection is None else state.selection.to_dict(),
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


def _encode_members(groups: dict[str, MemberGroup]) -> dict[str, Any]:
    people = _index(chain.from_iterable(chain.from_iterable(groups.values())))
    return {
        "courses": list(groups),
        "people": list(people),
        "sizes": _column(len(persons) for group in groups.values() for persons in group),
        "people_refs": _column(
            map(people.__getitem__, chain.from_iterable(chain.from_iterable(groups.values()))), len(people)
        ),
    }


def _encode_events(blocks: dict[str, CourseEvents]) -> dict[str, Any]:
    def joined(name: str) -> Iterable[Any]:
        return chain.from_iterable(map(attrgetter(name), blocks.values()))

    suffixes = _index(joined("suffixes"))
    texts = _index(chain(joined("titles"), joined("descriptions")))
    lists = _index(chain(joined("rooms"), joined("teachers")))
    return {
        "courses": list(blocks),
        "sizes": _column(map(len, blocks.values())),
        "texts": list(texts),
        "lists": list(lists),
        "suffixes": list(suffixes),
        "suffix_refs": _column(map(suffixes.__getitem__, joined("suffixes")), len(suffixes)),
        "days": _column(joined("days")),
        "starts": _column(joined("starts")),
        "ends": _column(joined("ends")),
        "titles": _column(map(texts.__getitem__, joined("titles")), len(texts)),
        "rooms": _column(map(lists.__getitem__, joined("rooms")), len(lists)),
        "teachers": _column(map(lists.__getitem__, joined("teachers")), len(lists)),
        "descriptions": _column(map(texts.__getitem__, joined("descriptions")), len(texts)),
    }


def _index(values: Iterable[Any]) -> dict[Any, int]:
    return {value: i for i, value in enumerate(dict.fromkeys(values))}


def _column(values: Iterable[int], below: int | None = None) -> list[str]:
    """``values``, all in ``range(below)`` when given (indexes), as the smallest typecode that holds them."""
    if below is None:
        numbers = list(values)
        low, high = (min(numbers), max(numbers)) if numbers else (0, 0)
    else:
        numbers, low, high = values, 0, below  # type: ignore[assignment]
    typecode = next(t for t in _TYPECODES if _LIMITS[t][0] <= low and high <= _LIMITS[t][1])
    column = array(typecode, numbers)
    if sys.byteorder == "big":
        column.byteswap()
    return [typecode, base64.b64encode(column.tobytes()).decode("ascii")]


def _numbers(encoded: list[Any], *, refs: bool = False) -> array[int]:
    typecode, text = encoded
    if typecode not in _TYPECODES or (refs and typecode == "q"):
        raise ValueError("unknown column type")
    column = array(typecode, base64.b64decode(text, validate=True))
    if sys.byteorder == "big":
        column.byteswap()
    return column


def _state(document: dict[str, Any]) -> AppliedState:
    node = document["year_node"]
    year_node = None
    if node is not None:
        key, title, parent_key = _texts(node, 3)
        year_node = YearNode(key=key, title=title, parent_key=parent_key)
    return AppliedState(
        uai=_text(document["uai"]),
        year_node=year_node,
        courses={
            key: CourseSpec(key=key, title=title, code=code, parent_key=parent)
            for key, title, code, parent in (_texts(row, 4) for row in document["courses"])
        },
        member_groups=_member_groups(document["members"]),
        course_events=_course_events(document["events"]),
        pronote_ids={_text(idpn): PersonKey(_text(key)) for idpn, key in document["pronote_ids"].items()},
        selection=_selection(document.get("selection")),
    )


def _selection(raw: object) -> StoredSelection | None:
    if raw is None:
        return None
    try:
        return StoredSelection.from_dict(raw)
    except EdtImportError as exc:
        raise rejected(ErrorCode.INVALID_STATE, "The saved import state holds a damaged selection.") from exc


def _member_groups(members: dict[str, Any]) -> dict[str, MemberGroup]:
    courses = _texts(members["courses"])
    people = _texts(members["people"])
    sizes = _numbers(members["sizes"], refs=True)
    persons = tuple(map(people.__getitem__, _numbers(members["people_refs"], refs=True)))
    if len(sizes) != 2 * len(courses) or sum(sizes) != len(persons):
        raise ValueError("member sizes do not match")
    bounds = list(accumulate(sizes, initial=0))
    return {
        course: MemberGroup(persons[bounds[2 * i] : bounds[2 * i + 1]], persons[bounds[2 * i + 1] : bounds[2 * i + 2]])  # type: ignore[arg-type]  # person keys are text
        for i, course in enumerate(courses)
    }


def _course_events(events: dict[str, Any]) -> dict[str, CourseEvents]:
    courses = _texts(events["courses"])
    sizes = _numbers(events["sizes"], refs=True)
    texts = _texts(events["texts"])
    lists = [tuple(_texts(value)) for value in events["lists"]]
    suffixes = _texts(events["suffixes"])
    columns: list[tuple[Any, ...]] = [
        tuple(map(suffixes.__getitem__, _numbers(events["suffix_refs"], refs=True))),
        tuple(_numbers(events["days"])),
        tuple(_numbers(events["starts"])),
        tuple(_numbers(events["ends"])),
        tuple(map(texts.__getitem__, _numbers(events["titles"], refs=True))),
        tuple(map(lists.__getitem__, _numbers(events["rooms"], refs=True))),
        tuple(map(lists.__getitem__, _numbers(events["teachers"], refs=True))),
        tuple(map(texts.__getitem__, _numbers(events["descriptions"], refs=True))),
    ]
    if len(sizes) != len(courses) or 0 in sizes or any(len(column) != sum(sizes) for column in columns):
        raise ValueError("event sizes do not match")
    bounds = list(accumulate(sizes, initial=0))
    return {
        course: CourseEvents(*(column[bounds[i] : bounds[i + 1]] for column in columns))
        for i, course in enumerate(courses)
    }


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a text")
    return value


def _texts(values: Any, count: int | None = None) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise TypeError("expected a list of texts")
    if count is not None and len(values) != count:
        raise ValueError("a row of the wrong length")
    return values
