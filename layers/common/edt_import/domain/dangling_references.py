"""References by ``Ident`` that name nothing the export defines: dropped, and said, never a refusal.

Real PRONOTE exports carry them (pupils placed in a class part no ``Classe`` lists) and the school cannot fix
that, so a dangling reference is removed from its holder and reported once per kind and ident with the number of
holders naming it. The one exception is a lesson's subject: the lesson keeps it, so that the planner can list the
lesson as skipped (``unknown_subject``) with its day, time and audience.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Set
from typing import Final, TypeVar

from msgspec import Struct, structs

from edt_import.domain.timetable import (
    Group,
    Ident,
    Lesson,
    LessonLink,
    Membership,
    ReadWarning,
    SchoolClass,
    Student,
    Timetable,
)
from edt_import.domain.timetable_validation import WarningCode, label_of, printable_ident

_LISTED_PER_KIND: Final = 20  # idents warned one by one per kind; the rest in one warning
_HOLDERS: Final = {"class": "class(es)", "group": "group(s)", "student": "student(s)", "lesson": "lesson(s)"}
_Item = TypeVar("_Item", Ident, LessonLink, Membership)


class _Tally(Struct):
    holders: int = 0
    first_lesson: str = ""


def _ident_of(item: Ident | LessonLink | Membership) -> Ident:
    return item if isinstance(item, str) else item.ident


class _Dropped:
    """What dangled, by (holder kind, target kind, ident), in the order first met."""

    def __init__(self) -> None:
        self.tallies: dict[tuple[str, str, Ident], _Tally] = {}

    def kept(
        self,
        holder: str,
        target: str,
        items: tuple[_Item, ...],
        missing: Set[Ident],
        lesson: Lesson | None = None,
    ) -> tuple[_Item, ...]:
        """``items`` without those naming an ident of ``missing``; each is counted once per holder."""
        if not missing:
            return items
        found = dict.fromkeys(ident for item in items if (ident := _ident_of(item)) in missing)
        if not found:
            return items
        for ident in found:
            self.count(holder, target, ident, lesson)
        return tuple(item for item in items if _ident_of(item) not in found)

    def count(self, holder: str, target: str, ident: Ident, lesson: Lesson | None = None) -> None:
        key = (holder, target, ident)
        tally = self.tallies.get(key)
        if tally is None:
            tally = self.tallies[key] = _Tally(first_lesson=label_of(lesson) if lesson is not None else "")
        tally.holders += 1

    def warnings(self) -> Iterator[ReadWarning]:
        by_kind: dict[tuple[str, str], list[tuple[Ident, _Tally]]] = {}
        for (holder, target, ident), tally in self.tallies.items():
            by_kind.setdefault((holder, target), []).append((ident, tally))
        for (holder, target), found in by_kind.items():
            kind = f"{holder}→{target}"
            for ident, tally in found[:_LISTED_PER_KIND]:
                yield _warning(holder, target, ident, tally, kind)
            rest = found[_LISTED_PER_KIND:]
            if rest:
                holders = sum(tally.holders for _, tally in rest)
                yield ReadWarning(
                    code=WarningCode.DANGLING_REFERENCE,
                    message=f"{len(rest)} other {target} ident(s) that the export does not define are named by "
                    f"{holders} {_HOLDERS[holder]}; {_consequence(target)}",
                    details={"kind": kind, "other_idents": len(rest), "count": holders},
                )


def _consequence(target: str) -> str:
    if target == "subject":
        return "those lessons are skipped."
    return "those references are ignored."


def _warning(holder: str, target: str, ident: str, tally: _Tally, kind: str) -> ReadWarning:
    # Lesson positions help the school find the lesson; other holders are only counted (students are people).
    first = f", first {tally.first_lesson}" if tally.first_lesson else ""
    ident = printable_ident(ident)  # a dangling ident was never checked: quote it safely
    return ReadWarning(
        code=WarningCode.DANGLING_REFERENCE,
        message=f"{tally.holders} {_HOLDERS[holder]} name {target} {ident}, which the export does not define"
        f"{first}; {_consequence(target)}",
        details={"kind": kind, "ident": ident, "count": tally.holders},
    )


def drop_dangling_references(timetable: Timetable) -> tuple[Timetable, tuple[ReadWarning, ...]]:
    """The timetable without references to undefined records (lesson subjects aside), and one warning per ident."""
    missing = _Missing.of(timetable)
    if missing.is_empty():
        return timetable, ()
    # Only the kinds of record holding a dangling link are walked, each in its order (the warnings' order).
    dropped = _Dropped()
    classes, groups, students, lessons = timetable.classes, timetable.groups, timetable.students, timetable.lessons
    if missing.class_establishment:
        classes = _replaced(classes, lambda school_class: _class(school_class, missing, dropped))
    if missing.group_class or missing.group_part or missing.group_student:
        groups = _replaced(groups, lambda group: _group(group, missing, dropped))
    if missing.student_class or missing.student_part:
        students = _replaced(students, lambda student: _student(student, missing, dropped))
    if missing.lesson_subject or missing.lesson_links:
        lessons = tuple(_lesson(lesson, missing, dropped) for lesson in lessons)
    changed = structs.replace(timetable, classes=classes, groups=groups, students=students, lessons=lessons)
    return changed, tuple(dropped.warnings())


class _Missing(Struct, frozen=True, kw_only=True):
    """The idents each kind of link names and the export does not define: first found over the whole timetable
    (almost always none), then dropped where they are named."""

    class_establishment: frozenset[Ident]
    group_class: frozenset[Ident]
    group_part: frozenset[Ident]
    group_student: frozenset[Ident]
    student_class: frozenset[Ident]
    student_part: frozenset[Ident]
    lesson_subject: frozenset[Ident]
    lesson_links: tuple[tuple[str, str, frozenset[Ident]], ...]  # field, target kind, idents: dangling ones only

    @classmethod
    def of(cls, timetable: Timetable) -> _Missing:
        classes, groups, students = timetable.classes.values(), timetable.groups.values(), timetable.students.values()
        lessons = timetable.lessons
        links = (
            (name, target, _undefined({link.ident for lesson in lessons for link in getattr(lesson, name)}, defined))
            for name, target, defined in _lesson_links(timetable)
        )
        return cls(
            class_establishment=_undefined(
                {c.establishment for c in classes if c.establishment is not None}, timetable.establishments
            ),
            group_class=_undefined({i for g in groups for i in g.class_idents}, timetable.classes),
            group_part=_undefined({i for g in groups for i in g.class_part_idents}, timetable.class_parts),
            group_student=_undefined({i for g in groups for i in g.student_idents}, timetable.students),
            student_class=_undefined({m.ident for s in students for m in s.classes}, timetable.classes),
            student_part=_undefined({m.ident for s in students for m in s.class_parts}, timetable.class_parts),
            lesson_subject=_undefined({lesson.subject for lesson in lessons}, timetable.subjects),
            lesson_links=tuple(link for link in links if link[2]),
        )

    def is_empty(self) -> bool:
        return not any(structs.astuple(self))


def _undefined(named: set[Ident], defined: Mapping[Ident, object]) -> frozenset[Ident]:
    return frozenset(named.difference(defined))


_Record = TypeVar("_Record")


def _replaced(records: Mapping[Ident, _Record], resolve: Callable[[_Record], _Record]) -> Mapping[Ident, _Record]:
    """``records`` with each record resolved; the same mapping when none changed."""
    changed = {}
    for ident, record in records.items():
        kept = resolve(record)
        if kept is not record:
            changed[ident] = kept
    return {**records, **changed} if changed else records


def _class(school_class: SchoolClass, missing: _Missing, dropped: _Dropped) -> SchoolClass:
    establishment = school_class.establishment
    if establishment is None or establishment not in missing.class_establishment:
        return school_class
    dropped.count("class", "establishment", establishment)
    return structs.replace(school_class, establishment=None)


def _group(group: Group, missing: _Missing, dropped: _Dropped) -> Group:
    classes = dropped.kept("group", "class", group.class_idents, missing.group_class)
    parts = dropped.kept("group", "class part", group.class_part_idents, missing.group_part)
    students = dropped.kept("group", "student", group.student_idents, missing.group_student)
    if classes is group.class_idents and parts is group.class_part_idents and students is group.student_idents:
        return group
    return structs.replace(group, class_idents=classes, class_part_idents=parts, student_idents=students)


def _student(student: Student, missing: _Missing, dropped: _Dropped) -> Student:
    classes = dropped.kept("student", "class", student.classes, missing.student_class)
    parts = dropped.kept("student", "class part", student.class_parts, missing.student_part)
    if classes is student.classes and parts is student.class_parts:
        return student
    return structs.replace(student, classes=classes, class_parts=parts)


def _lesson(lesson: Lesson, missing: _Missing, dropped: _Dropped) -> Lesson:
    if lesson.subject in missing.lesson_subject:
        dropped.count("lesson", "subject", lesson.subject, lesson)
    links = {
        name: dropped.kept("lesson", target, getattr(lesson, name), undefined, lesson)
        for name, target, undefined in missing.lesson_links
    }
    if all(kept is getattr(lesson, name) for name, kept in links.items()):
        return lesson
    return structs.replace(lesson, **links)


def _lesson_links(timetable: Timetable) -> tuple[tuple[str, str, Mapping[Ident, object]], ...]:
    """A lesson's link fields, the kind each names, and where that kind is defined."""
    return (
        ("teachers", "teacher", timetable.teachers),
        ("classes", "class", timetable.classes),
        ("class_parts", "class part", timetable.class_parts),
        ("groups", "group", timetable.groups),
        ("rooms", "room", timetable.rooms),
        ("students", "student", timetable.students),
    )
