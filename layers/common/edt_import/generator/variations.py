"""An establishment's next export, a little changed: what a school sends a week later.

One lesson moves to another room (its future events are updated) and one pupil changes class (their
memberships move from the old class's courses to the new one's). Deterministic: the first candidates in
the export's own order.
"""

from __future__ import annotations

from msgspec import structs

from edt_import.domain.timetable import Lesson, LessonLink, Membership, Student, Timetable
from edt_import.generator.establishment import GeneratedEstablishment


def moved_and_transferred(generated: GeneratedEstablishment) -> GeneratedEstablishment:
    """``generated`` with one lesson in another room and one pupil in another class."""
    timetable = _pupil_changes_class(_lesson_changes_room(generated.timetable))
    return structs.replace(generated, timetable=timetable)


def _lesson_changes_room(timetable: Timetable) -> Timetable:
    rooms = sorted(timetable.rooms)
    lessons = list(timetable.lessons)
    for position, lesson in enumerate(lessons):
        if len(lesson.rooms) == 1 and len(rooms) > 1:
            (link,) = lesson.rooms
            other = next(room for room in rooms if room != link.ident)
            moved: Lesson = structs.replace(lesson, rooms=(LessonLink(ident=other, weeks=link.weeks),))
            lessons[position] = moved
            return structs.replace(timetable, lessons=tuple(lessons))
    raise ValueError("no lesson with one room to move")


def _pupil_changes_class(timetable: Timetable) -> Timetable:
    classes = sorted(timetable.classes)
    for ident, student in timetable.students.items():
        if len(student.classes) == 1 and len(classes) > 1:
            (membership,) = student.classes
            other = next(c for c in classes if c != membership.ident)
            # The class parts were the old class's: the pupil leaves them with it.
            transferred: Student = structs.replace(
                student,
                classes=(Membership(ident=other, entry=membership.entry, exit=membership.exit),),
                class_parts=(),
            )
            groups = {
                g_ident: structs.replace(group, student_idents=tuple(s for s in group.student_idents if s != ident))
                for g_ident, group in timetable.groups.items()
            }
            return structs.replace(timetable, students={**timetable.students, ident: transferred}, groups=groups)
    raise ValueError("no pupil in exactly one class")
