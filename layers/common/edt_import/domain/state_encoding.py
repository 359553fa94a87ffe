"""The applied state as bytes: compact, versioned JSON lines, the same for the file and the S3 store.

Layout (``schema`` 6), one JSON value per line::

    {"schema": 6, "uai": "...", "year_node": [key, title, parent_key] | null,
     "planned_on": "YYYY-MM-DD" | null,
     "courses": [[key, title, code, parent_key, fingerprint | null], ...],
     "pronote_ids": {idpn: person_key, ...}, "selection": {...} | null,
     "events": [[course_key, count], ...]}
    {"courses": [course_key, ...], "people": [person_key, ...], "sizes": A, "people_refs": A}
    [texts, lists, refs A, numbers A]        (one line per course of "events", in its order)

Each ``A`` is a column of integers, ``[typecode, base64 of its little-endian bytes]`` (typecodes ``B H I q`` of
Python's ``array``). Members (second line): per course, the number of instructors then of learners (``sizes``)
and indexes into ``people``, each role's people sorted (the groups are sets: sorted, the same groups always give
the same bytes). Events: each course's line stands alone, so that a course no one read is written back as the
very bytes it was read from (``applied_state.StoredBlock``), as are the members when no plan changed them
(``applied_state.StoredGroups``, each course's people made into sets only when read): an automatic import
decodes and encodes only what changed. ``refs`` holds, event after event in each column, the
suffix past the local date and the title (indexes into ``texts``), the rooms and the teachers (into ``lists``),
the description (into ``texts``); ``numbers`` the days (ordinals), starts and ends (UTC seconds). A course's
line is checked when it is first read. ``selection`` is the last manual import's selection in its own
versioned form (``selection.StoredSelection``). Schemas 4 (one set of event columns for all courses) and 5 (one
JSON document of per-course blocks) were never deployed and are not read.
"""

from __future__ import annotations

import base64
import json
import sys
from array import array
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from itertools import accumulate, chain
from operator import itemgetter
from typing import Any, cast

from edt_import.domain.applied_state import (
    AppliedState,
    CourseEvents,
    EventBlocks,
    MemberGroup,
    StoredBlock,
    StoredGroups,
)
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import EdtImportError, ErrorCode, rejected
from edt_import.domain.plan import CourseSpec, YearNode
from edt_import.domain.selection import StoredSelection

STATE_SCHEMA = 6
_TYPECODES = ("B", "H", "I", "q")  # by growing range; refs use the unsigned ones only
_LIMITS = {"B": (0, 0xFF), "H": (0, 0xFFFF), "I": (0, 0xFFFFFFFF), "q": (-(2**63), 2**63 - 1)}
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_PAST_DATE = itemgetter(slice(10, None))  # a suffix past its ISO local date, 10 characters
_REF_COLUMNS = 5  # suffixes, titles, rooms, teachers, descriptions
_NUMBER_COLUMNS = 3  # days, starts, ends


def encode_state(state: AppliedState) -> bytes:
    node = state.year_node
    fingerprints = state.fingerprints
    blocks = state.course_events
    header = {
        "schema": STATE_SCHEMA,
        "uai": state.uai,
        "year_node": None if node is None else [node.key, node.title, node.parent_key],
        "planned_on": None if state.planned_on is None else state.planned_on.isoformat(),
        "courses": [[c.key, c.title, c.code, c.parent_key, fingerprints.get(c.key)] for c in state.courses.values()],
        "pronote_ids": state.pronote_ids,
        "selection": None if state.selection is None else state.selection.to_dict(),
        "events": [[key, blocks.size(key)] for key in blocks],
    }
    members = state.member_groups
    members_line = (
        cast("bytes", members.stored) if isinstance(members, StoredGroups) else _line(_encode_members(members))
    )
    return b"\n".join([_line(header), members_line, *(_block_line(blocks.held(key)) for key in blocks)])


def _line(value: object) -> bytes:
    return _JSON.encode(value).encode("utf-8")


def decode_state(data: bytes) -> AppliedState:
    """The state ``encode_state`` wrote; anything else is refused as ``invalid_state``."""
    lines = data.split(b"\n")
    header = _header(lines[0])
    try:
        return _state(header, lines[1:])
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise _damaged() from exc


def decode_selection(data: bytes, uai: str) -> StoredSelection | None:
    """The selection in the state ``encode_state`` wrote for ``uai``, read from its header line alone (the wizard
    reads nothing else): the members and the events are neither decoded nor checked. A header ``decode_state``
    would refuse is refused the same way, as is a state of another establishment (``another_establishment``)."""
    end = data.find(b"\n")
    header = _header(data if end < 0 else data[:end])  # not split: the rest, megabytes, is not copied
    try:
        owner = _text(header["uai"])
    except (KeyError, TypeError) as exc:
        raise _damaged() from exc
    if owner != uai:
        raise another_establishment()
    return _selection(header.get("selection"))


