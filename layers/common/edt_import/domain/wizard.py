"""The manual import's wizard: what an export offers to choose from, and the administrator's choices over it.

After reconciliation the pipeline computes the wizard's lists once (``wizard_lists``): the export's subjects,
classes, groups, the courses they make (with their matched members) and the people with their matching. The
administrator then switches things off (a ``Selection`` in its ``disabled`` form); ``wizard_view`` shows the
lists under those choices and the ENT's subject referential, ``checked_selection`` refuses a choice naming
something the export does not have, and ``stored_selection`` turns the launched choices into the allow-list the
automatic imports re-apply (the same as a plan records with ``record_selection``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from msgspec import Struct

from edt_import.domain.course_rules import AudienceKind, derive_courses
from edt_import.domain.directory import DirectoryPerson, PersonKey
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.membership import build_rosters, course_members
from edt_import.domain.plan import Role
from edt_import.domain.reconciliation import ConflictKind, Reconciliation, reconcile
from edt_import.domain.selection import LISTS, Choices, Selection, StoredSelection
from edt_import.domain.subject_referential import SubjectStatus
from edt_import.domain.timetable import Timetable

WIZARD_SCHEMA = 1
_SHOWN_IN_MESSAGE = 5  # unknown names quoted in a refusal; the rest counted


class SubjectEntry(Struct, frozen=True, kw_only=True):
    code: str
    label: str


class CourseEntry(Struct, frozen=True, kw_only=True):
    key: str
    title: str
    subject_code: str
    kind: AudienceKind
    audience_name: str
    teachers: int  # matched members
    students: int


class UserEntry(Struct, frozen=True, kw_only=True):
    """One timetable person as the wizard's users screen shows them (personal data: the API only, never a log)."""

    role: Role
    last_name: str
    first_name: str
    birth_date: date | None
    matched: bool
    reason: str | None  # why not matched (``not_found``, ``ambiguous``)
    rekey: bool  # matched, but the account is known under another Pronote id (to confirm)


class WizardLists(Struct, frozen=True, kw_only=True):
    uai: str
    subjects: tuple[SubjectEntry, ...]  # in code order
    classes: tuple[str, ...]  # names, sorted
    groups: tuple[str, ...]
    courses: tuple[CourseEntry, ...]  # in key order
    users: tuple[UserEntry, ...]  # teachers then students, by name

    def present(self) -> dict[str, frozenset[str]]:
        """What each list of a selection may name: subject codes, class and group names, course keys."""
        return {
            "subjects": frozenset(subject.code for subject in self.subjects),
            "classes": frozenset(self.classes),
            "groups": frozenset(self.groups),
            "courses": frozenset(course.key for course in self.courses),
        }


def wizard_lists(
    timetable: Timetable,
    directory: Iterable[DirectoryPerson],
    *,
    known_pronote_ids: Mapping[str, PersonKey],
    today: date,
) -> WizardLists:
    """The lists of the wizard for this export and these accounts (the same rules as the plan)."""
    derivation = derive_courses(timetable)
    people = reconcile(timetable, directory, known_pronote_ids=known_pronote_ids)
    rosters = build_rosters(timetable, max(today, timetable.school_year.start), people.students)
    courses = []
    for course in derivation.courses:
        members = course_members(course, timetable, rosters, teacher_accounts=people.teachers)
        courses.append(
            CourseEntry(
                key=course.key,
                title=course.title,
                subject_code=course.subject.code,
                kind=course.kind,
                audience_name=course.audience_name,
                teachers=len(members.teachers),
                students=len(members.students),
            )
        )
    subjects = {subject.code: subject.label for subject in timetable.subjects.values()}
    return WizardLists(
        uai=timetable.uai,
        subjects=tuple(SubjectEntry(code=code, label=label) for code, label in sorted(subjects.items())),
        classes=tuple(sorted({school_class.name for school_class in timetable.classes.values()})),
        groups=tuple(sorted({group.name for group in timetable.groups.values()})),
        courses=tuple(courses),
        users=_users(timetable, people),
    )


