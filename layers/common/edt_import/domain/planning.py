"""The planner's entry point: timetable + directory + previous state → the plan, its report, the next state.

Work is done on plain rows (a large school has ~280k members and events); the ``Plan`` with its action
objects, the event specs and the next ``AppliedState`` are built only when asked for. So are the event rows
themselves when the previous state holds no event of this year (a first plan): every one is then a creation,
and the report only needs their number, which the week masks give without dating a single occurrence. Likewise
the sorted member groups when it holds no member group of this year: every member is then an addition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from edt_import.domain.applied_state import AppliedState, EventRow, MemberGroup, event_from_row
from edt_import.domain.course_rules import DerivedCourse, derive_courses, year_node_key
from edt_import.domain.deletion_guard import Deletions, GuardSettings, check_deletions, guard_figures
from edt_import.domain.diff import Changes, diff_courses, diff_events, diff_members
from edt_import.domain.directory import DirectoryPerson, PersonKey
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.membership import CourseMembers, Rosters, build_rosters, course_members
from edt_import.domain.occurrences import (
    LessonCalendar,
    UtcClock,
    course_events,
    event_title,
    zone_named,
)
from edt_import.domain.plan import ActionType, CourseSpec, EventSpec, Hold, Plan, Role, YearNode
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
    selection_unknown: dict[str, tuple[str, ...]] = field(default_factory=dict)  # list -> names the export lacks


@dataclass(slots=True)
class _Desired:
    courses: dict[str, CourseSpec] = field(default_factory=dict)
    members: dict[str, MemberGroup] = field(default_factory=dict)
    events: dict[str, EventRow] = field(default_factory=dict)


@dataclass(slots=True)
class _PendingEvents:
    """The event rows of a plan whose events are all creations, dated on first need.

    Every key ``course_events`` yields is unique (one per course, date and start place, ``:2``... beyond), so
    the rows are as many as the counted weeks: building them later changes no figure of the report.
    """

    courses: list[DerivedCourse]
    calendar: LessonCalendar

    def build_into(self, desired: _Desired, changes: Changes) -> None:
        events = desired.events
        for course in self.courses:
            events.update(course_events(course, self.calendar, event_title(course.title)))
        changes.by_type[ActionType.CREATE_EVENT].extend(events.items())


@dataclass(slots=True)
class _PendingMembers:
    """Each course's members, to be sorted into groups (what ``diff_members`` gives when nothing was before)."""

    courses: list[tuple[str, CourseMembers]] = field(default_factory=list)

    def build_into(self, desired: _Desired, changes: Changes) -> None:
        adds = changes.by_type[ActionType.ADD_MEMBER]
        for key, members in self.courses:
            group = desired.members[key] = _member_group(members)
            for role, now in zip((Role.INSTRUCTOR, Role.LEARNER), group, strict=True):
                if now:
                    adds.append((key, role, now))


def _member_group(members: CourseMembers) -> MemberGroup:
    return (tuple(sorted(members.teachers)), tuple(sorted(members.students)))  # type: ignore[arg-type]


