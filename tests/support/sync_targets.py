"""Builders for the sync tests: a target content, and the plan that takes an applied state towards it.

``plan_towards`` is a deliberately small differ (the real planner lives in ``edt_import.domain.planning``
and has its own tests): it lets the engine's tests re-plan after failures without depending on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

from msgspec import Struct, field

from edt_import.domain.applied_state import AppliedState, member_spec
from edt_import.domain.directory import PersonKey
from edt_import.domain.plan import Action, ActionType, CourseSpec, EventSpec, MemberSpec, Plan, Role, YearNode
from tests.support.in_memory_lms import LmsContent

UAI = "0693331W"
SCHOOL_NODE = f"school:{UAI}"
YEAR_NODE = YearNode(key=f"edt:{UAI}:2025", title="Cours 2025 - 2026", parent_key=SCHOOL_NODE)
FIRST_DAY = date(2025, 9, 1)


class Target(Struct, kw_only=True):
    year_node: YearNode = YEAR_NODE
    courses: dict[str, CourseSpec] = field(default_factory=dict)
    members: dict[str, MemberSpec] = field(default_factory=dict)
    events: dict[str, EventSpec] = field(default_factory=dict)

    def content(self) -> LmsContent:
        return LmsContent(
            year_nodes={self.year_node.key: self.year_node},
            courses=dict(self.courses),
            members=dict(self.members),
            events=dict(self.events),
        )


def a_course(n: int, *, title: str | None = None) -> CourseSpec:
    return CourseSpec(
        key=f"{YEAR_NODE.key}:MATHS:{n}",
        title=title or f"Mathématiques - 6e{n}",
        code="MATHS",
        parent_key=YEAR_NODE.key,
    )


def a_member(course: CourseSpec, person: int, role: Role = Role.LEARNER) -> MemberSpec:
    return member_spec(course.key, PersonKey(f"p{person}"), role)


def an_event(course: CourseSpec, day: int, *, title: str = "Mathématiques", room: str = "B12") -> EventSpec:
    local_date = FIRST_DAY + timedelta(days=day)
    start = datetime(local_date.year, local_date.month, local_date.day, 7, tzinfo=UTC)
    return EventSpec(
        key=f"{course.key}:{local_date.isoformat()}:0",
        course_key=course.key,
        title=title,
        start=start,
        end=start + timedelta(hours=1),
        local_date=local_date,
        rooms=(room,),
        teachers=(PersonKey("t1"),),
    )


def a_target(*, courses: int = 2, members: int = 3, events: int = 4) -> Target:
    target = Target()
    for n in range(courses):
        course = a_course(n)
        target.courses[course.key] = course
        for person in range(members):
            member = a_member(course, person)
            target.members[member.key] = member
        for day in range(events):
            event = an_event(course, day)
            target.events[event.key] = event
    return target


def plan_towards(target: Target, state: AppliedState, **pronote_ids: PersonKey) -> Plan:
    actions: list[Action] = []
    actions += _diff(target.courses, state.courses, ActionType.CREATE_COURSE, ActionType.UPDATE_COURSE)
    actions += _diff(target.members, state.members, ActionType.ADD_MEMBER, None)
    actions += _diff(target.events, state.events, ActionType.CREATE_EVENT, ActionType.UPDATE_EVENT)
    actions += [
        Action(type=ActionType.DELETE_EVENT, target=e) for k, e in state.events.items() if k not in target.events
    ]
    actions += [
        Action(type=ActionType.REMOVE_MEMBER, target=m) for k, m in state.members.items() if k not in target.members
    ]
    actions += [
        Action(type=ActionType.DELETE_COURSE, target=c) for k, c in state.courses.items() if k not in target.courses
    ]
    return Plan(uai=UAI, year_node=target.year_node, actions=tuple(actions), pronote_ids=dict(pronote_ids))


def _diff(
    wanted: dict[str, CourseSpec] | dict[str, MemberSpec] | dict[str, EventSpec],
    held: Mapping[str, CourseSpec] | Mapping[str, MemberSpec] | Mapping[str, EventSpec],
    create: ActionType,
    update: ActionType | None,
) -> list[Action]:
    actions = []
    for key, spec in wanted.items():
        if key not in held:
            actions.append(Action(type=create, target=spec))
        elif update is not None and held[key] != spec:
            actions.append(Action(type=update, target=spec))
    return actions
