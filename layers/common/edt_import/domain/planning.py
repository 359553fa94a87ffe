"""The planner's entry point: timetable + directory + previous state → the plan, its report, the next state.

Members and events are planned course by course as groups and column blocks (see ``applied_state``); the
``Plan`` with its action objects is built only when asked for (a sync, not the ``plan`` command).

A first plan of the year (no event of this year in the previous state) only counts its events from the week
masks: every one is a creation. Their blocks are built when the plan, the events or the state are asked
for. Kept because it saves more than 10 % of the whole ``plan`` process on the largest export (measured with
benchmarks/plan_bench.py; the member groups, once built lazily too, saved under 5 % and are built at once).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from msgspec import Struct, field

from edt_import.domain.applied_state import (
    AppliedState,
    CourseEvents,
    EventBlocks,
    MemberGroup,
    StoredBlock,
    member_counts,
)
from edt_import.domain.course_rules import (
    DerivedCourse,
    SkippedLesson,
    SkipReason,
    count_reasons,
    derive_courses,
    skipped_lesson,
    year_node_key,
)
from edt_import.domain.deletion_guard import Deletions, GuardSettings, check_deletions, guard_figures
from edt_import.domain.diff import Changes, diff_courses, diff_events, diff_members, upcoming_events
from edt_import.domain.directory import DirectoryPerson, PersonKey
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.left_out import LeftOut, left_out
from edt_import.domain.membership import Rosters, build_rosters, course_members, members_facts
from edt_import.domain.occurrences import (
    LessonCalendar,
    UtcClock,
    course_events,
    course_fingerprint,
    event_title,
    zone_named,
)
from edt_import.domain.plan import ActionType, CourseSpec, EventSpec, Hold, Plan, YearNode
from edt_import.domain.reconciliation import Conflict, Reconciliation, Unmatched, reconcile
from edt_import.domain.selection import AnySelection, NewSince, Selection, StoredSelection, record_selection
from edt_import.domain.subject_referential import SubjectReport, subject_reports
from edt_import.domain.timetable import Timetable


class PlanSettings(Struct, frozen=True, kw_only=True):
    today: date  # the import date: nothing is planned before it
    timezone: str = "Europe/Paris"
    school_node_key: str | None = None  # the establishment's node in itslearning; default the UAI
    guard: GuardSettings = field(default_factory=GuardSettings)
    known_subject_codes: frozenset[str] | None = None  # the ENT's subject referential, when known


class CourseReport(Struct, frozen=True, kw_only=True):
    key: str
    title: str
    teachers: int  # matched members
    students: int
    events: int  # from the import date on


class PlanReport(Struct, frozen=True, kw_only=True):
    courses: tuple[CourseReport, ...]
    skipped_lessons: tuple[SkippedLesson, ...]  # every lesson not imported, in export order
    skipped_counts: dict[SkipReason, int]  # lessons per reason, every reason present
    left_out: LeftOut
    matched_teachers: int
    matched_students: int
    unmatched: tuple[Unmatched, ...]
    conflicts: tuple[Conflict, ...]
    actions: dict[str, int]
    hold: Hold | None
    guard_figures: dict[str, int]
    subjects: tuple[SubjectReport, ...]
    new_pronote_ids: int
    selection: StoredSelection  # what the automatic imports after this one re-apply
    new: NewSince = field(default_factory=NewSince)  # left out under a stored selection until a manual import
    selection_unknown: dict[str, tuple[str, ...]] = field(default_factory=dict)  # list -> names the export lacks


class _Desired(Struct, kw_only=True):
    """The planned courses, members and events; some courses' events counted but not built (``pending``)."""

    calendar: LessonCalendar
    rosters: Rosters
    first: bool  # no event of this year in the previous state: every event is a creation
    courses: dict[str, CourseSpec] = field(default_factory=dict)
    members: dict[str, MemberGroup] = field(default_factory=dict)  # worked out: every course but ``unchanged``
    events: dict[str, CourseEvents] = field(default_factory=dict)  # built, courses with events only
    pending: list[DerivedCourse] = field(default_factory=list)  # counted, not built yet
    unchanged: set[str] = field(default_factory=set)  # same fingerprint as in the previous state: kept as they were
    derived: list[DerivedCourse] = field(default_factory=list)  # every planned course, in order
    fingerprints: dict[str, str] = field(default_factory=dict)  # filled at once unless ``first``

    def built_events(self, changes: Changes) -> dict[str, CourseEvents]:
        if self.pending:
            courses, self.pending = self.pending, []
            for course in courses:
                _build_events(course, self.calendar, self)
            if self.first:
                changes.events[ActionType.CREATE_EVENT].extend(self.events.items())
            else:  # unchanged courses built on request: back into course order
                self.events = {c.key: self.events[c.key] for c in self.derived if c.key in self.events}
        return self.events

    def all_fingerprints(self) -> dict[str, str]:
        if self.first and len(self.fingerprints) < len(self.derived):
            facts = self.calendar.facts()
            self.fingerprints = {c.key: self.fingerprint(c, facts) for c in self.derived}
        return self.fingerprints

    def fingerprint(self, course: DerivedCourse, facts: str) -> str:
        calendar = self.calendar
        members = members_facts(course, calendar.timetable, self.rosters, teacher_accounts=calendar.teacher_keys)
        return course_fingerprint(course, calendar, event_title(course.title), facts, members)


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
        past_events: dict[str, CourseEvents],
        today: date,
    ) -> None:
        self.report = report
        self.year_node = year_node
        self._changes = changes
        self._pronote_ids = pronote_ids
        self._desired = desired
        self._previous = previous
        self._in_year = in_year
        self._past_events = past_events
        self._today = today
        self._plan: Plan | None = None
        self._state: AppliedState | None = None

    @property
    def plan(self) -> Plan:
        if self._plan is None:
            if self._desired.first:  # its creations join the changes; unchanged courses have no action to build
                self._desired.built_events(self._changes)
            self._plan = Plan(
                uai=self._previous.uai,
                year_node=self.year_node,
                actions=self._changes.actions(),
                pronote_ids=self._pronote_ids,
                hold=self.report.hold,
                selection=self.report.selection,
                planned_on=self._today,
                fingerprints=self._desired.all_fingerprints(),
            )
        return self._plan

    @property
    def course_events(self) -> dict[str, CourseEvents]:
        """Every planned event from the import date on, changed or not, by course (in course and lesson order)."""
        return self._desired.built_events(self._changes)

    @property
    def events(self) -> dict[str, EventSpec]:
        return {spec.key: spec for key, block in self.course_events.items() for spec in block.specs(key)}

    @property
    def state(self) -> AppliedState:
        """What ``previous.recorded(all actions)`` gives: other years kept, past events kept, the rest as planned; a
        course whose fingerprint did not change keeps its events as they were stored."""
        if self._state is None:
            previous, in_year, desired = self._previous, self._in_year, self._desired
            courses = {k: c for k, c in previous.courses.items() if not k.startswith(in_year)}
            courses.update(desired.courses)
            members = previous.member_groups  # when no member is added or removed, as they were (and stored)
            if any(self._changes.members.values()):
                held = previous.member_groups
                members = {k: held[k] for k in held if not k.startswith(in_year) or k in desired.unchanged}
                members.update((k, g) for k, g in desired.members.items() if any(g))
            kept = previous.course_events
            events: dict[str, CourseEvents | StoredBlock] = {
                k: kept.held(k) for k in kept if not k.startswith(in_year) or k in desired.unchanged
            }
            events.update(self._past_events)
            planned = self.course_events if desired.first else desired.events
            for key, block in planned.items():
                if key not in desired.unchanged:
                    past = self._past_events.get(key)
                    events[key] = past + block if past is not None else block
            self._state = AppliedState(
                uai=previous.uai,
                year_node=self.year_node,
                courses=courses,
                member_groups=members,
                course_events=EventBlocks(events),
                pronote_ids=dict(self._pronote_ids),
                selection=self.report.selection,
                fingerprints=desired.all_fingerprints(),
                planned_on=self._today,
            )
        return self._state


