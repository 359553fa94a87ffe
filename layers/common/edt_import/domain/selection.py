"""The wizard's choices (docs/rules.md, "Selection").

Two forms. A manual import brings the administrator's choices as what was switched off (``Selection``)::

    {"disabled": {"subjects": [codes], "classes": [names], "groups": [names], "courses": [keys or titles]}}

(every list optional). Disabling a class leaves out its subject + class courses; the courses of groups it belongs
to follow the groups list, as in the wizard, where classes and groups are separate screens. A name the export does
not know (renamed since, a typo) is not an error: the plan lists it (``unknown_names``).

Every plan then records what was chosen as a ``StoredSelection``: per list, what was enabled and what was disabled
at that manual import. It is an allow-list: an automatic import re-applying it imports only the courses enabled
then; a subject, class, group or course that was in neither list is new since, reported and not imported until
the next manual import. Its versioned JSON form is what a plan's state keeps and what the admin API stores per
establishment::

    {"kind": "edt-import-selection", "schema": 1, "uai": "0750001A",
     "subjects": {"enabled": [codes], "disabled": [codes]}, "classes": {...names}, "groups": {...names},
     "courses": {"enabled": [keys], "disabled": [keys]}}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from msgspec import Struct

from edt_import.domain.course_rules import AudienceKind, DerivedCourse
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.timetable import Timetable

LISTS = ("subjects", "classes", "groups", "courses")
STORED_KIND = "edt-import-selection"
STORED_SCHEMA = 1


class Selection(Struct, frozen=True, kw_only=True):
    """What the administrator switched off in the wizard of a manual import."""

    disabled_subjects: frozenset[str] = frozenset()  # subject codes
    disabled_classes: frozenset[str] = frozenset()  # class names
    disabled_groups: frozenset[str] = frozenset()  # group names
    disabled_courses: frozenset[str] = frozenset()  # course keys or titles

    def allows(self, course: DerivedCourse) -> bool:
        return (
            self.switched_off_by(
                subject_code=course.subject.code,
                kind=course.kind,
                audience_name=course.audience_name,
                key=course.key,
                title=course.title,
            )
            is None
        )

    def switched_off_by(
        self, *, subject_code: str, kind: AudienceKind, audience_name: str, key: str, title: str
    ) -> str | None:
        """The list that leaves a course out (``subjects``, ``classes``, ``groups``, ``courses``), or None."""
        if subject_code in self.disabled_subjects:
            return "subjects"
        if kind is AudienceKind.SCHOOL_CLASS and audience_name in self.disabled_classes:
            return "classes"
        if kind is AudienceKind.GROUP and audience_name in self.disabled_groups:
            return "groups"
        if key in self.disabled_courses or title in self.disabled_courses:
            return "courses"
        return None

    def unknown_names(self, timetable: Timetable, courses: Iterable[DerivedCourse]) -> dict[str, tuple[str, ...]]:
        """By list, the disabled entries matching nothing in this export (lists with none left out)."""
        course_names: set[str] = set()
        for course in courses:
            course_names.update((course.key, course.title))
        present = _present(timetable, ())
        present["courses"] = frozenset(course_names)
        disabled = dict(zip(LISTS, self._lists(), strict=True))
        unknown = {name: tuple(sorted(disabled[name] - present[name])) for name in LISTS}
        return {name: values for name, values in unknown.items() if values}

    def _lists(self) -> tuple[frozenset[str], ...]:
        return (self.disabled_subjects, self.disabled_classes, self.disabled_groups, self.disabled_courses)

    def to_json(self) -> str:
        lists = dict(zip(LISTS, (sorted(values) for values in self._lists()), strict=True))
        return json.dumps({"disabled": lists}, ensure_ascii=False)


class Choices(Struct, frozen=True, kw_only=True):
    """One list of the wizard: what was enabled and what was disabled (together: what the wizard showed)."""

    enabled: frozenset[str] = frozenset()
    disabled: frozenset[str] = frozenset()

    @property
    def known(self) -> frozenset[str]:
        return self.enabled | self.disabled


class NewSince(Struct, frozen=True, kw_only=True):
    """What an export has that the last manual import did not show (all empty without a stored selection)."""

    subjects: tuple[str, ...] = ()  # codes
    classes: tuple[str, ...] = ()  # names
    groups: tuple[str, ...] = ()  # names
    courses: tuple[tuple[str, str], ...] = ()  # key, title; in key order


class StoredSelection(Struct, frozen=True, kw_only=True):
    """The selection of the last manual import, re-applied as it was by the automatic imports after it."""

    uai: str
    subjects: Choices  # subject codes
    classes: Choices  # class names
    groups: Choices  # group names
    courses: Choices  # course keys

    def allows(self, course: DerivedCourse) -> bool:
        return course.key in self.courses.enabled

    def new_since(self, timetable: Timetable, courses: Iterable[DerivedCourse]) -> NewSince:
        """What this export has that the manual import did not show: reported, not imported."""
        courses = tuple(courses)
        present = _present(timetable, courses)
        new = {name: present[name] - choices.known for name, choices in self._by_list().items()}
        return NewSince(
            subjects=tuple(sorted(new["subjects"])),
            classes=tuple(sorted(new["classes"])),
            groups=tuple(sorted(new["groups"])),
            courses=tuple((course.key, course.title) for course in courses if course.key in new["courses"]),
        )

    def _by_list(self) -> dict[str, Choices]:
        return dict(zip(LISTS, (self.subjects, self.classes, self.groups, self.courses), strict=True))

    def to_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {"kind": STORED_KIND, "schema": STORED_SCHEMA, "uai": self.uai}
        for name, choices in self._by_list().items():
            document[name] = {"enabled": sorted(choices.enabled), "disabled": sorted(choices.disabled)}
        return document

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, raw: object) -> StoredSelection:
        """Read the stored form; refuse anything else with ``invalid_selection``."""
        if not isinstance(raw, dict) or raw.get("kind") != STORED_KIND:
            raise rejected(ErrorCode.INVALID_SELECTION, "The stored selection is not an edt-import selection.")
        if raw.get("schema") != STORED_SCHEMA:
            raise rejected(ErrorCode.INVALID_SELECTION, "The stored selection has an unknown schema version.")
        uai = raw.get("uai")
        if not isinstance(uai, str) or set(raw) - {"kind", "schema", "uai", *LISTS}:
            raise rejected(ErrorCode.INVALID_SELECTION, "The stored selection has an unexpected field or no UAI.")
        lists = {name: _choices(raw.get(name, {}), name) for name in LISTS}
        return cls(uai=uai, **lists)


AnySelection = Selection | StoredSelection


def _choices(raw: object, name: str) -> Choices:
    if not isinstance(raw, dict) or set(raw) - {"enabled", "disabled"}:
        raise rejected(ErrorCode.INVALID_SELECTION, "A stored selection list must be {enabled, disabled}.", list=name)
    return Choices(enabled=_strings(raw.get("enabled", []), name), disabled=_strings(raw.get("disabled", []), name))


def _strings(values: object, name: str) -> frozenset[str]:
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise rejected(ErrorCode.INVALID_SELECTION, "A selection list must be a list of strings.", list=name)
    return frozenset(values)


def _present(timetable: Timetable, courses: Iterable[DerivedCourse]) -> dict[str, frozenset[str]]:
    """What the export shows in each list: subject codes, class and group names, course keys."""
    return {
        "subjects": frozenset(subject.code for subject in timetable.subjects.values()),
        "classes": frozenset(school_class.name for school_class in timetable.classes.values()),
        "groups": frozenset(group.name for group in timetable.groups.values()),
        "courses": frozenset(course.key for course in courses),
    }


def record_selection(
    selection: AnySelection | None, timetable: Timetable, courses: Iterable[DerivedCourse]
) -> StoredSelection:
    """What a plan keeps for the automatic imports after it: a stored selection unchanged (only a manual import
    changes it), else what this export shows, enabled unless the manual choices disabled it."""
    if isinstance(selection, StoredSelection):
        return selection
    courses = tuple(courses)
    present = _present(timetable, courses)
    disabled = dict(zip(LISTS, selection._lists() if selection is not None else ((),) * 4, strict=True))
    lists = {name: _split(present[name], disabled[name]) for name in LISTS[:3]}
    refused = frozenset(course.key for course in courses if selection is not None and not selection.allows(course))
    lists["courses"] = Choices(enabled=present["courses"] - refused, disabled=refused)
    return StoredSelection(uai=timetable.uai, **lists)


def _split(present: frozenset[str], disabled: Iterable[str]) -> Choices:
    off = present.intersection(disabled)
    return Choices(enabled=present - off, disabled=off)


def parse_selection(text: str | bytes) -> AnySelection:
    """Read a selection file: the wizard's ``{"disabled": ...}``, a stored selection, or a plan's state holding
    one (``--write-state``); refuse anything else."""
    raw = _json_or_state(text)
    if isinstance(raw, dict) and raw.get("kind") == STORED_KIND:
        return StoredSelection.from_dict(raw)
    if isinstance(raw, dict) and "schema" in raw and "uai" in raw:  # a saved state
        if raw.get("selection") is None:
            raise rejected(ErrorCode.INVALID_SELECTION, "The saved state holds no selection.")
        return StoredSelection.from_dict(raw["selection"])
    return _disabled_form(raw)


def _json_or_state(text: str | bytes) -> object:
    """``text`` as JSON, or the first line of a saved state (JSON lines: its selection is on the first)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested beyond any sense
        first = text.split(b"\n", 1)[0] if isinstance(text, bytes) else text.split("\n", 1)[0]
        try:
            header = json.loads(first)
        except (ValueError, RecursionError):
            header = None
        if isinstance(header, dict) and "schema" in header and "uai" in header:
            return header
        raise rejected(ErrorCode.INVALID_SELECTION, "The selection file is not valid JSON.") from exc


def _disabled_form(raw: object) -> Selection:
    if not isinstance(raw, dict) or set(raw) - {"disabled"} or not isinstance(raw.get("disabled", {}), dict):
        raise rejected(ErrorCode.INVALID_SELECTION, 'The selection file must be {"disabled": {...}}.')
    disabled: Mapping[str, object] = raw.get("disabled", {})
    unknown = sorted(set(disabled) - set(LISTS))
    if unknown:
        raise rejected(ErrorCode.INVALID_SELECTION, "The selection file has an unknown list.", lists=unknown)
    lists = {name: _strings(disabled.get(name, []), name) for name in LISTS}
    return Selection(
        disabled_subjects=lists["subjects"],
        disabled_classes=lists["classes"],
        disabled_groups=lists["groups"],
        disabled_courses=lists["courses"],
    )
