"""Builds a plausible weekly timetable: classes, parts, groups, pupils, then lessons placed without clashes.

Everything random comes from the one ``random.Random`` passed in, and nothing iterates a set of strings,
so a seed always yields the same timetable.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date

from msgspec import Struct, field

from edt_import.domain.timetable import (
    CasId,
    ClassPart,
    Establishment,
    Group,
    Ident,
    Lesson,
    LessonLink,
    Membership,
    PronoteId,
    Room,
    SchoolClass,
    Sex,
    Student,
    Subject,
    Teacher,
    Timetable,
    Uai,
)
from edt_import.domain.week_mask import WeekMask, mask_of
from edt_import.generator import curriculum
from edt_import.generator.curriculum import Mode, Teaching
from edt_import.generator.french_names import pick_first_name, pick_last_name
from edt_import.generator.school_calendar import (
    GRID,
    PLACES_PER_DAY,
    SCHOOL_WEEKS,
    SCHOOL_YEAR,
    WEDNESDAY,
    WEDNESDAY_LAST_PLACE,
    WEEK_A,
    WEEK_B,
    WORKING_DAYS,
    YEAR_MASK,
    school_weeks_between,
)

EXPORT_VERSION = "1.1"
TERMINALE_MASK: WeekMask = school_weeks_between(1, 42)  # terminale lessons stop for the June exams
MOVE_EXIT = date(2027, 1, 29)
MOVE_ENTRY = date(2027, 2, 1)
LATE_ENTRY = date(2026, 11, 9)
EARLY_EXIT = date(2027, 3, 12)
STAGE_3E_WEEK = 20  # the 3e observation internship
BAC_BLANC_WEEK = 24

Slot = tuple[int, int]  # (day, start place)


class SchoolSpec(Struct, frozen=True, kw_only=True):
    """One establishment of the export: its levels and how many classes each has."""

    uai: Uai
    name: str
    college: bool
    classes_per_level: tuple[tuple[str, int], ...]
    pupils_per_class: tuple[int, int]
    support_scheme: str  # ULIS (collège) or UPE2A (lycée)


class _ClassDraft(Struct, kw_only=True):
    ident: Ident
    name: str
    level: str
    college: bool
    lunch: int
    establishment: Ident | None
    support: bool = False
    halves: tuple[Ident, Ident] | None = None
    languages: dict[str, Ident] = field(default_factory=dict)  # LV2 code -> class part
    extra_parts: list[Ident] = field(default_factory=list)
    pupils: list[_StudentDraft] = field(default_factory=list)


class _StudentDraft(Struct, kw_only=True):
    ident: Ident
    last_name: str
    first_name: str
    birth_date: date
    sex: Sex
    national_id: str
    pronote_id: PronoteId | None
    cas_id: CasId | None
    classes: list[Membership] = field(default_factory=list)
    class_parts: list[Membership] = field(default_factory=list)
    language: str = "ESP2"
    half: int = 0


class _GroupDraft(Struct, kw_only=True):
    ident: Ident
    name: str
    classes: list[Ident] = field(default_factory=list)
    parts: list[Ident] = field(default_factory=list)
    students: list[Ident] = field(default_factory=list)


class _LessonDraft(Struct, kw_only=True):
    day: int
    start: int
    count: int
    subject: Ident
    level: str
    teachers: list[LessonLink] = field(default_factory=list)
    classes: list[LessonLink] = field(default_factory=list)
    parts: list[LessonLink] = field(default_factory=list)
    groups: list[LessonLink] = field(default_factory=list)
    rooms: list[LessonLink] = field(default_factory=list)
    cancelled: WeekMask = 0


class _Support(Struct, kw_only=True):
    """ULIS / UPE2A: a class of its own whose parts join chosen lessons of host classes."""

    school_class: _ClassDraft
    part_by_host: dict[Ident, Ident]  # host class -> the scheme's part joining its lessons
    subjects: tuple[str, ...]


class TimetableBuilder:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._next: dict[str, int] = {
            "subject": 101,
            "teacher": 2001,
            "class": 301,
            "part": 5001,
            "group": 701,
            "room": 801,
            "student": 10001,
        }
        self._subjects: dict[str, Subject] = {}
        for code, label in curriculum.SUBJECTS:
            ident = self._ident("subject")
            self._subjects[code] = Subject(ident=ident, code=code, label=label)
        self._teachers: dict[Ident, Teacher] = {}
        self._teacher_subject: dict[Ident, str] = {}
        self._teacher_load: dict[Ident, int] = {}
        self._teachers_by_subject: dict[str, list[Ident]] = {}
        self._classes: list[_ClassDraft] = []
        self._parts: dict[Ident, ClassPart] = {}
        self._groups: list[_GroupDraft] = []
        self._rooms: dict[Ident, Room] = {}
        self._rooms_by_kind: dict[str, list[Ident]] = {}
        self._lessons: list[_LessonDraft] = []
        self._busy: set[tuple[str, int, int]] = set()
        self._establishments: dict[Ident, Establishment] = {}
        self._used_ids: set[str] = set()
        self._half_groups: dict[Ident, Ident] = {}  # class part -> its group

    # ----------------------------------------------------------------- idents and people

    def _ident(self, kind: str) -> Ident:
        value = self._next[kind]
        self._next[kind] = value + 1
        return Ident(str(value))

    def _unique(self, make: str, width: int) -> str:
        while True:
            value = make + "".join(self._rng.choice("0123456789") for _ in range(width))
            if value not in self._used_ids:
                self._used_ids.add(value)
                return value

    def _new_teacher(self, subject: str) -> Ident:
        rng = self._rng
        ident = self._ident("teacher")
        female = rng.random() < 0.6
        has_birth = rng.random() < 0.7
        teacher = Teacher(
            ident=ident,
            last_name=pick_last_name(rng),
            first_name=pick_first_name(rng, female=female),
            birth_date=date(rng.randint(1962, 1998), rng.randint(1, 12), rng.randint(1, 28)) if has_birth else None,
            sts_id=self._unique("", 6) if rng.random() < 0.5 else None,
            pronote_id=PronoteId(self._unique("PN", 10)) if rng.random() < 0.85 else None,
            cas_id=CasId(self._unique("p", 7)) if rng.random() < 0.5 else None,
        )
        self._teachers[ident] = teacher
        self._teacher_subject[ident] = subject
        self._teacher_load[ident] = 0
        self._teachers_by_subject.setdefault(subject, []).append(ident)
        return ident

    def _new_student(self, level: str, *, female: bool | None = None) -> _StudentDraft:
        rng = self._rng
        is_female = rng.random() < 0.5 if female is None else female
        year = curriculum.BIRTH_YEAR[level]
        drift = rng.random()
        if drift < 0.05:
            year -= 1  # redoublant
        elif drift < 0.06:
            year += 1  # a year ahead
        birth = date.fromordinal(date(year, 1, 1).toordinal() + rng.randrange(365))
        return _StudentDraft(
            ident=self._ident("student"),
            last_name=pick_last_name(rng),
            first_name=pick_first_name(rng, female=is_female),
            birth_date=birth,
            sex=Sex.FEMALE if is_female else Sex.MALE,
            national_id=self._unique("", 9) + rng.choice("ABCDEFGHJK") + rng.choice("ABCDEFGHJK"),
            pronote_id=PronoteId(self._unique("PE", 10)) if rng.random() < 0.95 else None,
            cas_id=CasId(self._unique("e", 7)) if rng.random() < 0.4 else None,
        )

    # ----------------------------------------------------------------- structure

    def add_school(self, spec: SchoolSpec, *, establishment: Ident | None) -> None:
        if establishment is not None:
            self._establishments[establishment] = Establishment(ident=establishment, uai=spec.uai, name=spec.name)
        levels: list[list[_ClassDraft]] = []
        for level, count in spec.classes_per_level:
            drafts = [self._new_class(spec, level, number, establishment) for number in range(count)]
            levels.append(drafts)
            self._classes.extend(drafts)
        support = self._new_support(spec, levels, establishment)
        for drafts in levels:
            self._schedule_level(drafts, support)
        self._schedule_support(support)
        self._add_class_beside_unrelated_group(levels[0])
        self._place_pupils_in_unlisted_part(levels[0])

    def _new_class(self, spec: SchoolSpec, level: str, number: int, establishment: Ident | None) -> _ClassDraft:
        rng = self._rng
        if spec.college:
            name = f"{level}{chr(ord('A') + number)}"
        else:
            name = f"2NDE{number + 1}" if level == "2" else f"{level}G{number + 1}"
        draft = _ClassDraft(
            ident=self._ident("class"),
            name=name,
            level=level,
            college=spec.college,
            lunch=rng.choice((4, 5)),
            establishment=establishment,
        )
        teachings = (curriculum.COLLEGE_LEVELS if spec.college else curriculum.LYCEE_LEVELS)[level]
        modes = {teaching.mode for teaching in teachings}
        if Mode.HALVES in modes or Mode.ALTERNATE in modes:
            draft.halves = (self._new_part(draft), self._new_part(draft))
        if Mode.LV2 in modes:
            for code in ("ESP2", "ALL2"):
                draft.languages[code] = self._new_part(draft)
        for index in range(rng.randint(*spec.pupils_per_class)):
            pupil = self._new_student(level)
            pupil.half = index % 2
            pupil.language = "ESP2" if rng.random() < 0.65 else "ALL2"
            pupil.classes.append(Membership(ident=draft.ident, entry=SCHOOL_YEAR.start, exit=SCHOOL_YEAR.end))
            if draft.halves:
                pupil.class_parts.append(
                    Membership(ident=draft.halves[pupil.half], entry=SCHOOL_YEAR.start, exit=SCHOOL_YEAR.end)
                )
            if draft.languages:
                pupil.class_parts.append(
                    Membership(ident=draft.languages[pupil.language], entry=SCHOOL_YEAR.start, exit=SCHOOL_YEAR.end)
                )
            draft.pupils.append(pupil)
        return draft

    def _new_part(self, draft: _ClassDraft) -> Ident:
        ident = self._ident("part")
        self._parts[ident] = ClassPart(ident=ident, class_ident=draft.ident)  # exports give parts no name
        draft.extra_parts.append(ident)
        return ident

    def _new_group(self, name: str) -> _GroupDraft:
        group = _GroupDraft(ident=self._ident("group"), name=name)
        self._groups.append(group)
        return group

    def _new_support(
        self, spec: SchoolSpec, levels: Sequence[Sequence[_ClassDraft]], establishment: Ident | None
    ) -> _Support:
        """The ULIS (or UPE2A) class: a few pupils of several ages, one part per pair of levels."""
        rng = self._rng
        draft = _ClassDraft(
            ident=self._ident("class"),
            name=spec.support_scheme,
            level=levels[0][0].level,
            college=spec.college,
            lunch=5,
            establishment=establishment,
            support=True,
        )
        self._classes.append(draft)
        part_by_host: dict[Ident, Ident] = {}
        halves = (levels[: len(levels) // 2 or 1], levels[len(levels) // 2 or 1 :] or levels[:1])
        for host_levels in halves:
            part = self._new_part(draft)
            for level_classes in host_levels:
                part_by_host[level_classes[0].ident] = part
                for _ in range(rng.randint(3, 6)):
                    pupil = self._new_student(level_classes[0].level)
                    pupil.classes.append(Membership(ident=draft.ident, entry=SCHOOL_YEAR.start, exit=SCHOOL_YEAR.end))
                    pupil.class_parts.append(Membership(ident=part, entry=SCHOOL_YEAR.start, exit=SCHOOL_YEAR.end))
                    draft.pupils.append(pupil)
        subjects = ("EPS", "A-PLA", "EDMUS") if spec.college else ("EPS", "AGL1")
        return _Support(school_class=draft, part_by_host=part_by_host, subjects=subjects)

    # ----------------------------------------------------------------- scheduling

    def _schedule_level(self, drafts: list[_ClassDraft], support: _Support) -> None:
        level = drafts[0].level
        college = drafts[0].college
        teachings = (curriculum.COLLEGE_LEVELS if college else curriculum.LYCEE_LEVELS)[level]
        base = TERMINALE_MASK if level == "T" else YEAR_MASK
        if level in curriculum.SPECIALITY_BARRETTES:
            self._schedule_specialities(drafts, base)
        parts_only_class = drafts[-1].ident  # this class's half lessons name the class parts directly
        for teaching in teachings:
            if teaching.mode is Mode.LV2:
                self._schedule_languages(drafts, teaching, base)
            elif teaching.mode is Mode.OPTION:
                self._schedule_option(drafts, teaching, base)
            elif teaching.mode is Mode.PAIR:
                self._schedule_pairs(drafts, teaching, base)
        longest_first = sorted(teachings, key=lambda teaching: -max(teaching.sessions))
        for draft in drafts:
            for teaching in longest_first:
                if teaching.mode is Mode.CLASS:
                    self._schedule_class(draft, teaching, base, support)
                elif teaching.mode in (Mode.HALVES, Mode.ALTERNATE):
                    parts_only = draft.ident == parts_only_class
                    support_part = support.part_by_host.get(draft.ident) if not parts_only else None
                    self._schedule_halves(draft, teaching, base, parts_only=parts_only, support_part=support_part)

    def _candidates(self, classes: Sequence[_ClassDraft], length: int) -> list[Slot]:
        lunches = {draft.lunch for draft in classes}
        college = any(draft.college for draft in classes)
        slots: list[Slot] = []
        for day in WORKING_DAYS:
            last = WEDNESDAY_LAST_PLACE if college and day == WEDNESDAY else PLACES_PER_DAY - 1
            for start in range(last - length + 2):
                if not any(start <= lunch < start + length for lunch in lunches):
                    slots.append((day, start))
        self._rng.shuffle(slots)
        return slots

    def _free(self, entities: Sequence[str], slot: Slot, length: int) -> bool:
        day, start = slot
        busy = self._busy
        return not any((entity, day, place) in busy for entity in entities for place in range(start, start + length))

    def _occupy(self, entities: Sequence[str], slot: Slot, length: int) -> None:
        day, start = slot
        for entity in entities:
            for place in range(start, start + length):
                self._busy.add((entity, day, place))

    def _find_slots(
        self, classes: Sequence[_ClassDraft], entities: Sequence[str], sessions: Sequence[int]
    ) -> list[Slot] | None:
        """One slot per session, all free for ``entities``, preferring one session of a subject a day."""
        chosen: list[Slot] = []
        taken: list[tuple[list[str], Slot, int]] = []
        for length in sessions:
            candidates = self._candidates(classes, length)
            used_days = {day for day, _ in chosen}
            preferred = [slot for slot in candidates if slot[0] not in used_days] + [
                slot for slot in candidates if slot[0] in used_days
            ]
            found = next((slot for slot in preferred if self._free(entities, slot, length)), None)
            if found is None:
                for ents, slot, size in taken:
                    self._release(ents, slot, size)
                return None
            self._occupy(entities, found, length)
            taken.append((list(entities), found, length))
            chosen.append(found)
        for ents, slot, size in taken:
            self._release(ents, slot, size)
        return chosen

    def _release(self, entities: Sequence[str], slot: Slot, length: int) -> None:
        day, start = slot
        for entity in entities:
            for place in range(start, start + length):
                self._busy.discard((entity, day, place))

    def _teacher_candidates(self, subject: str, places: int) -> list[Ident]:
        pool = self._teachers_by_subject.get(subject, [])
        fitting = [ident for ident in pool if self._teacher_load[ident] + places <= curriculum.MAX_TEACHER_PLACES]
        return sorted(fitting, key=lambda ident: self._teacher_load[ident])[:3]

    def _place_unit(
        self,
        classes: Sequence[_ClassDraft],
        subject: str,
        sessions: Sequence[int],
        extra_entities: Sequence[str] = (),
        teacher_count: int = 1,
    ) -> tuple[list[Ident], list[tuple[Slot, int]]]:
        """Teachers and a slot per session for a teaching, with a new teacher when nobody fits.

        When the week is too fragmented for a two-hour session, it becomes two one-hour sessions.
        """
        places = sum(sessions)
        base_entities = [f"c{draft.ident}" for draft in classes] + list(extra_entities)
        candidates = self._teacher_candidates(subject, places)
        for first in range(len(candidates) - teacher_count + 1):
            team = candidates[first : first + teacher_count]
            slots = self._find_slots(classes, [*base_entities, *(f"t{teacher}" for teacher in team)], sessions)
            if slots is not None:
                return self._commit_teachers(team, places), list(zip(slots, sessions, strict=True))
        teachers = [self._new_teacher(subject) for _ in range(teacher_count)]
        slots = self._find_slots(classes, base_entities, sessions)
        if slots is None:
            sessions = (1,) * places
            slots = self._find_slots(classes, base_entities, sessions)
        if slots is None:
            raise RuntimeError("the generated week has no room left for a teaching")
        return self._commit_teachers(teachers, places), list(zip(slots, sessions, strict=True))

    def _commit_teachers(self, teachers: list[Ident], places: int) -> list[Ident]:
        for teacher in teachers:
            self._teacher_load[teacher] += places
        return teachers

    def _room(self, subject: str, slot: Slot, length: int, *, avoid: Ident | None = None) -> Ident:
        kind = curriculum.ROOM_KINDS.get(subject, "general")
        pool = self._rooms_by_kind.setdefault(kind, [])
        for room in pool:
            if room != avoid and self._free([f"r{room}"], slot, length):
                self._occupy([f"r{room}"], slot, length)
                return room
        ident = self._ident("room")
        self._rooms[ident] = Room(ident=ident, name=curriculum.ROOM_NAMES[kind].format(n=len(pool) + 1))
        pool.append(ident)
        self._occupy([f"r{ident}"], slot, length)
        return ident

    def _lesson(
        self, slot: Slot, length: int, subject: str, *, level: str, teachers: Sequence[Ident], base: WeekMask
    ) -> _LessonDraft:
        day, start = slot
        lesson = _LessonDraft(
            day=day,
            start=start,
            count=length,
            subject=self._subjects[subject].ident,
            level=level,
            teachers=[LessonLink(ident=teacher, weeks=base) for teacher in teachers],
        )
        self._lessons.append(lesson)
        for teacher in teachers:
            self._occupy([f"t{teacher}"], slot, length)
        return lesson

    def _add_rooms(self, lesson: _LessonDraft, subject: str, slot: Slot, base: WeekMask) -> None:
        room = self._room(subject, slot, lesson.count)
        alternating = base & WEEK_A and base & WEEK_B
        if alternating and curriculum.ROOM_KINDS.get(subject) is None and self._rng.random() < 0.04:
            other = self._room(subject, slot, lesson.count, avoid=room)
            lesson.rooms.append(LessonLink(ident=room, weeks=base & WEEK_A))
            lesson.rooms.append(LessonLink(ident=other, weeks=base & WEEK_B))
        else:
            lesson.rooms.append(LessonLink(ident=room, weeks=base))

    def _schedule_class(self, draft: _ClassDraft, teaching: Teaching, base: WeekMask, support: _Support | None) -> None:
        joins = support is not None and teaching.code in support.subjects
        support_part = support.part_by_host.get(draft.ident) if support is not None and joins else None
        extra = [f"p{support_part}"] if support_part else []
        weeks = base & WEEK_A if teaching.fortnightly else base
        teachers, placed = self._place_unit([draft], teaching.code, teaching.sessions, extra)
        for slot, length in placed:
            lesson = self._lesson(slot, length, teaching.code, level=draft.level, teachers=teachers, base=weeks)
            lesson.classes.append(LessonLink(ident=draft.ident, weeks=weeks))
            self._occupy([f"c{draft.ident}", *extra], slot, length)
            if support_part:
                lesson.parts.append(LessonLink(ident=support_part, weeks=weeks))
            self._add_rooms(lesson, teaching.code, slot, weeks)

    def _schedule_halves(
        self, draft: _ClassDraft, teaching: Teaching, base: WeekMask, *, parts_only: bool, support_part: Ident | None
    ) -> None:
        """Half-class lessons; the support scheme's part of a host class joins the lessons both halves share
        (semaine A / semaine B), beside the two half groups."""
        halves = draft.halves
        if halves is None:
            raise RuntimeError("a class without halves was given a half-class teaching")
        if parts_only:
            audiences = [("part", part) for part in halves]
        else:
            audiences = [("group", self._half_group(draft.name, halves[index], index)) for index in (0, 1)]
        if teaching.mode is Mode.ALTERNATE:
            extra = [f"p{support_part}"] if support_part else []
            teachers, placed = self._place_unit([draft], teaching.code, teaching.sessions, extra)
            for slot, length in placed:
                lesson = self._lesson(slot, length, teaching.code, level=draft.level, teachers=teachers, base=base)
                for (kind, ident), weeks in zip(audiences, (WEEK_A, WEEK_B), strict=True):
                    links = lesson.parts if kind == "part" else lesson.groups
                    links.append(LessonLink(ident=ident, weeks=base & weeks))
                if support_part:
                    lesson.parts.append(LessonLink(ident=support_part, weeks=base))
                self._occupy([f"c{draft.ident}", *extra], slot, length)
                self._add_rooms(lesson, teaching.code, slot, base)
            return
        teachers, placed = self._place_unit([draft], teaching.code, teaching.sessions * 2)
        for index, (slot, length) in enumerate(placed):
            kind, ident = audiences[index * 2 // len(placed)]
            lesson = self._lesson(slot, length, teaching.code, level=draft.level, teachers=teachers, base=base)
            (lesson.parts if kind == "part" else lesson.groups).append(LessonLink(ident=ident, weeks=base))
            self._occupy([f"c{draft.ident}"], slot, length)
            self._add_rooms(lesson, teaching.code, slot, base)

    def _half_group(self, class_name: str, half: Ident, index: int) -> Ident:
        """The group made of one half of a class, shared by every half-class teaching of that class."""
        existing = self._half_groups.get(half)
        if existing is not None:
            return existing
        group = self._new_group(f"{class_name}-G{index + 1}")
        group.parts.append(half)
        self._half_groups[half] = group.ident
        return group.ident

    def _schedule_languages(self, drafts: list[_ClassDraft], teaching: Teaching, base: WeekMask) -> None:
        """LV2: classes taken two or three at a time; one group per language, same slot, two teachers."""
        blocks: list[list[_ClassDraft]] = []
        index = 0
        while index < len(drafts):
            size = 3 if len(drafts) - index in (3, 5) else 2
            blocks.append(drafts[index : index + size])
            index += size
        prefix = curriculum.LEVEL_PREFIX[drafts[0].level]
        for number, block in enumerate(blocks, start=1):
            entities = [f"c{draft.ident}" for draft in block]
            spanish, placed = self._place_unit(block, "ESP2", teaching.sessions)
            for slot, length in placed:
                self._occupy(entities, slot, length)
            german = self._teachers_for_slots("ALL2", placed)
            for code, teachers in (("ESP2", spanish), ("ALL2", german)):
                group = self._new_group(f"{prefix}{code[:3]}{number}")
                group.parts.extend(draft.languages[code] for draft in block)
                for slot, length in placed:
                    lesson = self._lesson(slot, length, code, level=drafts[0].level, teachers=teachers, base=base)
                    lesson.groups.append(LessonLink(ident=group.ident, weeks=base))
                    self._add_rooms(lesson, code, slot, base)

    def _teachers_for_slots(self, subject: str, placed: Sequence[tuple[Slot, int]]) -> list[Ident]:
        places = sum(length for _, length in placed)
        for teacher in self._teacher_candidates(subject, places):
            entity = [f"t{teacher}"]
            if all(self._free(entity, slot, length) for slot, length in placed):
                return self._commit_teachers([teacher], places)
        return self._commit_teachers([self._new_teacher(subject)], places)

    def _schedule_option(self, drafts: list[_ClassDraft], teaching: Teaching, base: WeekMask) -> None:
        """Latin: volunteers from every class of the level, listed in the group itself."""
        rng = self._rng
        prefix = curriculum.LEVEL_PREFIX[drafts[0].level]
        group = self._new_group(f"{prefix}LATIN")
        for draft in drafts:
            volunteers = [pupil for pupil in draft.pupils if rng.random() < 0.15]
            if volunteers:
                group.classes.append(draft.ident)
                group.students.extend(pupil.ident for pupil in volunteers)
        if not group.students:
            self._groups.remove(group)
            return
        members = [draft for draft in drafts if draft.ident in group.classes]
        teachers, placed = self._place_unit(members, teaching.code, teaching.sessions)
        for slot, length in placed:
            lesson = self._lesson(slot, length, teaching.code, level=drafts[0].level, teachers=teachers, base=base)
            lesson.groups.append(LessonLink(ident=group.ident, weeks=base))
            self._occupy([f"c{draft.ident}" for draft in members], slot, length)
            self._add_rooms(lesson, teaching.code, slot, base)

    def _schedule_pairs(self, drafts: list[_ClassDraft], teaching: Teaching, base: WeekMask) -> None:
        """EPS in lycée: two whole classes in one group, with two teachers sharing the lesson."""
        for index in range(0, len(drafts) - 1, 2):
            pair = drafts[index : index + 2]
            group = self._new_group(f"{pair[0].name}-{pair[1].name} {teaching.code}")
            group.classes.extend(draft.ident for draft in pair)
            teachers, placed = self._place_unit(pair, teaching.code, teaching.sessions, teacher_count=2)
            for slot, length in placed:
                lesson = self._lesson(slot, length, teaching.code, level=pair[0].level, teachers=teachers, base=base)
                lesson.groups.append(LessonLink(ident=group.ident, weeks=base))
                self._occupy([f"c{draft.ident}" for draft in pair], slot, length)
                self._add_rooms(lesson, teaching.code, slot, base)
        if len(drafts) % 2:
            self._schedule_class(drafts[-1], Teaching(code=teaching.code, sessions=teaching.sessions), base, None)

    def _schedule_specialities(self, drafts: list[_ClassDraft], base: WeekMask) -> None:
        """Spécialités: per barrette, every class of the level is free while its groups run side by side."""
        rng = self._rng
        level = drafts[0].level
        prefix = curriculum.LEVEL_PREFIX[level]
        sessions = curriculum.SPECIALITY_SESSIONS[level]
        pupils = [pupil for draft in drafts for pupil in draft.pupils]
        class_of = {pupil.ident: draft.ident for draft in drafts for pupil in draft.pupils}
        entities = [f"c{draft.ident}" for draft in drafts]
        for barrette in curriculum.SPECIALITY_BARRETTES[level]:
            codes = [code for code, _ in barrette]
            weights = [weight for _, weight in barrette]
            chosen: dict[str, list[_StudentDraft]] = {code: [] for code in codes}
            for pupil in pupils:
                chosen[rng.choices(codes, weights)[0]].append(pupil)
            slots = self._find_slots(drafts, entities, sessions)
            if slots is None:
                raise RuntimeError("the generated week has no room left for a barrette")
            placed = list(zip(slots, sessions, strict=True))
            for slot, length in placed:
                self._occupy(entities, slot, length)
            for code in codes:
                members = chosen[code]
                count = math.ceil(len(members) / curriculum.SPECIALITY_GROUP_SIZE)
                for number in range(count):
                    share = members[number::count]
                    group = self._new_group(f"{prefix}{code}{number + 1}")
                    for draft in drafts:
                        if any(class_of[pupil.ident] == draft.ident for pupil in share):
                            group.classes.append(draft.ident)
                    group.students.extend(pupil.ident for pupil in share)
                    teachers = self._teachers_for_slots(code, placed)
                    for slot, length in placed:
                        lesson = self._lesson(slot, length, code, level=level, teachers=teachers, base=base)
                        lesson.groups.append(LessonLink(ident=group.ident, weeks=base))
                        self._add_rooms(lesson, code, slot, base)

    def _schedule_support(self, support: _Support) -> None:
        """The scheme's own lessons, at times none of its pupils is included in a host class."""
        draft = support.school_class
        base = YEAR_MASK
        subjects = (
            (("FRANC", (1, 1, 1, 1, 1, 1)), ("MATHS", (1, 1, 1, 1, 1)))
            if draft.college
            else (("FLE", (1, 1, 1, 1, 1, 1, 1, 1)),)
        )
        for code, sessions in subjects:
            teachers, placed = self._place_unit([draft], code, sessions)
            for slot, length in placed:
                lesson = self._lesson(slot, length, code, level=draft.level, teachers=teachers, base=base)
                lesson.classes.append(LessonLink(ident=draft.ident, weeks=base))
                self._occupy([f"c{draft.ident}"], slot, length)
                self._add_rooms(lesson, code, slot, base)

    def _add_class_beside_unrelated_group(self, drafts: Sequence[_ClassDraft]) -> None:
        """One AP lesson shared by a class and a group of another class (one teacher, one room): a class beside a
        group that does not contain it, as real timetables have; the class makes its own course."""
        host, other = drafts[0], drafts[1]
        group = self._new_group(f"{other.name} AP")
        group.classes.append(other.ident)
        base = TERMINALE_MASK if host.level == "T" else YEAR_MASK
        teachers, placed = self._place_unit([host, other], "AP", (1,))
        for slot, length in placed:
            lesson = self._lesson(slot, length, "AP", level=host.level, teachers=teachers, base=base)
            lesson.classes.append(LessonLink(ident=host.ident, weeks=base))
            lesson.groups.append(LessonLink(ident=group.ident, weeks=base))
            self._occupy([f"c{host.ident}", f"c{other.ident}"], slot, length)
            self._add_rooms(lesson, "AP", slot, base)

    def _place_pupils_in_unlisted_part(self, drafts: Sequence[_ClassDraft]) -> None:
        """Some pupils of a class placed in a class part that no class lists and nothing uses: real PRONOTE
        exports carry such dangling parts, and the school cannot remove them."""
        part = self._ident("part")  # never listed under a class
        draft = drafts[-1]
        for pupil in draft.pupils[: self._rng.randint(3, 14)]:
            pupil.class_parts.append(Membership(ident=part, entry=SCHOOL_YEAR.start, exit=SCHOOL_YEAR.end))

    # ----------------------------------------------------------------- year events

    def add_year_events(self) -> None:
        """Substitutes, cancellations, pupils moving class, arriving late, leaving, or not placed yet."""
        self._add_substitutes()
        self._add_cancellations()
        self._add_moves()

    def _add_substitutes(self) -> None:
        busy_teachers = [ident for ident, load in self._teacher_load.items() if load >= 12]
        absences = (school_weeks_between(20, 23), school_weeks_between(35, 37))
        for teacher, absence in zip(busy_teachers[:: max(1, len(busy_teachers) // 2)][:2], absences, strict=False):
            substitute = self._new_teacher(self._teacher_subject[teacher])
            for lesson in self._lessons:
                for position, link in enumerate(lesson.teachers):
                    if link.ident == teacher and link.weeks & absence and link.weeks & ~absence:
                        lesson.teachers[position] = LessonLink(ident=teacher, weeks=link.weeks & ~absence)
                        lesson.teachers.append(LessonLink(ident=substitute, weeks=link.weeks & absence))
                        self._teacher_load[substitute] += lesson.count
                        break

    def _add_cancellations(self) -> None:
        rng = self._rng
        stage = mask_of([STAGE_3E_WEEK])
        bac_blanc = mask_of([BAC_BLANC_WEEK])
        for lesson in self._lessons:
            if lesson.level == "3":
                lesson.cancelled |= stage
            elif lesson.level == "T" and lesson.classes:
                lesson.cancelled |= bac_blanc
            if rng.random() < 0.015:
                lesson.cancelled |= mask_of([rng.choice(SCHOOL_WEEKS)])

    def _add_moves(self) -> None:
        """About one pupil in 150 changes class in February; a few arrive late, leave, or have no class."""
        rng = self._rng
        by_level: dict[str, list[_ClassDraft]] = {}
        for draft in self._classes:
            if not draft.support:
                by_level.setdefault(f"{draft.establishment}:{draft.level}", []).append(draft)
        for drafts in by_level.values():
            if len(drafts) < 2:
                continue
            pupils = [pupil for draft in drafts for pupil in draft.pupils]
            for pupil in rng.sample(pupils, max(1, len(pupils) // 150)):
                source = next(draft for draft in drafts if pupil in draft.pupils)
                target = rng.choice([draft for draft in drafts if draft is not source])
                self._move(pupil, source, target)
        regular = [pupil for draft in self._classes for pupil in draft.pupils if len(pupil.classes) == 1]
        for pupil in rng.sample(regular, 2):
            pupil.classes = [Membership(ident=m.ident, entry=LATE_ENTRY, exit=m.exit) for m in pupil.classes]
            pupil.class_parts = [Membership(ident=m.ident, entry=LATE_ENTRY, exit=m.exit) for m in pupil.class_parts]
        for pupil in rng.sample([pupil for pupil in regular if pupil.classes[0].entry == SCHOOL_YEAR.start], 2):
            pupil.classes = [Membership(ident=m.ident, entry=m.entry, exit=EARLY_EXIT) for m in pupil.classes]
            pupil.class_parts = [Membership(ident=m.ident, entry=m.entry, exit=EARLY_EXIT) for m in pupil.class_parts]

    def _move(self, pupil: _StudentDraft, source: _ClassDraft, target: _ClassDraft) -> None:
        pupil.classes = [
            Membership(ident=source.ident, entry=SCHOOL_YEAR.start, exit=MOVE_EXIT),
            Membership(ident=target.ident, entry=MOVE_ENTRY, exit=SCHOOL_YEAR.end),
        ]
        parts: list[Membership] = []
        for membership in pupil.class_parts:
            parts.append(Membership(ident=membership.ident, entry=membership.entry, exit=MOVE_EXIT))
        if target.halves:
            parts.append(Membership(ident=target.halves[pupil.half], entry=MOVE_ENTRY, exit=SCHOOL_YEAR.end))
        if target.languages:
            parts.append(Membership(ident=target.languages[pupil.language], entry=MOVE_ENTRY, exit=SCHOOL_YEAR.end))
        pupil.class_parts = parts

    def add_unplaced_pupils(self, count: int) -> list[_StudentDraft]:
        """Pupils enrolled but not yet placed in a class."""
        level = self._classes[0].level
        return [self._new_student(level) for _ in range(count)]

    def make_homonyms(self) -> None:
        """Two pupils with one name and different birth dates; two with one name and one birth date."""
        rng = self._rng
        regular = [draft for draft in self._classes if not draft.support]
        first, second, third = rng.sample(regular, 3)
        fourth = rng.choice([draft for draft in regular if draft.level == third.level and draft is not third])
        original, copy = first.pupils[0], second.pupils[1]
        copy.last_name, copy.first_name, copy.sex = original.last_name, original.first_name, original.sex
        if copy.birth_date == original.birth_date:
            copy.birth_date = date.fromordinal(copy.birth_date.toordinal() + 40)
        original, copy = third.pupils[2], fourth.pupils[3]
        copy.last_name, copy.first_name, copy.sex = original.last_name, original.first_name, original.sex
        copy.birth_date = original.birth_date

    # ----------------------------------------------------------------- freezing

    def build(self, *, uai: Uai, unplaced: Sequence[_StudentDraft] = ()) -> Timetable:
        classes = {
            draft.ident: SchoolClass(
                ident=draft.ident,
                name=draft.name,
                part_idents=tuple(draft.extra_parts),
                establishment=draft.establishment,
            )
            for draft in self._classes
        }
        groups = {
            group.ident: Group(
                ident=group.ident,
                name=group.name,
                class_idents=tuple(group.classes),
                class_part_idents=tuple(group.parts),
                student_idents=tuple(group.students),
            )
            for group in self._groups
        }
        drafts = [pupil for draft in self._classes for pupil in draft.pupils] + list(unplaced)
        students = {
            pupil.ident: Student(
                ident=pupil.ident,
                last_name=pupil.last_name,
                first_name=pupil.first_name,
                birth_date=pupil.birth_date,
                sex=pupil.sex,
                national_id=pupil.national_id,
                pronote_id=pupil.pronote_id,
                cas_id=pupil.cas_id,
                classes=tuple(pupil.classes),
                class_parts=tuple(pupil.class_parts),
            )
            for pupil in sorted(drafts, key=lambda pupil: int(pupil.ident))
        }
        ordered = sorted(self._lessons, key=lambda lesson: (lesson.day, lesson.start))
        lessons = tuple(
            Lesson(
                index=index,
                day=lesson.day,
                start_place=lesson.start,
                place_count=lesson.count,
                subject=lesson.subject,
                cancelled_weeks=lesson.cancelled,
                teachers=tuple(lesson.teachers),
                classes=tuple(lesson.classes),
                class_parts=tuple(lesson.parts),
                groups=tuple(lesson.groups),
                rooms=tuple(lesson.rooms),
            )
            for index, lesson in enumerate(ordered)
        )
        used_subjects = {lesson.subject for lesson in lessons}
        return Timetable(
            uai=uai,
            version=EXPORT_VERSION,
            school_year=SCHOOL_YEAR,
            grid=GRID,
            subjects={s.ident: s for s in self._subjects.values() if s.ident in used_subjects},
            teachers=dict(self._teachers),
            classes=classes,
            class_parts=dict(self._parts),
            groups=groups,
            rooms=dict(self._rooms),
            students=students,
            lessons=lessons,
            establishments=dict(self._establishments),
        )