def another_establishment() -> Exception:
    """What a store raises for a state saved under ``uai`` that names another establishment."""
    return rejected(ErrorCode.INVALID_STATE, "The saved import state belongs to another establishment.")


def _header(line: bytes) -> dict[str, Any]:
    """The first line, a JSON object of this schema."""
    try:
        header = json.loads(line)
    except UnicodeDecodeError as exc:
        raise rejected(ErrorCode.INVALID_STATE, "The saved import state is not UTF-8 text.") from exc
    except (ValueError, RecursionError) as exc:
        raise _damaged() from exc
    if not isinstance(header, dict) or header.get("schema") != STATE_SCHEMA:
        raise rejected(ErrorCode.INVALID_STATE, "The saved import state has an unknown schema version.")
    return header


def _damaged() -> Exception:
    return rejected(ErrorCode.INVALID_STATE, "The saved import state is damaged and cannot be read.")


def _encode_members(groups: Mapping[str, MemberGroup]) -> dict[str, Any]:
    listed = [sorted(persons) for group in groups.values() for persons in group]
    people = _index(chain.from_iterable(listed))
    return {
        "courses": list(groups),
        "people": list(people),
        "sizes": _column(map(len, listed)),
        "people_refs": _column(map(people.__getitem__, chain.from_iterable(listed)), len(people)),
    }


def _block_line(held: CourseEvents | StoredBlock) -> bytes:
    if isinstance(held, StoredBlock):
        return _read_line(held.stored)
    tails = list(map(_PAST_DATE, held.suffixes))  # each suffix starts with its day (``CourseEvents``)
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
    return _line([list(texts), list(lists), _column(refs, max(len(texts), len(lists))), _column(numbers)])


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


def _state(header: dict[str, Any], lines: list[bytes]) -> AppliedState:
    node = header["year_node"]
    year_node = None
    if node is not None:
        key, title, parent_key = _texts(node, 3)
        year_node = YearNode(key=key, title=title, parent_key=parent_key)
    planned_on = header["planned_on"]
    rows = header["courses"]
    if not isinstance(rows, list) or not all(isinstance(row, list) and len(row) == 5 for row in rows):
        raise ValueError("a course row of the wrong shape")
    index = _list(header["events"])
    if len(lines) != 1 + len(index):
        raise ValueError("a line per course with events")
    return AppliedState(
        uai=_text(header["uai"]),
        year_node=year_node,
        courses={
            key: CourseSpec(key=key, title=title, code=code, parent_key=parent)
            for key, title, code, parent in (_texts(row[:4], 4) for row in rows)
        },
        member_groups=_member_groups(lines[0]),
        course_events=EventBlocks(
            {_text(key): _stored_block(line, count) for (key, count), line in zip(index, lines[1:], strict=True)}
        ),
        pronote_ids={_text(idpn): PersonKey(_text(key)) for idpn, key in _mapping(header["pronote_ids"]).items()},
        selection=_selection(header.get("selection")),
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


def _member_groups(line: bytes) -> StoredGroups:
    """The members line: its sizes and references checked now, each course's people made into sets when read."""
    members = _mapping(json.loads(line))
    courses = _texts(members["courses"])
    people = _texts(members["people"])
    sizes = _numbers(members["sizes"], refs=True)
    refs = _numbers(members["people_refs"], refs=True)
    if len(sizes) != 2 * len(courses) or sum(sizes) != len(refs):
        raise ValueError("member sizes do not match")
    if refs and max(refs) >= len(people):
        raise ValueError("a member reference past the people")
    bounds = list(accumulate(sizes, initial=0))
    slices = {course: bounds[2 * i : 2 * i + 3] for i, course in enumerate(courses)}

    def group(course: str) -> MemberGroup:
        start, middle, end = slices[course]
        read = MemberGroup(
            frozenset(map(people.__getitem__, refs[start:middle])),  # type: ignore[arg-type]  # person keys are text
            frozenset(map(people.__getitem__, refs[middle:end])),  # type: ignore[arg-type]
        )
        if len(read.instructors) != middle - start or len(read.learners) != end - middle:
            raise _damaged()  # a person twice in one role: the sizes the planner counted with were wrong
        return read

    counts = {course: (sizes[2 * i], sizes[2 * i + 1]) for i, course in enumerate(courses)}
    return StoredGroups(line, counts, group)


def _stored_block(line: bytes, count: Any) -> StoredBlock:
    """A course's line, decoded when first read."""
    if type(count) is not int or count < 1:
        raise ValueError("a course with events holds some")
    return StoredBlock((line, count), count, _decoded_block)


def _read_line(stored: object) -> bytes:
    """The bytes a stored block was read from (``_stored_block``)."""
    line, _ = cast("tuple[bytes, int]", stored)
    return line


def _decoded_block(stored: Any) -> CourseEvents:
    line, count = stored
    try:
        return _course_events(json.loads(line), count)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise _damaged() from exc


def _course_events(block: Any, count: int) -> CourseEvents:
    raw_texts, raw_lists, raw_refs, raw_numbers = _list(block)
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