def plan_import(
    timetable: Timetable,
    directory: Iterable[DirectoryPerson],
    *,
    previous: AppliedState | None,
    selection: AnySelection | None,
    settings: PlanSettings,
) -> PlanResult:
    """Compute exactly what itslearning must receive for this export, as keyed minimal actions."""
    if previous is not None and previous.uai != timetable.uai:
        raise rejected(ErrorCode.INVALID_STATE, "The saved import state belongs to another establishment.")
    previous = previous if previous is not None else AppliedState(uai=timetable.uai)
    year = _year_node(timetable, settings)
    in_year = f"{year.key}:"
    if isinstance(selection, StoredSelection) and selection.uai != timetable.uai:
        raise rejected(ErrorCode.INVALID_SELECTION, "The stored selection belongs to another establishment.")
    derivation = derive_courses(timetable)
    courses = [c for c in derivation.courses if selection is None or selection.allows(c)]
    skipped = _skipped_lessons(timetable, derivation.skipped, derivation.courses, courses)
    people = reconcile(timetable, directory, known_pronote_ids=previous.pronote_ids)
    calendar = LessonCalendar(
        timetable=timetable,
        today=settings.today,
        clock=UtcClock(zone=zone_named(settings.timezone)),
        teacher_keys=people.teachers,
    )
    # Without an event of this year before, every event is a creation: counted now, built when asked for.
    first = not any(key.startswith(in_year) for key in previous.course_events)
    # Before the year starts (set-up imports in late August) pupils are counted as of its first day.
    rosters = build_rosters(timetable, max(settings.today, timetable.school_year.start), people.students)
    desired = _Desired(calendar=calendar, rosters=rosters, first=first)
    # A course whose fingerprint has not changed since the previous plan keeps its members and events: counted, not
    # worked out nor compared.
    fingerprinted = not first and previous.planned_on is not None and previous.planned_on <= settings.today
    facts = calendar.facts()
    reports = [
        _plan_course(
            course=course,
            year=year,
            timetable=timetable,
            rosters=rosters,
            people=people,
            calendar=calendar,
            desired=desired,
            known=previous.fingerprints if fingerprinted else None,
            kept_members=member_counts(previous.member_groups) if fingerprinted else {},
            facts=facts,
        )
        for course in courses
    ]
    past_events, upcoming = upcoming_events(
        previous.course_events, in_year=in_year, today=settings.today, skipped=desired.unchanged
    )
    changes = Changes.empty()
    previous_courses = {k: c for k, c in previous.courses.items() if k.startswith(in_year)}
    diff_courses(desired.courses, previous_courses, changes)
    members_before = diff_members(
        desired.members, previous.member_groups, planned=desired.courses, in_year=in_year, changes=changes
    )
    diff_events(desired.events, upcoming, changes=changes)
    unchanged_events = sum(report.events for report in reports if report.key in desired.unchanged)
    events_before = sum(map(len, upcoming.values())) + unchanged_events
    counts = changes.counts()
    if first:
        counts[ActionType.CREATE_EVENT.value] = sum(report.events for report in reports)
    deletions = {
        "courses": Deletions(deleted=counts["delete_course"], before=len(previous_courses)),
        "members": Deletions(deleted=counts["remove_member"], before=members_before),
        "events": Deletions(deleted=counts["delete_event"], before=events_before),
    }
    hold = check_deletions(deletions, empty_export=not timetable.lessons, settings=settings.guard)
    report = PlanReport(
        courses=tuple(reports),
        skipped_lessons=skipped,
        skipped_counts=count_reasons(skipped),
        left_out=left_out(timetable, derivation),
        matched_teachers=len(people.teachers),
        matched_students=len(people.students),
        unmatched=people.unmatched,
        conflicts=people.conflicts,
        actions=counts,
        hold=hold,
        guard_figures=guard_figures(deletions),
        subjects=subject_reports(timetable, derivation.courses, courses, selection, settings.known_subject_codes),
        new_pronote_ids=len(people.new_pronote_ids),
        selection=record_selection(selection, timetable, derivation.courses),
        new=(
            selection.new_since(timetable, derivation.courses) if isinstance(selection, StoredSelection) else NewSince()
        ),
        selection_unknown=(
            selection.unknown_names(timetable, derivation.courses) if isinstance(selection, Selection) else {}
        ),
    )
    return PlanResult(
        report=report,
        year_node=year,
        changes=changes,
        pronote_ids={**previous.pronote_ids, **people.new_pronote_ids},
        desired=desired,
        previous=previous,
        in_year=in_year,
        past_events=past_events,
        today=settings.today,
    )


