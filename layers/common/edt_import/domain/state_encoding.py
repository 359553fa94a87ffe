"""The applied state as bytes: one compact, versioned JSON document, the same for the file and the S3 store.

Layout (``schema`` 5)::

    {"schema": 5, "uai": "...", "year_node": [key, title, parent_key] | null,
     "planned_on": "YYYY-MM-DD" | null,
     "courses": [[key, title, code, parent_key, fingerprint | null], ...],
     "members": {"courses": [course_key, ...], "people": [person_key, ...],
                 "sizes": A, "people_refs": A},
     "events": {course_key: [count, texts, lists, refs A, numbers A], ...},
     "pronote_ids": {idpn: person_key, ...},
     "selection": {...} | null}

Each ``A`` is a column of integers, ``[typecode, base64 of its little-endian bytes]`` (typecodes ``B H I q`` of
Python's ``array``). Members: per course, the number of instructors then of learners (``sizes``) and indexes
into ``people``. Events: each course's block stands alone, so that a block no one read is written back as it was
read (``applied_state.StoredBlock``): ``refs`` holds, event after event in each column, the suffix past the local
date and the title (indexes into ``texts``), the rooms and the teachers (into ``lists``), the description (into
``texts``); ``numbers`` the days (ordinals), starts and ends (UTC seconds). A block is checked for its shape when
the state is read, and in full when it is first read. ``selection`` is the last manual import's selection in
its own versioned form (``selection.StoredSelection``). Schema 4 (one set of columns for all courses) was never
deployed and is not read.
"""

from __future__ import annotations

import base64
import json
import sys
from array import array
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from itertools import accumulate, chain, repeat
from operator import itemgetter
from typing import Any

from edt_import.domain.applied_state import AppliedState, CourseEvents, EventBlocks, MemberGroup, StoredBlock
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import EdtImportError, ErrorCode, rejected
from edt_import.domain.plan import CourseSpec, YearNode
from edt_import.domain.selection import StoredSelection

STATE_SCHEMA = 5
_TYPECODES = ("B", "H", "I", "q")  # by growing range; refs use the unsigned ones only
_LIMITS = {"B": (0, 0xFF), "H": (0, 0xFFFF), "I": (0, 0xFFFFFFFF), "q": (-(2**63), 2**63 - 1)}
_ITEM_SIZES = {typecode: array(typecode).itemsize for typecode in _TYPECODES}
_PAST_DATE = itemgetter(slice(10, None))  # an ISO date is 10 characters
_REF_COLUMNS = 5  # suffixes, titles, rooms, teachers, descriptions
_NUMBER_COLUMNS = 3  # days, starts, ends


