"""Dated occurrences of a course's lessons: local wall time in the establishment's zone, UTC per occurrence.

Week i of a lesson falls on ``week1_monday + 7(i-1) + (day-1)``. Each occurrence is converted to UTC on its
own date so that lessons never shift by an hour across daylight-saving changes. Nothing is dated before the
import date, nor outside the school year (``DateDebut``..``DateFin``). Dates and UTC times are computed once
per slot of the grid and copied into event columns.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from msgspec import Struct, field

from edt_import.domain.applied_state import CourseEvents, EventValues
from edt_import.domain.course_rules import CourseLesson, DerivedCourse
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import ConfigError
from edt_import.domain.timetable import Ident, Lesson, Room, Timetable
from edt_import.domain.week_mask import ALL_WEEKS, MAX_WEEK, weeks_of

EVENT_TITLE_MAX = 80
# Part of every fingerprint: change it with anything in how ``course_events`` turns lessons into events, so that
# states fingerprinted before are planned in full once.
_EXPANSION_RULES = 1


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError("The time zone is not a known IANA zone name.", {"zone": name}) from exc


class UtcClock(Struct):
    """Local wall time of one zone to aware UTC, cached per (date, time): a school has few distinct ones."""

    zone: ZoneInfo
    _cache: dict[tuple[date, time], int] = field(default_factory=dict)

    def seconds(self, day: date, at: time) -> int:
        """``at`` on ``day``, local, as seconds since the epoch."""
        key = (day, at)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = int(datetime.combine(day, at, tzinfo=self.zone).astimezone(UTC).timestamp())
        return found


Presence = tuple[tuple[str, ...], tuple[PersonKey, ...]]  # room names, matched teachers' accounts


class _DatedWeeks(Struct, frozen=True):
    """One slot of the grid in some weeks, as event columns hold it (see ``CourseEvents``)."""

    suffixes: tuple[str, ...]  # "ISO date:start place"
    days: tuple[int, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]


class _LessonCast(Struct):
    """A lesson's rooms and teachers with their weeks; who is there is computed once per distinct pattern."""

    rooms: tuple[tuple[int, str], ...]
    teachers: tuple[tuple[int, PersonKey], ...]
    constant: Presence | None  # the same every week the lesson is planned (the common case)
    by_pattern: dict[int, Presence] = field(default_factory=dict)

    def present(self, week: int) -> Presence:
        if self.constant is not None:
            return self.constant
        bit = 1 << week
        pattern = 0
        for mask, _ in (*self.rooms, *self.teachers):
            pattern = (pattern << 1) | (1 if mask & bit else 0)
        found = self.by_pattern.get(pattern)
        if found is None:
            found = self.by_pattern[pattern] = _presence(self.rooms, self.teachers, bit)
        return found


def _presence(rooms: tuple[tuple[int, str], ...], teachers: tuple[tuple[int, PersonKey], ...], weeks: int) -> Presence:
    return (  # sorted and once each: an export listing the same rooms in another order changes nothing
        tuple(sorted({name for mask, name in rooms if mask & weeks})),
        tuple(sorted({key for mask, key in teachers if mask & weeks})),
    )