class PlanResult:
    """The report at once; the plan (actions), the event specs and the next state on first access."""

    def __init__(
        self,
        *,
        report: PlanReport,
        year_node: YearNode,
        changes: Changes,
        pronote_ids: dict[str, PersonKey],
        desired: _Desired,
        previous: AppliedState,
        in_year: str,
        today: date,
        pending: _PendingEvents | None = None,
        pending_members: _PendingMembers | None = None,
    ) -> None:
        self.report = report
        self.year_node = year_node
        self._changes = changes
        self._pronote_ids = pronote_ids
        self._desired = desired
        self._previous = previous
        self._in_year = in_year
        self._today = today
        self._pending = pending
        self._pending_members = pending_members
        self._plan: Plan | None = None
        self._events: dict[str, EventSpec] | None = None
        self._state: AppliedState | None = None

    def _desired_events(self) -> dict[str, EventRow]:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.build_into(self._desired, self._changes)
        return self._desired.events

    def _desired_members(self) -> dict[str, MemberGroup]:
        if self._pending_members is not None:
            pending, self._pending_members = self._pending_members, None
            pending.build_into(self._desired, self._changes)
        return self._desired.members

    @property
    def plan(self) -> Plan:
        if self._plan is None:
            self._desired_events()
            self._desired_members()
            self._plan = Plan(
                uai=self._previous.uai,
                year_node=self.year_node,
                actions=self._changes.actions(),
                pronote_ids=self._pronote_ids,
                hold=self.report.hold,
            )
        return self._plan

    @property
    def event_rows(self) -> Mapping[str, EventRow]:
        """Every planned event from the import date on, changed or not, as rows (in course and date order)."""
        return self._desired_events()

    @property
    def events(self) -> dict[str, EventSpec]:
        if self._events is None:
            self._events = {key: event_from_row(key, row) for key, row in self._desired_events().items()}
        return self._events

    @property
    def state(self) -> AppliedState:
        """What ``previous.record(all actions)`` gives: other years kept, past events kept, the rest as planned."""
        if self._state is None:
            previous, in_year, today = self._previous, self._in_year, self._today
            courses = {k: c for k, c in previous.courses.items() if not k.startswith(in_year)}
            courses.update(self._desired.courses)
            members = {k: g for k, g in previous.member_groups().items() if not k.startswith(in_year)}
            members.update(self._desired_members())
            events = {k: e for k, e in previous.event_rows().items() if e[4] < today or not e[0].startswith(in_year)}
            events.update(self._desired_events())
            self._state = AppliedState.from_rows(
                uai=previous.uai,
                year_node=self.year_node,
                courses=courses,
                member_groups=members,
                event_rows=events,
                pronote_ids=dict(self._pronote_ids),
            )
        return self._state


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
    desired = _Desired()
    previous_events = previous.event_rows()
    # Without an event of this year in the previous state, no desired event can update or delete one.
    pending = (
        _PendingEvents(courses=courses, calendar=calendar)
        if not any(key.startswith(in_year) for key in previous_events)
        else None
    )
    # Likewise for members: without a group of this year before, every member is an addition.
    pending_members = (
        _PendingMembers() if not any(key.startswith(in_year) for key in previous.member_groups()) else None
    )
    # Before the year starts (set-up imports in late August) pupils are counted as of its first day.
    rosters = build_rosters(timetable, max(settings.today, timetable.school_year.start), people.students)
    reports = [
        _plan_course(
            course=course,
            year=year,
            timetable=timetable,
            rosters=rosters,
            people=people,
            calendar=calendar,
            desired=desired,
            count_only=pending is not None,
            pending_members=pending_members,
        )
        for course in courses
    ]
    changes = Changes.empty()
    previous_courses = {k: c for k, c in previous.courses.items() if k.startswith(in_year)}
    diff_courses(desired.courses, previous_courses, changes)
    members_before = 0  # what diff_members gives with pending groups: every member an addition, none before
    if pending_members is None:
        members_before = diff_members(desired.members, previous.member_groups(), in_year=in_year, changes=changes)
    events_before = 0  # what diff_events gives with pending rows: every event a creation, none before
    if pending is None:
        events_before = diff_events(
            desired.events, previous_events, in_year=in_year, today=settings.today, changes=changes
        )
    counts = changes.counts()
    if pending is not None:
        counts[ActionType.CREATE_EVENT.value] = sum(report.events for report in reports)
    if pending_members is not None:
        counts[ActionType.ADD_MEMBER.value] = sum(report.teachers + report.students for report in reports)
    deletions = {
        "courses": Deletions(deleted=counts["delete_course"], before=len(previous_courses)),
        "members": Deletions(deleted=counts["remove_member"], before=members_before),
        "events": Deletions(deleted=counts["delete_event"], before=events_before),
    }
    hold = check_deletions(deletions, empty_export=not timetable.lessons, settings=settings.guard)
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
        selection_unknown=selection.unknown_names(timetable, derivation.courses) if selection is not None else {},
    )
    return PlanResult(
        report=report,
        year_node=year,
        changes=changes,
        pronote_ids={**previous.pronote_ids, **people.new_pronote_ids},
        desired=desired,
        previous=previous,
        in_year=in_year,
        today=settings.today,
        pending=pending,
        pending_members=pending_members,
    )


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
    desired: _Desired,
    count_only: bool,
    pending_members: _PendingMembers | None,
) -> CourseReport:
    key = course.key
    desired.courses[key] = CourseSpec(key=key, title=course.title, code=course.subject.code, parent_key=year.key)
    members = course_members(course, timetable, rosters, teacher_accounts=people.teachers)
    if pending_members is not None:
        pending_members.courses.append((key, members))
    else:
        desired.members[key] = _member_group(members)
    if count_only:
        count = sum(calendar.weeks_to_plan(item.lesson, item.weeks).bit_count() for item in course.lessons)
    else:
        event_rows = desired.events
        before = len(event_rows)
        event_rows.update(course_events(course, calendar, event_title(course.title)))
        count = len(event_rows) - before
    return CourseReport(
        key=key, title=course.title, teachers=len(members.teachers), students=len(members.students), events=count
    )