def encode_state(state: AppliedState) -> bytes:
    node = state.year_node
    fingerprints = state.fingerprints
    document = {
        "schema": STATE_SCHEMA,
        "uai": state.uai,
        "year_node": None if node is None else [node.key, node.title, node.parent_key],
        "planned_on": None if state.planned_on is None else state.planned_on.isoformat(),
        "courses": [[c.key, c.title, c.code, c.parent_key, fingerprints.get(c.key)] for c in state.courses.values()],
        "members": _encode_members(state.member_groups),
        "events": {key: _encoded_block(state.course_events.held(key)) for key in state.course_events},
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


class _ReadGroups(dict[str, MemberGroup]):
    """Member groups as read, with the section they were read from: written back as they were while unchanged
    (states are frozen; a plan that changes no member passes the previous state's groups on)."""

    __slots__ = ("section",)

    def __init__(self, groups: dict[str, MemberGroup], section: dict[str, Any]) -> None:
        super().__init__(groups)
        self.section = section


def _encode_members(groups: Mapping[str, MemberGroup]) -> dict[str, Any]:
    if isinstance(groups, _ReadGroups):
        return groups.section
    people = _index(chain.from_iterable(chain.from_iterable(groups.values())))
    return {
        "courses": list(groups),
        "people": list(people),
        "sizes": _column(len(persons) for group in groups.values() for persons in group),
        "people_refs": _column(
            map(people.__getitem__, chain.from_iterable(chain.from_iterable(groups.values()))), len(people)
        ),
    }


def _encoded_block(held: CourseEvents | StoredBlock) -> Any:
    if isinstance(held, StoredBlock):
        return held.stored
    tails = _suffix_tails(held.suffixes, held.days)
    texts = _index(chain(tails, held.titles, held.descriptions))
    lists = _index(chain(held.rooms, held.teachers))
    text, listed = texts.__getitem__, lists.__getitem__
    refs = [
        *map(text, tails),
        *map(text, held.titles),
        *map(listed, held.rooms),
        *map(listed, held.teachers),
        *map(text, held.descriptions),
    ]
    numbers = [*held.days, *held.starts, *held.ends]
    return [len(held), list(texts), list(lists), _column(refs, max(len(texts), len(lists))), _column(numbers)]


def _suffix_tails(suffixes: tuple[str, ...], days: tuple[int, ...]) -> list[str]:
    """The suffixes past their local date (``2025-09-01:3:2`` -> ``:3:2``), which the block holds as days."""
    tails = list(map(_PAST_DATE, suffixes))
    if not all(map(str.startswith, suffixes, map(_iso, days))) or not all(map(str.startswith, tails, repeat(":"))):
        raise ValueError("an event key names its local date")
    return tails


@lru_cache(maxsize=4096)
def _iso(day: int) -> str:
    return date.fromordinal(day).isoformat()


def _index(values: Iterable[Any]) -> dict[Any, int]:
    distinct = dict.fromkeys(values)
    return dict(zip(distinct, range(len(distinct)), strict=True))


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
    planned_on = document["planned_on"]
    rows = document["courses"]
    if not isinstance(rows, list) or not all(isinstance(row, list) and len(row) == 5 for row in rows):
        raise ValueError("a course row of the wrong shape")
    return AppliedState(
        uai=_text(document["uai"]),
        year_node=year_node,
        courses={
            key: CourseSpec(key=key, title=title, code=code, parent_key=parent)
            for key, title, code, parent in (_texts(row[:4], 4) for row in rows)
        },
        member_groups=_member_groups(document["members"]),
        course_events=EventBlocks(
            {_text(key): _stored_block(block) for key, block in _mapping(document["events"]).items()}
        ),
        pronote_ids={_text(idpn): PersonKey(_text(key)) for idpn, key in _mapping(document["pronote_ids"]).items()},
        selection=_selection(document.get("selection")),
        fingerprints={row[0]: _text(row[4]) for row in rows if row[4] is not None},
        planned_on=None if planned_on is None else date.fromisoformat(_text(planned_on)),
    )


def _selection(raw: object) -> StoredSelection | None:
    if raw is None:
        return None
    try:
        return StoredSelection.from_dict(raw)
    except EdtImportError as exc:
        raise rejected(ErrorCode.INVALID_STATE, "The saved import state holds a damaged selection.") from exc


def _member_groups(members: dict[str, Any]) -> _ReadGroups:
    courses = _texts(members["courses"])
    people = _texts(members["people"])
    sizes = _numbers(members["sizes"], refs=True)
    persons = tuple(map(people.__getitem__, _numbers(members["people_refs"], refs=True)))
    if len(sizes) != 2 * len(courses) or sum(sizes) != len(persons):
        raise ValueError("member sizes do not match")
    bounds = list(accumulate(sizes, initial=0))
    groups = {
        course: MemberGroup(persons[bounds[2 * i] : bounds[2 * i + 1]], persons[bounds[2 * i + 1] : bounds[2 * i + 2]])  # type: ignore[arg-type]  # person keys are text
        for i, course in enumerate(courses)
    }
    return _ReadGroups(groups, members)


def _stored_block(block: Any) -> StoredBlock:
    """A course's block, its shape checked (its count and the length of its columns); decoded when first read."""
    if not isinstance(block, list) or len(block) != 5:
        raise ValueError("an event block of the wrong shape")
    count, _, _, refs, numbers = block
    if type(count) is not int or count < 1:
        raise ValueError("an event block holds events")
    for column, width in ((refs, _REF_COLUMNS), (numbers, _NUMBER_COLUMNS)):
        if not isinstance(column, list) or len(column) != 2 or column[0] not in _ITEM_SIZES:
            raise ValueError("unknown column type")
        if not isinstance(column[1], str) or len(column[1]) != 4 * -(-_ITEM_SIZES[column[0]] * width * count // 3):
            raise ValueError("event columns do not match the count")
    return StoredBlock(block, count, _decoded_block)


def _decoded_block(block: Any) -> CourseEvents:
    try:
        return _course_events(block)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise _damaged() from exc


def _course_events(block: list[Any]) -> CourseEvents:
    count, raw_texts, raw_lists, raw_refs, raw_numbers = block
    texts = _texts(raw_texts)
    lists = [tuple(_texts(value)) for value in _list(raw_lists)]
    refs, numbers = _numbers(raw_refs, refs=True), _numbers(raw_numbers)
    if len(refs) != _REF_COLUMNS * count or len(numbers) != _NUMBER_COLUMNS * count:
        raise ValueError("event columns do not match the count")
    days = tuple(numbers[:count])
    tails = map(texts.__getitem__, refs[:count])
    return CourseEvents(
        suffixes=tuple(map(str.__add__, map(_iso, days), tails)),
        days=days,
        starts=tuple(numbers[count : 2 * count]),
        ends=tuple(numbers[2 * count :]),
        titles=tuple(map(texts.__getitem__, refs[count : 2 * count])),
        rooms=tuple(map(lists.__getitem__, refs[2 * count : 3 * count])),
        teachers=tuple(map(lists.__getitem__, refs[3 * count : 4 * count])),  # type: ignore[arg-type]  # person keys are text
        descriptions=tuple(map(texts.__getitem__, refs[4 * count :])),
    )


def _mapping(value: Any) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise TypeError("expected an object")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


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