class LessonCalendar(Struct):
    """Per-lesson facts computed once and shared by every course the lesson feeds."""

    timetable: Timetable
    today: date
    clock: UtcClock
    teacher_keys: Mapping[Ident, PersonKey]
    _casts: dict[int, _LessonCast] = field(default_factory=dict)
    _facts: dict[int, bytes] = field(default_factory=dict)
    _days: dict[tuple[int, int], tuple[date, str]] = field(default_factory=dict)
    _slots: dict[tuple[int, int, int], tuple[list[Any], ...]] = field(default_factory=dict)
    _week_lists: dict[int, tuple[int, ...]] = field(default_factory=dict)
    _windows: dict[int, int] = field(default_factory=dict)  # by weekday

    def first_week_from_today(self, lesson: Lesson) -> int:
        """The first week whose occurrence falls on or after both the import date and the school year's start."""
        year = self.timetable.school_year
        offset = (max(self.today, year.start) - year.week1_monday).days - (lesson.day - 1)
        return max(1, -(-offset // 7) + 1)  # smallest i with 7(i-1) >= offset

    def last_week_of_year(self, lesson: Lesson) -> int:
        year = self.timetable.school_year
        offset = (year.end - year.week1_monday).days - (lesson.day - 1)
        return offset // 7 + 1  # largest i with 7(i-1) <= offset

    def weeks_to_plan(self, lesson: Lesson, weeks: int) -> int:
        """``weeks`` cut to the school year and to the import date on (bit 0 dropped)."""
        window = self._windows.get(lesson.day)
        if window is None:
            window = self._windows[lesson.day] = self._window(lesson)
        return weeks & window

    def _window(self, lesson: Lesson) -> int:
        """The weeks a lesson on this weekday may be planned in: they depend on its day alone."""
        first = self.first_week_from_today(lesson)
        last = self.last_week_of_year(lesson)
        if last < first:
            return 0
        return ALL_WEEKS & ~((1 << first) - 1) & ((1 << (last + 1)) - 1)

    def day(self, weekday: int, week: int) -> tuple[date, str]:
        """The date of ``weekday`` (1 = Monday) in school week ``week``, and its ISO text for keys."""
        found = self._days.get((weekday, week))
        if found is None:
            day = self.timetable.school_year.week1_monday + timedelta(days=7 * (week - 1) + weekday - 1)
            found = self._days[(weekday, week)] = (day, day.isoformat())
        return found

    def cast(self, lesson: Lesson) -> _LessonCast:
        found = self._casts.get(id(lesson))  # lessons live as long as the timetable
        if found is None:
            found = self._casts[id(lesson)] = self._cast_of(lesson)
        return found

    def _cast_of(self, lesson: Lesson) -> _LessonCast:
        rooms = self.timetable.rooms
        keys = self.teacher_keys
        room_links = tuple((link.weeks, rooms[link.ident].name) for link in lesson.rooms if link.ident in rooms)
        teacher_links = tuple((link.weeks, keys[link.ident]) for link in lesson.teachers if link.ident in keys)
        used = 0
        for link in (*lesson.classes, *lesson.groups):
            used |= link.weeks
        used &= ~lesson.cancelled_weeks & ALL_WEEKS
        masks = [mask & used for mask, _ in (*room_links, *teacher_links)]
        constant = all(mask in {0, used} for mask in masks)
        return _LessonCast(
            rooms=room_links,
            teachers=teacher_links,
            constant=_presence(room_links, teacher_links, used) if constant else None,
        )

    def dated_weeks(self, lesson: Lesson, weeks: int) -> _DatedWeeks:
        """The lesson's dates and UTC times in ``weeks``, shared by lessons in the same slot."""
        slot = (lesson.day, lesson.start_place, lesson.place_count)
        found = self._slots.get(slot)
        if found is None:
            found = self._slots[slot] = self._dated_slot(lesson)
        listed = self.week_list(weeks)
        return _DatedWeeks(*(tuple(map(column.__getitem__, listed)) for column in found))

    def _dated_slot(self, lesson: Lesson) -> tuple[list[Any], ...]:
        """Suffixes, days, starts and ends of the lesson's slot by school week (index 0 unused)."""
        start, end = self.times(lesson)
        dates = [self.day(lesson.day, week) for week in range(1, MAX_WEEK + 1)]
        return (
            ["", *(f"{text}:{lesson.start_place}" for _, text in dates)],
            [0, *(day.toordinal() for day, _ in dates)],
            [0, *(self.clock.seconds(day, start) for day, _ in dates)],
            [0, *(self.clock.seconds(day, end) for day, _ in dates)],
        )

    def week_list(self, mask: int) -> tuple[int, ...]:
        found = self._week_lists.get(mask)
        if found is None:
            found = self._week_lists[mask] = tuple(weeks_of(mask))
        return found

    def times(self, lesson: Lesson) -> tuple[time, time]:
        places = self.timetable.grid.places
        return places[lesson.start_place].start, places[lesson.start_place + lesson.place_count - 1].end

    def facts(self) -> str:
        """What every course's events read besides its lessons: the zone, the year's dates, the grid's times."""
        year = self.timetable.school_year
        places = sorted(self.timetable.grid.places.items())
        facts = (
            _EXPANSION_RULES,
            marshal.version,
            self.clock.zone.key,
            year.week1_monday,
            year.start,
            year.end,
            places,
        )
        return hashlib.blake2b(repr(facts).encode(), digest_size=16).hexdigest()

    def lesson_facts(self, lesson: Lesson) -> bytes:
        """What a lesson's events read of it: its slot, cancellations, audiences' weeks, rooms and teachers."""
        found = self._facts.get(id(lesson))
        if found is None:
            rooms, keys = self.timetable.rooms, self.teacher_keys
            found = self._facts[id(lesson)] = _plain_bytes(
                (
                    lesson.day,
                    lesson.start_place,
                    lesson.place_count,
                    lesson.cancelled_weeks,
                    tuple([link.weeks for link in (*lesson.classes, *lesson.groups)]),
                    tuple([(link.weeks, rooms[link.ident].name) for link in lesson.rooms if link.ident in rooms]),
                    tuple([(link.weeks, keys[link.ident]) for link in lesson.teachers if link.ident in keys]),
                )
            )
        return found


def _plain_bytes(value: tuple[Any, ...]) -> bytes:
    """Plain values (numbers, texts, tuples) as bytes that say them unambiguously: equal values, equal bytes
    (marshal's version 0 writes no references to objects seen before, nor whether a text is interned)."""
    return marshal.dumps(value, 0)


def course_fingerprint(
    course: DerivedCourse, calendar: LessonCalendar, title: str, facts: str, members: tuple[object, ...]
) -> str:
    """A digest of all that ``course_events`` reads but the import date (``facts`` is ``calendar.facts()``) and of
    ``members`` (``membership.members_facts``): two plans of a course with the same fingerprint give the same
    members, and the same events on every date both cover."""
    lessons = course.lessons
    shared = _shares_slots(lessons)
    rooms = calendar.timetable.rooms
    digest = hashlib.blake2b(_plain_bytes((facts, title, members)), digest_size=16)
    for item in lessons:
        # The order of lessons sharing a slot ranks their keys.
        digest.update(_plain_bytes((item.weeks, slot_rank(item, rooms) if shared else None)))
        digest.update(calendar.lesson_facts(item.lesson))
    return digest.hexdigest()


def _shares_slots(lessons: Sequence[CourseLesson]) -> bool:
    return len({(item.lesson.day, item.lesson.start_place) for item in lessons}) < len(lessons)


def course_events(course: DerivedCourse, calendar: LessonCalendar, title: str) -> CourseEvents:
    """The course's events from the import date on, lesson by lesson, keyed ``course_key:local_date:start_place``.

    Two lessons of one course on the same date and start place get ``:2``, ``:3``... in the order of what they
    are (``slot_rank``), never of where they sit in the file: adding or removing an unrelated lesson, or an
    export listing the lessons in another order, keeps every key on the same occurrence.
    """
    lessons = course.lessons
    shared_slots = _shares_slots(lessons)
    if shared_slots:
        room_table = calendar.timetable.rooms
        lessons = tuple(sorted(lessons, key=lambda item: slot_rank(item, room_table)))
    blocks: list[CourseEvents] = []
    taken: set[str] = set()
    for item in lessons:
        lesson = item.lesson
        weeks = calendar.weeks_to_plan(lesson, item.weeks)
        if not weeks:
            continue
        cast = calendar.cast(lesson)
        dated = calendar.dated_weeks(lesson, weeks)
        if cast.constant is not None and not shared_slots:  # the common case: whole columns at once
            rooms, teachers = cast.constant
            count = len(dated.suffixes)
            blocks.append(
                CourseEvents(
                    suffixes=dated.suffixes,
                    days=dated.days,
                    starts=dated.starts,
                    ends=dated.ends,
                    titles=(title,) * count,
                    rooms=(rooms,) * count,
                    teachers=(teachers,) * count,
                    descriptions=(event_description(rooms),) * count,
                )
            )
            continue
        events = []
        for week, dated_suffix, day, start, end in zip(
            calendar.week_list(weeks), dated.suffixes, dated.days, dated.starts, dated.ends, strict=True
        ):
            rooms, teachers = cast.present(week)
            suffix = _free(dated_suffix, taken)
            events.append(EventValues(suffix, day, start, end, title, rooms, teachers, event_description(rooms)))
        blocks.append(CourseEvents.of(events))
    return CourseEvents.joined(blocks)


def _free(suffix: str, taken: set[str]) -> str:
    """``suffix``, or the first of ``suffix:2``, ``suffix:3``... not taken yet (now taken)."""
    number = 1
    while (ranked := suffix if number == 1 else f"{suffix}:{number}") in taken:
        number += 1
    taken.add(ranked)
    return ranked


def slot_rank(
    item: CourseLesson, rooms: Mapping[Ident, Room]
) -> tuple[int, tuple[str, ...], tuple[str, ...], int, int]:
    """What orders lessons sharing a slot: length, room names, teachers, the course's weeks; the export position
    only for lessons alike in all of these (their events are then alike too, whichever key each gets)."""
    lesson = item.lesson
    return (
        lesson.place_count,
        tuple(sorted(rooms[link.ident].name if link.ident in rooms else "" for link in lesson.rooms)),
        tuple(sorted(link.ident for link in lesson.teachers)),
        item.weeks,
        lesson.index,
    )


def event_title(course_title: str) -> str:
    return course_title[:EVENT_TITLE_MAX]


def event_description(rooms: tuple[str, ...]) -> str:
    return f"Salle : {', '.join(rooms)}" if rooms else ""
