"""``edt-import sandbox serve`` arguments, and the stand-in's state kept in ``--data`` across restarts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from edt_import.cli.main import build_parser
from edt_import.cli.sandbox_cmd import build_standin
from edt_import.domain.directory import Profile, Source
from edt_import.domain.directory_csv import write_directory_csv
from edt_import.domain.errors import ConfigError
from tests.support.clock import FakeClock
from tests.support.lms_builders import UAI, a_course, a_gateway, a_person, a_year


def test_sandbox_args_seed_persons_school_and_locked_period(tmp_path: Path) -> None:
    # Given a directory CSV with two managed persons and a hand-made one
    users = tmp_path / "users.csv"
    users.write_bytes(
        write_directory_csv([a_person(1), a_person(2, profile=Profile.TEACHER), a_person(3, source=Source.MANUAL)])
    )
    args = build_parser().parse_args(
        ["sandbox", "serve", "--port", "0", "--persons", str(users), "--uai", UAI, "--locked-before", "2025-10-01",
         "--fault-rate", "0.25", "--latency-ms", "5", "--seed", "3"]
    )  # fmt: skip

    # When the stand-in is built from them
    standin = build_standin(args)

    # Then it holds the school node and the persons (the manual one without a sync key) with those settings
    assert [person.key for person in standin.state.persons] == ["p0001", "p0002", ""]
    assert [person.role for person in standin.state.persons] == ["Learner", "Instructor", "Learner"]
    assert list(standin.state.groups) == [UAI]
    assert standin.context.locked_before == datetime(2025, 10, 1, tzinfo=UTC)
    assert (standin.fault_rate, standin.latency_ms) == (0.25, 5)


@pytest.mark.parametrize(("option", "value"), [("--fault-rate", "1.5"), ("--locked-before", "01/10/2025")])
def test_sandbox_args_invalid_config_error(option: str, value: str) -> None:
    args = build_parser().parse_args(["sandbox", "serve", option, value])
    with pytest.raises(ConfigError):
        build_standin(args)


def test_sandbox_data_file_keeps_state_across_restarts(tmp_path: Path) -> None:
    # Given a stand-in persisting to a data file, with a course sent to it
    data = tmp_path / "standin.json"
    args = build_parser().parse_args(["sandbox", "serve", "--port", "0", "--uai", UAI, "--data", str(data)])
    first = build_standin(args)
    first.start()
    with a_gateway(first, FakeClock()) as gateway:
        gateway.upsert_year_node(a_year())
        gateway.upsert_courses([a_course(0)])
    first.stop()

    # When another stand-in starts on the same file
    second = build_standin(args)

    # Then it remembers the course
    assert second.state.counts()["courses"] == 1
    assert sorted(second.state.groups) == sorted([UAI, a_year().key, a_course(0).key])