def _skipped_lessons(
    timetable: Timetable,
    skipped: tuple[SkippedLesson, ...],
    derived: tuple[DerivedCourse, ...],
    selected: list[DerivedCourse],
) -> tuple[SkippedLesson, ...]:
    """The lessons the rules skip, and those whose every course is switched off, in export order."""
    if len(selected) == len(derived):
        return skipped
    imported = {id(item.lesson) for course in selected for item in course.lessons}
    off: dict[int, SkippedLesson] = {}
    for course in derived:
        for item in course.lessons:
            lesson = item.lesson
            if id(lesson) not in imported and lesson.index not in off:
                off[lesson.index] = skipped_lesson(lesson, SkipReason.NOT_SELECTED, timetable)
    return tuple(sorted((*skipped, *off.values()), key=lambda lesson: lesson.index))


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
    known: Mapping[str, str] | None,
    kept_members: Mapping[str, tuple[int, int]],
    facts: str,
) -> CourseReport:
    """Plan one course; ``known`` are the previous state's fingerprints when they hold on the import date, and
    ``kept_members`` its member counts (instructors, learners), those of an unchanged course."""
    key = course.key
    desired.courses[key] = CourseSpec(key=key, title=course.title, code=course.subject.code, parent_key=year.key)
    desired.derived.append(course)
    if not desired.first:
        fingerprint = desired.fingerprints[key] = desired.fingerprint(course, facts)
        if known is not None and known.get(key) == fingerprint:
            desired.unchanged.add(key)
    if key in desired.unchanged:
        teachers, students = kept_members.get(key, (0, 0))
    else:
        members = course_members(course, timetable, rosters, teacher_accounts=people.teachers)
        desired.members[key] = MemberGroup(members.teachers, members.students)  # type: ignore[arg-type]
        teachers, students = len(members.teachers), len(members.students)
    if desired.first or key in desired.unchanged:
        desired.pending.append(course)
        count = sum(calendar.weeks_to_plan(item.lesson, item.weeks).bit_count() for item in course.lessons)
    else:
        count = _build_events(course, calendar, desired)
    return CourseReport(key=key, title=course.title, teachers=teachers, students=students, events=count)


def _build_events(course: DerivedCourse, calendar: LessonCalendar, desired: _Desired) -> int:
    events = course_events(course, calendar, event_title(course.title))
    if events:
        desired.events[course.key] = events
    return len(events)
