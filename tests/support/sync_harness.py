"""A generated college on disk, a stand-in seeded with its directory, and ways to sync it and compare."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from msgspec import Struct

from edt_import.adapters.itslearning import ItslearningSettings, SoapLmsGateway
from edt_import.adapters.itslearning.sync_keys import wire_key
from edt_import.cli.main import main
from edt_import.domain.applied_state import AppliedState
from edt_import.domain.directory import DirectoryPerson
from edt_import.domain.directory_csv import read_directory_csv
from edt_import.domain.plan import ActionType, CourseSpec, EventSpec, MemberSpec, Plan, YearNode
from edt_import.domain.planning import PlanResult, PlanSettings, plan_import
from edt_import.domain.ports import ItemResult
from edt_import.usecases.plan_inputs import RawPlanInputs, open_plan_inputs
from itslearning_standin import SANDBOX_PASSWORD, SANDBOX_USERNAME, StandinServer
from tests.support.clock import FakeClock

# Nine school weeks before the end of the generated year (2026-2027): small, fast syncs.
TODAY = date(2027, 5, 3)


class College(Struct, frozen=True, kw_only=True):
    export: Path
    key: Path
    directory: Path
    uai: str
    persons: tuple[DirectoryPerson, ...]

    def plan(self, previous: AppliedState | None = None, *, today: date = TODAY) -> PlanResult:
        inputs = open_plan_inputs(
            RawPlanInputs(
                export=self.export.read_bytes(),
                private_key=self.key.read_bytes(),
                directory_csv=self.directory.read_bytes(),
            )
        )
        return plan_import(
            inputs.export.timetable,
            self.persons,
            previous=previous,
            selection=None,
            settings=PlanSettings(today=today),
        )


def a_college(out_dir: Path) -> College:
    from edt_import.generator.establishment import Size  # noqa: PLC0415 - keep collection cheap
    from edt_import.generator.files import write_establishment  # noqa: PLC0415

    paths = write_establishment(out_dir, Size.COLLEGE, seed=3)
    persons = read_directory_csv(paths["directory"].read_bytes())
    inputs = open_plan_inputs(RawPlanInputs(export=paths["inner"].read_bytes()))
    return College(
        export=paths["export"],
        key=paths["key"],
        directory=paths["directory"],
        uai=inputs.export.timetable.uai,
        persons=persons,
    )


@contextlib.contextmanager
def a_standin(
    college: College, *, persons: Sequence[DirectoryPerson] | None = None, **options: Any
) -> Iterator[StandinServer]:
    server = StandinServer(persons=college.persons if persons is None else persons, schools=(college.uai,), **options)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def sync_argv(college: College, server: StandinServer, state_dir: Path, *extra: str) -> list[str]:
    return [
        "sync",
        str(college.export),
        "--key",
        str(college.key),
        "--today",
        TODAY.isoformat(),
        "--itslearning-url",
        server.base_url,
        "--state-dir",
        str(state_dir),
        *extra,
    ]


def sync_cli(college: College, server: StandinServer, state_dir: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    """``edt-import sync`` in process; its exit status and the JSON object it printed."""
    argv = sync_argv(college, server, state_dir, *extra)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(argv)
    return status, json.loads(out.getvalue()) if out.getvalue() else {}


def a_gateway(server: StandinServer, *, clock: FakeClock | None = None, **settings: Any) -> SoapLmsGateway:
    """A gateway on the stand-in; with ``clock``, back-off neither sleeps nor draws: retries depend on nothing timed."""
    config = ItslearningSettings(
        base_url=server.base_url, username=SANDBOX_USERNAME, password=SANDBOX_PASSWORD, **settings
    )
    if clock is None:
        return SoapLmsGateway(config)
    return SoapLmsGateway(config, sleep=clock.sleep, clock=clock, rand=lambda: 0.5)


class Landed(Struct, frozen=True, kw_only=True):
    """What the stand-in holds for one establishment, in the plan's terms (keys and event times)."""

    courses: frozenset[str]
    members: frozenset[str]
    events: dict[str, tuple[str, str, str]]  # key -> (title, start, end)


def landed(server: StandinServer) -> Landed:
    dump = server.dump()
    course_groups = {g["key"] for g in dump["groups"] if g["course_id"] is not None}
    return Landed(
        courses=frozenset(course_groups),
        members=frozenset(m["key"] for m in dump["memberships"] if m["group_key"] in course_groups),
        events={e["key"]: (e["title"], e["start"], e["end"]) for e in dump["events"]},
    )


def expected(state: AppliedState) -> Landed:
    """What the stand-in should hold for ``state``, under the keys itslearning is sent (see ``wire_key``)."""
    return Landed(
        courses=frozenset(wire_key(key) for key in state.courses),
        members=frozenset(wire_key(key) for key in state.members),
        events={wire_key(key): (e.title, _utc(e), _utc(e, end=True)) for key, e in state.events.items()},
    )


def _utc(event: EventSpec, *, end: bool = False) -> str:
    return (event.end if end else event.start).strftime("%Y-%m-%dT%H:%M:%SZ")


def planned_keys(plan: Plan, action_type: ActionType) -> set[str]:
    """The keys itslearning is sent for the plan's actions of one type."""
    return {wire_key(a.key) for a in plan.actions if a.type is action_type}


class KilledError(Exception):
    """The sync process dies here."""


class DyingGateway:
    """Forwards to a real gateway, and dies (raises) on the call after ``calls`` write calls."""

    def __init__(self, inner: SoapLmsGateway, *, calls: int) -> None:
        self.inner = inner
        self.left = calls

    def _tick(self) -> None:
        if self.left == 0:
            raise KilledError
        self.left -= 1

    def read_persons(self, school_key: str) -> Iterator[DirectoryPerson]:
        return self.inner.read_persons(school_key)

    def school_node_exists(self, school_key: str) -> bool:
        return self.inner.school_node_exists(school_key)

    def upsert_year_node(self, node: YearNode) -> ItemResult:
        self._tick()
        return self.inner.upsert_year_node(node)

    def upsert_courses(self, courses: Sequence[CourseSpec]) -> list[ItemResult]:
        self._tick()
        return self.inner.upsert_courses(courses)

    def delete_courses(self, courses: Sequence[CourseSpec]) -> list[ItemResult]:
        self._tick()
        return self.inner.delete_courses(courses)

    def add_members(self, members: Sequence[MemberSpec]) -> list[ItemResult]:
        self._tick()
        return self.inner.add_members(members)

    def remove_members(self, members: Sequence[MemberSpec]) -> list[ItemResult]:
        self._tick()
        return self.inner.remove_members(members)

    def create_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        self._tick()
        return self.inner.create_events(events)

    def update_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        self._tick()
        return self.inner.update_events(events)

    def delete_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        self._tick()
        return self.inner.delete_events(events)
