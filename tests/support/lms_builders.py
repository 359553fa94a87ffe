"""Builders for the itslearning tests: people, courses, events, a fake clock, a gateway on a stand-in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from edt_import.adapters.itslearning import ItslearningSettings, SoapLmsGateway
from edt_import.domain.applied_state import member_spec
from edt_import.domain.directory import DirectoryPerson, PersonKey, Profile, Source
from edt_import.domain.plan import CourseSpec, EventSpec, MemberSpec, Role, YearNode
from edt_import.domain.ports import BATCH_SIZE
from itslearning_standin import SANDBOX_PASSWORD, SANDBOX_USERNAME, StandinServer
from tests.support.clock import FakeClock

UAI = "0750001U"
YEAR_KEY = f"edt:{UAI}:2025"


def a_person(index: int, *, profile: Profile = Profile.STUDENT, source: Source = Source.AAF) -> DirectoryPerson:
    return DirectoryPerson(
        person_key=PersonKey(f"p{index:04d}"),
        profile=profile,
        last_name=f"Nom{index}",
        first_name=f"Prenom{index}",
        birth_date=date(2010, 1, 1) + timedelta(days=index),
        cas_id=f"cas{index}",
        source=source,
    )


def a_year() -> YearNode:
    return YearNode(key=YEAR_KEY, title="Cours 2025 - 2026", parent_key=UAI)


def a_course(index: int) -> CourseSpec:
    return CourseSpec(
        key=f"{YEAR_KEY}:MATHS:3A{index}", title=f"MATHEMATIQUES - 3A{index}", code="MATHS", parent_key=YEAR_KEY
    )


def a_member(course: CourseSpec, person: DirectoryPerson, role: Role = Role.LEARNER) -> MemberSpec:
    return member_spec(course.key, person.person_key, role)


def an_event(course: CourseSpec, day: int, *, title: str = "MATHEMATIQUES - 3A", hour: int = 8) -> EventSpec:
    start = datetime(2025, 9, 1, hour, tzinfo=UTC) + timedelta(days=day)
    return EventSpec(
        key=f"{course.key}:{start.date().isoformat()}:{hour}",
        course_key=course.key,
        title=title,
        start=start,
        end=start + timedelta(hours=1),
        local_date=start.date(),
        rooms=("S101",),
        teachers=(PersonKey("p0000"),),
        description="Salle S101",
    )


def a_gateway(
    standin: StandinServer, clock: FakeClock, *, password: str = SANDBOX_PASSWORD, **overrides: float
) -> SoapLmsGateway:
    settings = ItslearningSettings(
        base_url=standin.base_url,
        username=SANDBOX_USERNAME,
        password=password,
        timeout_s=float(overrides.get("timeout_s", 10.0)),
        batch_size=int(overrides.get("batch_size", BATCH_SIZE)),
        retry_budget_s=float(overrides.get("retry_budget_s", 60.0)),
        poll_interval_s=float(overrides.get("poll_interval_s", 0.5)),
    )
    return SoapLmsGateway(settings, sleep=clock.sleep, clock=clock, rand=lambda: 0.5)
