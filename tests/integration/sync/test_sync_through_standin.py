"""``edt-import sync`` and the engine against the stand-in over real HTTP, on a generated college."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from msgspec import structs

from edt_import.adapters.itslearning.sync_keys import wire_key
from edt_import.adapters.state_files import FileAppliedStateStore
from edt_import.cli import exit_status
from edt_import.domain.applied_state import AppliedState
from edt_import.domain.plan import Action, ActionType, MemberSpec, Plan, Role
from edt_import.usecases.apply_plan import (
    SKIP_CONTENT_NOT_REMOVED,
    ReasonGroup,
    TypeCounts,
    apply_plan,
)
from itslearning_standin.state import LOCKED_REASON, MAX_EVENT_TITLE
from tests.support.clock import FakeClock
from tests.support.output_schemas import assert_matches_schema
from tests.support.sync_harness import (
    College,
    DyingGateway,
    KilledError,
    a_gateway,
    a_standin,
    expected,
    landed,
    planned_keys,
    sync_argv,
    sync_cli,
)

EXIT_SOME_FAILED = 3
EXIT_HELD = 4
WAIT_LIMIT_S = 120.0  # generous bound on waits for another process (CI on 2 loaded cores); never a sleep


def test_sync_first_run_lands_exactly_the_plan(college: College, tmp_path: Path) -> None:
    # Given an empty itslearning holding the college's persons, and the plan of a first import
    plan = college.plan().plan
    with a_standin(college) as server:
        # When the college is synced
        status, out = sync_cli(college, server, tmp_path, "--directory", str(college.directory))

        # Then every planned course, membership and event is there, once, with the planned times
        assert status == 0
        assert out["complete"] is True
        assert out["actions"]["failed"] == 0
        assert out["actions"]["create_course"]["succeeded"] == len(planned_keys(plan, ActionType.CREATE_COURSE))
        assert out["actions"]["create_event"]["succeeded"] == len(planned_keys(plan, ActionType.CREATE_EVENT))
        assert out["actions"]["succeeded"] == len(plan.actions)
        holds = landed(server)
        assert holds.courses == planned_keys(plan, ActionType.CREATE_COURSE)
        assert holds.members == planned_keys(plan, ActionType.ADD_MEMBER)
        state = FileAppliedStateStore(tmp_path).load(college.uai)
        assert state is not None
        assert holds == expected(state)
        assert set(holds.events) == planned_keys(plan, ActionType.CREATE_EVENT)
        assert server.stats()["duplicates"] == 0


def test_sync_unchanged_rerun_sends_nothing(college: College, tmp_path: Path) -> None:
    # Given a college synced once
    with a_standin(college) as server:
        assert sync_cli(college, server, tmp_path, "--directory", str(college.directory))[0] == 0
        before = server.stats()

        # When the same export is synced again, with the directory given and then read from itslearning
        status, out = sync_cli(college, server, tmp_path, "--directory", str(college.directory))
        after_given = server.stats()
        status_read, out_read = sync_cli(college, server, tmp_path)
        after_read = server.stats()

    # Then nothing is written: no call at all, then only the person reads
    assert (status, status_read) == (0, 0)
    assert out["actions"]["succeeded"] == out_read["actions"]["succeeded"] == 0
    assert out["year_node"] == "unchanged"
    assert after_given == before
    persons_pages = -(-sum(p.integration_managed for p in college.persons) // 100)
    assert after_read["calls"] - before["calls"] in {persons_pages, persons_pages + 1}
    assert {k: after_read[k] for k in ("courses", "memberships", "events")} == {
        k: before[k] for k in ("courses", "memberships", "events")
    }


def test_sync_with_transient_faults_converges_without_duplicates(college: College, tmp_path: Path) -> None:
    # Given the expected content (a clean sync), and a stand-in failing 30 % of calls (seeded)
    with a_standin(college) as clean:
        sync_cli(college, clean, tmp_path / "clean", "--directory", str(college.directory))
        wanted = landed(clean)
    with a_standin(college, fault_rate=0.3, seed=7) as server:
        # When the college is synced twice
        first, _ = sync_cli(college, server, tmp_path / "faulty", "--directory", str(college.directory))
        second, out = sync_cli(college, server, tmp_path / "faulty", "--directory", str(college.directory))

        # Then the faults were retried (and some answered 503), the result is the clean one, without duplicates
        assert (first, second) == (0, 0)
        assert out["actions"]["succeeded"] == 0
        assert server.stats()["faults"] > 0
        assert landed(server) == wanted
        assert server.stats()["duplicates"] == 0


def test_engine_with_faults_and_lost_answers_converges_over_runs(college: College, tmp_path: Path) -> None:
    # Given 30 % faults (seeded), half of them processed with the answer lost, one connection so that the faults
    # fall on the same calls every time, and a retry budget that gives up on the second failure of a call
    store = FileAppliedStateStore(tmp_path)
    with a_standin(college) as clean:
        sync_cli(college, clean, tmp_path / "clean", "--directory", str(college.directory))
        wanted = landed(clean)
    with a_standin(college, fault_rate=0.3, seed=11, drop_answers=True) as server:
        # When runs re-plan against the saved state until one completes
        runs = []
        for _ in range(40):
            state = store.load(college.uai) or AppliedState(uai=college.uai)
            with a_gateway(
                server, clock=FakeClock(), connections=1, retry_budget_s=0.1, batch_size=400, poll_interval_s=0.01
            ) as gateway:
                report, state = apply_plan(
                    college.plan(state).plan, state, gateway, batch_size=400, checkpoint=store.save
                )
            store.save(state)
            runs.append(report)
            if report.complete:
                break

        # Then it took several runs, answers were lost, and the result is the clean one without duplicates
        assert len(runs) >= 2
        assert runs[-1].complete
        assert any(r.stopped is not None for r in runs[:-1])
        assert server.stats()["lost_answers"] > 0
        assert landed(server) == wanted
        assert server.stats()["duplicates"] == 0
        assert college.plan(store.load(college.uai)).plan.actions == ()


def test_engine_locked_events_and_long_titles_are_counted_per_item(college: College, tmp_path: Path) -> None:
    # Given a synced college, and a plan dropping two courses whose first events lie in a locked period,
    # and adding three events, one of them with an over-long title
    with a_standin(college) as server:
        sync_cli(college, server, tmp_path, "--directory", str(college.directory))
        state = FileAppliedStateStore(tmp_path).load(college.uai)
        assert state is not None
        dropped = sorted(state.courses)[:2]
        events = sorted((e for e in state.events.values() if e.course_key in dropped), key=lambda e: e.start)
        locked_before = events[2].start  # the two earliest events are locked
        members = [m for m in state.members.values() if m.course_key in dropped]
        kept = next(e for e in state.events.values() if e.course_key not in dropped)
        new_events = [
            structs.replace(kept, key=f"{kept.key}:x{n}", title=title)
            for n, title in enumerate(["Soutien", "x" * (MAX_EVENT_TITLE + 1), "Rattrapage"])
        ]
        assert state.year_node is not None
        plan = Plan(
            uai=college.uai,
            year_node=state.year_node,
            actions=(
                *(Action(type=ActionType.CREATE_EVENT, target=e) for e in new_events),
                *(Action(type=ActionType.DELETE_EVENT, target=e) for e in events),
                *(Action(type=ActionType.REMOVE_MEMBER, target=m) for m in members),
                *(Action(type=ActionType.DELETE_COURSE, target=state.courses[k]) for k in dropped),
            ),
        )
        server.context.locked_before = locked_before

        # When it is applied
        with a_gateway(server) as gateway:
            report, state = apply_plan(plan, state, gateway)

    # Then each refusal is counted on its own item, with itslearning's reason
    locked = [e.key for e in events[:2]]
    locked_courses = {e.course_key for e in events[:2]}
    assert report.counts[ActionType.CREATE_EVENT] == TypeCounts(succeeded=2, failed=1)
    assert report.counts[ActionType.DELETE_EVENT] == TypeCounts(succeeded=len(events) - 2, failed=2)
    assert report.counts[ActionType.DELETE_COURSE] == TypeCounts(
        succeeded=2 - len(locked_courses), skipped=len(locked_courses)
    )
    failures = {g.reason: g for g in report.failures}
    assert failures[LOCKED_REASON] == ReasonGroup(reason=LOCKED_REASON, count=2, sample_keys=tuple(locked))
    assert [g.count for r, g in failures.items() if r != LOCKED_REASON] == [1]
    assert report.skips[0].reason == SKIP_CONTENT_NOT_REMOVED
    assert set(locked) <= set(state.events)
    assert locked_courses <= set(state.courses)


def test_killed_sync_resumed_later_converges(college: College, tmp_path: Path) -> None:
    # Given a first sync killed after its sixth write call, having checkpointed each batch
    store = FileAppliedStateStore(tmp_path)
    with a_standin(college) as clean:
        sync_cli(college, clean, tmp_path / "clean", "--directory", str(college.directory))
        wanted = landed(clean)
    with a_standin(college) as server:
        state = AppliedState(uai=college.uai)
        with (
            a_gateway(server) as inner,
            pytest.raises(KilledError),
        ):
            apply_plan(college.plan().plan, state, DyingGateway(inner, calls=6), batch_size=300, checkpoint=store.save)
        saved = store.load(college.uai)
        assert saved is not None
        items_before = server.stats()["items"]

        # When the sync is run again on the same state folder
        status, out = sync_cli(college, server, tmp_path, "--directory", str(college.directory))

        # Then it sends only what was not confirmed, and itslearning holds the plan once
        assert status == 0
        confirmed = len(saved.courses) + len(saved.members) + len(saved.events)
        assert out["actions"]["succeeded"] == len(college.plan().plan.actions) - confirmed
        assert server.stats()["items"] - items_before == out["actions"]["succeeded"]
        assert landed(server) == wanted
        assert server.stats()["duplicates"] == 0


def test_sync_refused_items_exit_3_and_the_next_run_retries_exactly_them(college: College, tmp_path: Path) -> None:
    # Given a stand-in that lacks one teacher's account (the ENT directory still lists it)
    members = [a.target for a in college.plan().plan.actions if isinstance(a.target, MemberSpec)]
    teacher = next(m.person_key for m in members if m.role is Role.INSTRUCTOR)
    refused = {m.key for m in members if m.person_key == teacher}
    others = [p for p in college.persons if p.person_key != teacher]
    with a_standin(college, persons=others) as server:
        # When the college is synced
        status, out = sync_cli(college, server, tmp_path, "--directory", str(college.directory))

        # Then that teacher's memberships fail one by one with itslearning's reason, and the exit status is 3
        assert status == EXIT_SOME_FAILED
        assert out["actions"]["add_member"]["failed"] == len(refused)
        assert out["actions"]["failed"] == len(refused)
        assert out["failures"][0]["count"] == len(refused)
        assert set(out["failures"][0]["sample_keys"]) <= refused

        # And once the account exists, the next sync sends exactly those memberships
        with server.lock:
            server.state.add_person(
                key=teacher, role="Instructor", first_name="A", last_name="B", birth_date="", cas_id=""
            )
        items_before = server.stats()["items"]
        status, out = sync_cli(college, server, tmp_path, "--directory", str(college.directory))
        assert status == 0
        assert out["actions"]["succeeded"] == out["actions"]["add_member"]["succeeded"] == len(refused)
        assert server.stats()["items"] - items_before == len(refused)


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM])
def test_sync_process_stopped_midway_then_resumed_converges(
    college: College, tmp_path: Path, stop: signal.Signals
) -> None:
    # Given the content a clean sync leaves, and a stand-in that holds every call once it received 6000 items
    with a_standin(college) as clean:
        sync_cli(college, clean, tmp_path / "clean", "--directory", str(college.directory))
        wanted = landed(clean)
    total = len(college.plan().plan.actions)
    with a_standin(college) as server:
        server.hold_calls_after(6000)
        # When an `edt-import sync` process is stopped while it waits on itslearning for a held call
        command = [sys.executable, "-m", "edt_import.cli.main", *sync_argv(college, server, tmp_path)]
        environment = {k: v for k, v in os.environ.items() if not k.startswith("ITSLEARNING_")}
        process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            held = server.wait_until_held(timeout_s=WAIT_LIMIT_S)
            running = process.poll() is None
            process.send_signal(stop)
        finally:
            server.release()  # a terminated sync finishes the calls in flight on its way out
            _, errors = process.communicate(timeout=WAIT_LIMIT_S)
        assert (held, running) == (True, True)
        saved = FileAppliedStateStore(tmp_path).load(college.uai)
        confirmed = 0 if saved is None else len(saved.courses) + len(saved.members) + len(saved.events)

        # And a later sync runs on the same state folder
        status, out = sync_cli(college, server, tmp_path, "--directory", str(college.directory))

        # Then it sends what the saved state lacks, and itslearning ends with the plan, once
        assert process.returncode != 0
        assert status == 0
        assert out["actions"]["succeeded"] == total - confirmed
        assert landed(server) == wanted
        assert server.stats()["duplicates"] == 0
    if stop is signal.SIGTERM:
        assert saved is not None, errors.decode(errors="replace")[-2000:]
        assert saved.members  # a terminated sync saves what was confirmed on its way out
        # and says so in one line, with its own exit status, and no traceback
        assert process.returncode == exit_status.INTERRUPTED
        lines = errors.decode().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith(f"interrupted: the sync of {college.uai} stopped after ")
        assert lines[0].endswith("; run the same sync again to send the rest.")


def test_sync_dropped_course_is_deleted_and_mass_deletion_is_held(college: College, tmp_path: Path) -> None:
    # Given a synced college
    with a_standin(college) as server:
        assert sync_cli(college, server, tmp_path, "--directory", str(college.directory))[0] == 0
        state = FileAppliedStateStore(tmp_path).load(college.uai)
        assert state is not None
        dropped = min(state.courses)
        one_course = tmp_path / "one-course.json"
        one_course.write_text(json.dumps({"disabled": {"courses": [dropped]}}), encoding="utf-8")
        codes = Counter(c.code for c in state.courses.values())
        many = tmp_path / "many.json"
        many.write_text(json.dumps({"disabled": {"subjects": [c for c, _ in codes.most_common(4)]}}), encoding="utf-8")
        directory = ("--directory", str(college.directory))

        # When one course is left out of the selection, then four whole subjects
        status_one, out_one = sync_cli(college, server, tmp_path, *directory, "--selection", str(one_course))
        before_many = server.stats()
        status_many, out_many = sync_cli(college, server, tmp_path, *directory, "--selection", str(many))

        # Then the course's events and members go, then its group, while the mass deletion waits (exit 4, nothing sent)
        assert status_one == 0
        assert out_one["actions"]["delete_course"]["succeeded"] == 1
        dropped_events = sum(e.course_key == dropped for e in state.events.values())
        assert out_one["actions"]["delete_event"]["succeeded"] == dropped_events
        assert wire_key(dropped) not in landed(server).courses
        # itslearning keeps a deleted course group's course, detached and empty, as a manual course
        assert server.stats()["detached_courses"] == 1
        assert server.stats()["events"] == len(state.events) - dropped_events
        assert status_many == EXIT_HELD
        assert out_many["held"] is True
        assert "courses_deletions_above_threshold" in out_many["hold"]["reasons"]
        assert server.stats() == before_many

        assert_matches_schema("sync", out_many)
        # When the held sync is run with a code that is not its own, Then it stays held and sends nothing
        held_deletions = out_many["hold"]["deletions"]
        status_wrong, _ = sync_cli(
            college, server, tmp_path, *directory, "--selection", str(many), "--approve", "0" * 12
        )
        assert (status_wrong, server.stats()) == (EXIT_HELD, before_many)

        # When it is run with the code printed beside the deletions, Then exactly those deletions are applied
        approval = ("--approve", out_many["hold"]["approval"])
        status_approved, out_approved = sync_cli(
            college, server, tmp_path, *directory, "--selection", str(many), *approval
        )
        assert status_approved == 0
        assert_matches_schema("sync", out_approved)
        assert out_approved["actions"]["delete_course"]["succeeded"] == len(held_deletions["courses"])
        assert out_approved["actions"]["delete_event"]["succeeded"] == held_deletions["events"]
        assert not {wire_key(course["key"]) for course in held_deletions["courses"]} & set(landed(server).courses)


def test_sync_while_another_sync_runs_is_refused(
    college: College, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given another sync of the same establishment holding its lock
    with a_standin(college) as server, FileAppliedStateStore(tmp_path).exclusive(college.uai):
        # When a sync starts
        status, out = sync_cli(college, server, tmp_path, "--directory", str(college.directory))

        # Then it is refused with its code and exit status, and nothing is sent
        assert status == exit_status.IN_PROGRESS
        assert out == {}
        assert "import_in_progress" in capsys.readouterr().err
        assert server.stats()["calls"] == 0
