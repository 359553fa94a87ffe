"""The planner's entry point: timetable + directory + previous state → the plan, its report, the next state."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.course_rules import DerivedCourse, derive_courses, year_node_key
from edt_import.domain.deletion_guard import Deletions, GuardSettings, check_deletions, guard_figures
from edt_import.domain.diff import Changes, diff_courses, diff_events, diff_members, reuse_course, reuse_event
from edt_import.domain.directory import DirectoryPerson, PersonKey
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.membership import Rosters, build_rosters, course_members
from edt_import.domain.occurrences import (
    LessonCalendar,
    UtcClock,
    course_occurrences,
    event_description,
    event_title,
    zone_named,
)
from edt_import.domain.plan import CourseSpec, EventSpec, Hold, MemberSpec, Plan, Role, YearNode
from edt_import.domain.reconciliation import Conflict, Reconciliation, Unmatched, reconcile
from edt_import.domain.selection import Selection, SubjectStatus, subject_statuses
from edt_import.domain.timetable import Timetable


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanSettings:
    today: date  # the import date: nothing is planned before it
    timezone: str = "Europe/Paris"
    school_node_key: str | None = None  # the establishment's node in itslearning; default the UAI
    guard: GuardSettings = field(default_factory=GuardSettings)
    known_subject_codes: frozenset[str] | None = None  # the ENT's subject referential, when known


@dataclass(frozen=True, slots=True, kw_only=True)
class CourseReport:
    key: str
    title: str
    teachers: int  # matched members
    students: int
    events: int  # from the import date on


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanReport:
    courses: tuple[CourseReport, ...]
    skipped_lessons: dict[str, int]
    matched_teachers: int
    matched_students: int
    unmatched: tuple[Unmatched, ...]
    conflicts: tuple[Conflict, ...]
    actions: dict[str, int]
    hold: Hold | None
    guard_figures: dict[str, int]
    subjects: dict[str, SubjectStatus]
    new_pronote_ids: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanResult:
    plan: Plan
    report: PlanReport
    events: Mapping[str, EventSpec]  # every planned event from the import date on, changed or not
    state: AppliedState  # the state once every action has succeeded (``--write-state``)


def plan_import(
    timetable: Timetable,
    directory: Iterable[DirectoryPerson],
    *,
    previous: AppliedState | None,
    selection: Selection | None,
    settings: PlanSettings,
) -> PlanResult:
    """Compute exactly what itslearning must receive for this export, as keyed minimal actions."""
    if previous is not None and previous.uai != timetable.uai:
        raise rejected(ErrorCode.INVALID_STATE, "The saved import state belongs to another establishment.")
    previous = previous if previous is not None else AppliedState(uai=timetable.uai)
    year = _year_node(timetable, settings)
    in_year = f"{year.key}:"
    derivation = derive_courses(timetable)
    courses = [c for c in derivation.courses if selection is None or selection.allows(c)]
    people = reconcile(timetable, directory, known_pronote_ids=previous.pronote_ids)
    calendar = LessonCalendar(
        timetable=timetable,
        today=settings.today,
        clock=UtcClock(zone=zone_named(settings.timezone)),
        teacher_keys=people.teachers,
    )
    previous_courses = {k: c for k, c in previous.courses.items() if k.startswith(in_year)}
    previous_members = {k: m for k, m in previous.members.items() if m.course_key.startswith(in_year)}
    previous_future = {
        k: e for k, e in previous.events.items() if e.local_date >= settings.today and e.course_key.startswith(in_year)
    }
    desired = _Desired()
    # Before the year starts (set-up imports in late August) pupils are counted as of its first day.
    rosters = build_rosters(timetable, max(settings.today, timetable.school_year.start))
    reports = [
        _plan_course(
            course=course,
            year=year,
            timetable=timetable,
            rosters=rosters,
            people=people,
            calendar=calendar,
            previous=previous,
            previous_future=previous_future,
            desired=desired,
        )
        for course in courses
    ]
    changes = Changes.empty()
    diff_courses(desired.courses, previous_courses, changes)
    diff_members(desired.members, previous_members, changes)
    diff_events(desired.events, previous_future, changes)
    counts = changes.counts()
    deletions = {
        "courses": Deletions(deleted=counts["delete_course"], before=len(previous_courses)),
        "members": Deletions(deleted=counts["remove_member"], before=len(previous_members)),
        "events": Deletions(deleted=counts["delete_event"], before=len(previous_future)),
    }
    hold = check_deletions(deletions, empty_export=not timetable.lessons, settings=settings.guard)
    pronote_ids = {**previous.pronote_ids, **people.new_pronote_ids}
    plan = Plan(uai=timetable.uai, year_node=year, actions=changes.actions(), pronote_ids=pronote_ids, hold=hold)
    report = PlanReport(
        courses=tuple(reports),
        skipped_lessons={reason.value: count for reason, count in sorted(derivation.skipped.items())},
        matched_teachers=len(people.teachers),
        matched_students=len(people.students),
        unmatched=people.unmatched,
        conflicts=people.conflicts,
        actions=counts,
        hold=hold,
        guard_figures=guard_figures(deletions),
        subjects=subject_statuses(timetable, selection, settings.known_subject_codes),
        new_pronote_ids=len(people.new_pronote_ids),
    )
    return PlanResult(
        plan=plan,
        report=report,
        events=desired.events,
        state=_next_state(
            previous=previous,
            year=year,
            desired=desired,
            in_year=in_year,
            today=settings.today,
            pronote_ids=pronote_ids,
        ),
    )


@dataclass(slots=True)
class _Desired:
    courses: dict[str, CourseSpec] = field(default_factory=dict)
    members: dict[str, MemberSpec] = field(default_factory=dict)
    events: dict[str, EventSpec] = field(default_factory=dict)


def _year_node(timetable: Timetable, settings: PlanSettings) -> YearNode:
    return YearNode(
        key=year_node_key(timetable),
        title=f"Cours {timetable.school_year.label}",
        parent_key=settings.school_node_key or timetable.uai,
    )


def _plan_course(
    *,
    course: DerivedCourse,
    year: YearNode,
    timetable: Timetable,
    rosters: Rosters,
    people: Reconciliation,
    calendar: LessonCalendar,
    previous: AppliedState,
    previous_future: Mapping[str, EventSpec],
    desired: _Desired,
) -> CourseReport:
    key = course.key
    spec = reuse_course(
        CourseSpec(key=key, title=course.title, code=course.subject.code, parent_key=year.key), previous.courses
    )
    desired.courses[key] = spec
    members = course_members(course, timetable, rosters)
    teacher_keys = {people.teachers[i] for i in members.teachers if i in people.teachers}
    student_keys = {people.students[i] for i in members.students if i in people.students}
    member_table = desired.members
    for role, person_keys in ((Role.INSTRUCTOR, teacher_keys), (Role.LEARNER, student_keys)):
        suffix = f"|{role.value}"
        for person_key in sorted(person_keys):
            member = f"{key}|{person_key}{suffix}"  # applied_state.member_key, inlined on this hot path
            old = previous.members.get(member)
            member_table[member] = (
                old if old is not None else MemberSpec(key=member, course_key=key, person_key=person_key, role=role)
            )
    title = event_title(spec.title)
    descriptions: dict[tuple[str, ...], str] = {}
    events = desired.events
    count = 0
    for event_key, day, start, end, rooms, teachers in course_occurrences(course, calendar):
        description = descriptions.get(rooms)
        if description is None:
            description = descriptions[rooms] = event_description(rooms)
        events[event_key] = reuse_event(
            key=event_key,
            course_key=key,
            title=title,
            start=start,
            end=end,
            local_date=day,
            rooms=rooms,
            teachers=teachers,
            description=description,
            previous=previous_future,
        )
        count += 1
    return CourseReport(key=key, title=spec.title, teachers=len(teacher_keys), students=len(student_keys), events=count)


def _next_state(
    *,
    previous: AppliedState,
    year: YearNode,
    desired: _Desired,
    in_year: str,
    today: date,
    pronote_ids: dict[str, PersonKey],
) -> AppliedState:
    """What ``previous.record(all actions)`` would give: other years kept, past events kept, the rest as planned."""
    courses = {k: c for k, c in previous.courses.items() if not k.startswith(in_year)}
    courses.update(desired.courses)
    members = {k: m for k, m in previous.members.items() if not m.course_key.startswith(in_year)}
    members.update(desired.members)
    events = {k: e for k, e in previous.events.items() if e.local_date < today or not e.course_key.startswith(in_year)}
    events.update(desired.events)
    return AppliedState(
        uai=previous.uai, year_node=year, courses=courses, members=members, events=events, pronote_ids=pronote_ids
    )
