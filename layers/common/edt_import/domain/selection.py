"""The wizard's choices: what the administrator disabled, and how each subject stands in the ENT's referential.

File shape: ``{"disabled": {"subjects": [codes], "classes": [names], "groups": [names], "courses": [keys or titles]}}``
(every list optional). Disabling a class leaves out its subject + class courses; the courses of groups it
belongs to follow the groups list, as in the wizard, where classes and groups are separate screens.

A name the export does not know (a class renamed or removed since the wizard ran, a typo) is not an error: an
automatic import reuses the last manual selection all year and must not stop on it. The plan lists such names
(``unknown_names``) so that the administrator sees which choices no longer apply.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from edt_import.domain.course_rules import AudienceKind, DerivedCourse
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.timetable import Timetable

_LISTS = ("subjects", "classes", "groups", "courses")


class SubjectStatus(StrEnum):
    RECOGNISED = "recognised"  # in the ENT's subject referential (green)
    UNKNOWN = "unknown"  # not in it, can be added (white); still imported
    DISABLED = "disabled"  # switched off by the administrator (red); not imported


@dataclass(frozen=True, slots=True, kw_only=True)
class Selection:
    disabled_subjects: frozenset[str] = frozenset()  # subject codes
    disabled_classes: frozenset[str] = frozenset()  # class names
    disabled_groups: frozenset[str] = frozenset()  # group names
    disabled_courses: frozenset[str] = frozenset()  # course keys or titles

    def allows(self, course: DerivedCourse) -> bool:
        if course.subject.code in self.disabled_subjects:
            return False
        names = self.disabled_classes if course.kind is AudienceKind.SCHOOL_CLASS else self.disabled_groups
        if course.audience_name in names:
            return False
        return course.key not in self.disabled_courses and course.title not in self.disabled_courses

    def unknown_names(self, timetable: Timetable, courses: Iterable[DerivedCourse]) -> dict[str, tuple[str, ...]]:
        """By list, the disabled entries matching nothing in this export (lists with none left out)."""
        course_names: set[str] = set()
        for course in courses:
            course_names.update((course.key, course.title))
        known = {
            "subjects": ({subject.code for subject in timetable.subjects.values()}, self.disabled_subjects),
            "classes": ({school_class.name for school_class in timetable.classes.values()}, self.disabled_classes),
            "groups": ({group.name for group in timetable.groups.values()}, self.disabled_groups),
            "courses": (course_names, self.disabled_courses),
        }
        unknown = {name: tuple(sorted(disabled - present)) for name, (present, disabled) in known.items()}
        return {name: values for name, values in unknown.items() if values}

    def to_json(self) -> str:
        return json.dumps(
            {
                "disabled": {
                    "subjects": sorted(self.disabled_subjects),
                    "classes": sorted(self.disabled_classes),
                    "groups": sorted(self.disabled_groups),
                    "courses": sorted(self.disabled_courses),
                }
            },
            ensure_ascii=False,
        )


def parse_selection(text: str | bytes) -> Selection:
    """Read a selection file; refuse anything but the documented shape."""
    try:
        raw = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: nested beyond any sense
        raise rejected(ErrorCode.INVALID_SELECTION, "The selection file is not valid JSON.") from exc
    if not isinstance(raw, dict) or set(raw) - {"disabled"} or not isinstance(raw.get("disabled", {}), dict):
        raise rejected(ErrorCode.INVALID_SELECTION, 'The selection file must be {"disabled": {...}}.')
    disabled = raw.get("disabled", {})
    unknown = sorted(set(disabled) - set(_LISTS))
    if unknown:
        raise rejected(ErrorCode.INVALID_SELECTION, "The selection file has an unknown list.", lists=unknown)
    lists: dict[str, frozenset[str]] = {}
    for name in _LISTS:
        values = disabled.get(name, [])
        if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
            raise rejected(ErrorCode.INVALID_SELECTION, "A selection list must be a list of strings.", list=name)
        lists[name] = frozenset(values)
    return Selection(
        disabled_subjects=lists["subjects"],
        disabled_classes=lists["classes"],
        disabled_groups=lists["groups"],
        disabled_courses=lists["courses"],
    )


def subject_statuses(
    timetable: Timetable, selection: Selection | None, known_codes: Iterable[str] | None
) -> dict[str, SubjectStatus]:
    """Status by subject code; without a referential (``known_codes`` None) every enabled subject is unknown."""
    known = frozenset(known_codes or ())
    disabled = selection.disabled_subjects if selection is not None else frozenset()
    statuses: dict[str, SubjectStatus] = {}
    for subject in timetable.subjects.values():
        if subject.code in disabled:
            statuses[subject.code] = SubjectStatus.DISABLED
        elif subject.code in known:
            statuses[subject.code] = SubjectStatus.RECOGNISED
        else:
            statuses[subject.code] = SubjectStatus.UNKNOWN
    return statuses