def _users(timetable: Timetable, people: Reconciliation) -> tuple[UserEntry, ...]:
    reasons = {(u.person.role, u.person.ident): u.reason.value for u in people.unmatched}
    rekeys = {
        (c.person.role, c.person.ident) for c in people.conflicts if c.kind is ConflictKind.ACCOUNT_HAS_OTHER_IDPN
    }
    rows: list[UserEntry] = []
    for role, persons, matched in (
        (Role.INSTRUCTOR, timetable.teachers.values(), people.teachers),
        (Role.LEARNER, timetable.students.values(), people.students),
    ):
        rows.extend(
            UserEntry(
                role=role,
                last_name=person.last_name,
                first_name=person.first_name,
                birth_date=person.birth_date if role is Role.LEARNER else None,
                matched=person.ident in matched,
                reason=None if person.ident in matched else reasons.get((role, person.ident), "not_found"),
                rekey=(role, person.ident) in rekeys,
            )
            for person in persons
        )
    return tuple(sorted(rows, key=lambda row: (row.role is Role.LEARNER, row.last_name, row.first_name)))


# --- the administrator's choices ------------------------------------------------------------------------------


def checked_selection(lists: WizardLists, disabled: Mapping[str, Iterable[str]]) -> Selection:
    """The ``disabled`` lists as a selection, refused (``invalid_selection``) if one names what the export lacks."""
    unknown_lists = sorted(set(disabled) - set(LISTS))
    if unknown_lists:
        raise rejected(ErrorCode.INVALID_SELECTION, f"Unknown selection list: {', '.join(unknown_lists)}.")
    present = lists.present()
    chosen = {name: frozenset(disabled.get(name, ())) for name in LISTS}
    for name in LISTS:
        unknown = sorted(chosen[name] - present[name])
        if unknown:
            raise rejected(
                ErrorCode.INVALID_SELECTION,
                f"The selection switches off {name} this import does not have: {_quoted(unknown)}.",
                list=name,
                unknown=len(unknown),
            )
    return Selection(
        disabled_subjects=chosen["subjects"],
        disabled_classes=chosen["classes"],
        disabled_groups=chosen["groups"],
        disabled_courses=chosen["courses"],
    )


def checked_subject_codes(lists: WizardLists, codes: Iterable[str]) -> frozenset[str]:
    """Subject codes to add to the referential: only the export's own subjects can be added from the wizard."""
    wanted = frozenset(codes)
    unknown = sorted(wanted - lists.present()["subjects"])
    if unknown:
        raise rejected(
            ErrorCode.INVALID_SUBJECTS,
            f"Only this import's subjects can be added to the referential; unknown: {_quoted(unknown)}.",
            unknown=len(unknown),
        )
    return wanted


def _quoted(names: list[str]) -> str:
    shown = ", ".join(names[:_SHOWN_IN_MESSAGE])
    rest = len(names) - _SHOWN_IN_MESSAGE
    return shown + (f" and {rest} more" if rest > 0 else "")


def off_by(selection: Selection, course: CourseEntry) -> str | None:
    return selection.switched_off_by(
        subject_code=course.subject_code,
        kind=course.kind,
        audience_name=course.audience_name,
        key=course.key,
        title=course.title,
    )


def default_selection(lists: WizardLists, stored: StoredSelection | None) -> Selection:
    """The choices the wizard opens with: those of the last manual import, for what this export still has.

    A course the stored selection left out only because its subject, class or group was switched off is not
    switched off on its own: enabling that subject again brings its courses back.
    """
    if stored is None:
        return Selection()
    present = lists.present()
    base = Selection(
        disabled_subjects=stored.subjects.disabled & present["subjects"],
        disabled_classes=stored.classes.disabled & present["classes"],
        disabled_groups=stored.groups.disabled & present["groups"],
    )
    own = frozenset(
        course.key for course in lists.courses if course.key in stored.courses.disabled and off_by(base, course) is None
    )
    return Selection(
        disabled_subjects=base.disabled_subjects,
        disabled_classes=base.disabled_classes,
        disabled_groups=base.disabled_groups,
        disabled_courses=own,
    )


def stored_selection(lists: WizardLists, selection: Selection) -> StoredSelection:
    """The allow-list the automatic imports re-apply after this manual import (what ``record_selection`` keeps)."""
    present = lists.present()
    switched_off = {
        "subjects": selection.disabled_subjects,
        "classes": selection.disabled_classes,
        "groups": selection.disabled_groups,
    }
    choices = {
        name: Choices(enabled=present[name] - off, disabled=present[name] & off) for name, off in switched_off.items()
    }
    refused = frozenset(course.key for course in lists.courses if off_by(selection, course) is not None)
    choices["courses"] = Choices(enabled=present["courses"] - refused, disabled=refused)
    return StoredSelection(uai=lists.uai, **choices)


# --- what the wizard shows --------------------------------------------------------------------------------------


class SubjectRow(Struct, frozen=True, kw_only=True):
    code: str
    label: str
    status: SubjectStatus
    courses: int


class NamedRow(Struct, frozen=True, kw_only=True):
    name: str
    enabled: bool


class CourseRow(Struct, frozen=True, kw_only=True):
    key: str
    title: str
    subject_code: str
    audience: str  # the class or group name
    audience_kind: str  # "class" | "group"
    enabled: bool  # imported under the current choices
    switched_off_by: str | None  # the list that leaves it out: subjects, classes, groups or courses
    teachers: int
    students: int


class WizardView(Struct, frozen=True, kw_only=True):
    subjects: tuple[SubjectRow, ...]
    classes: tuple[NamedRow, ...]
    groups: tuple[NamedRow, ...]
    courses: tuple[CourseRow, ...]
    users: tuple[UserEntry, ...]
    selection: Selection


def wizard_view(lists: WizardLists, selection: Selection, referential: frozenset[str]) -> WizardView:
    made: dict[str, int] = {}
    for course in lists.courses:
        made[course.subject_code] = made.get(course.subject_code, 0) + 1
    subjects = tuple(
        SubjectRow(
            code=subject.code,
            label=subject.label,
            status=_subject_status(subject.code, selection, referential),
            courses=made.get(subject.code, 0),
        )
        for subject in lists.subjects
    )
    courses = []
    for course in lists.courses:
        reason = off_by(selection, course)
        courses.append(
            CourseRow(
                key=course.key,
                title=course.title,
                subject_code=course.subject_code,
                audience=course.audience_name,
                audience_kind="class" if course.kind is AudienceKind.SCHOOL_CLASS else "group",
                enabled=reason is None,
                switched_off_by=reason,
                teachers=course.teachers,
                students=course.students,
            )
        )
    return WizardView(
        subjects=subjects,
        classes=tuple(NamedRow(name=name, enabled=name not in selection.disabled_classes) for name in lists.classes),
        groups=tuple(NamedRow(name=name, enabled=name not in selection.disabled_groups) for name in lists.groups),
        courses=tuple(courses),
        users=lists.users,
        selection=selection,
    )


def _subject_status(code: str, selection: Selection, referential: frozenset[str]) -> SubjectStatus:
    if code in selection.disabled_subjects:
        return SubjectStatus.DISABLED
    return SubjectStatus.RECOGNISED if code in referential else SubjectStatus.UNKNOWN


# --- the stored forms ---------------------------------------------------------------------------------------------


def lists_to_dict(lists: WizardLists) -> dict[str, Any]:
    return {
        "kind": "edt-import-wizard",
        "wizard_schema": WIZARD_SCHEMA,
        "uai": lists.uai,
        "subjects": [[s.code, s.label] for s in lists.subjects],
        "classes": list(lists.classes),
        "groups": list(lists.groups),
        "courses": [
            [c.key, c.title, c.subject_code, c.kind.value, c.audience_name, c.teachers, c.students]
            for c in lists.courses
        ],
        "users": [
            [
                u.role.value,
                u.last_name,
                u.first_name,
                u.birth_date.isoformat() if u.birth_date else None,
                u.matched,
                u.reason,
                u.rekey,
            ]
            for u in lists.users
        ],
    }


def lists_from_dict(raw: Mapping[str, Any]) -> WizardLists:
    if raw.get("kind") != "edt-import-wizard" or raw.get("wizard_schema") != WIZARD_SCHEMA:
        raise rejected(ErrorCode.INVALID_STATE, "The import's wizard lists were written by another version.")
    return WizardLists(
        uai=str(raw["uai"]),
        subjects=tuple(SubjectEntry(code=code, label=label) for code, label in raw["subjects"]),
        classes=tuple(raw["classes"]),
        groups=tuple(raw["groups"]),
        courses=tuple(
            CourseEntry(
                key=row[0],
                title=row[1],
                subject_code=row[2],
                kind=AudienceKind(row[3]),
                audience_name=row[4],
                teachers=int(row[5]),
                students=int(row[6]),
            )
            for row in raw["courses"]
        ),
        users=tuple(
            UserEntry(
                role=Role(row[0]),
                last_name=row[1],
                first_name=row[2],
                birth_date=date.fromisoformat(row[3]) if row[3] else None,
                matched=bool(row[4]),
                reason=row[5],
                rekey=bool(row[6]),
            )
            for row in raw["users"]
        ),
    )
