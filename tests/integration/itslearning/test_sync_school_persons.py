"""``edt-import sync`` without ``--directory`` reads the establishment's own people from itslearning.

The site hosts a second school whose accounts are namesakes of every person of the generated college (same last
and first names, same birth dates, other CAS ids): read site-wide they would make everyone matched by names
ambiguous; read from the school node they change nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from msgspec import structs

from edt_import.cli.main import build_parser
from edt_import.cli.sandbox_cmd import build_standin
from edt_import.domain.directory import DirectoryPerson, PersonKey, Source
from edt_import.domain.directory_csv import write_directory_csv
from itslearning_standin import StandinServer
from tests.support.lms_builders import UAI, a_person
from tests.support.sync_harness import College, a_college, landed, sync_cli

OTHER_UAI = "0750002V"


@pytest.fixture(scope="module")
def college(tmp_path_factory: pytest.TempPathFactory) -> College:
    return a_college(tmp_path_factory.mktemp("college"))


def namesakes(persons: tuple[DirectoryPerson, ...]) -> tuple[DirectoryPerson, ...]:
    return tuple(
        structs.replace(person, person_key=PersonKey(f"other-{index}"), cas_id=f"other-cas-{index}")
        for index, person in enumerate(persons)
        if person.integration_managed
    )


def a_shared_site(college: College) -> StandinServer:
    return StandinServer(
        schools=(college.uai, OTHER_UAI),
        school_persons={college.uai: college.persons, OTHER_UAI: namesakes(college.persons)},
    )


@pytest.fixture(scope="module")
def with_directory(college: College, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Any], Any]]:
    with a_shared_site(college) as server:
        status, out = sync_cli(college, server, tmp_path_factory.mktemp("state"), "--directory", str(college.directory))
        assert status == 0
        yield out, landed(server)


def test_sync_persons_from_itslearning_match_as_the_directory_does(
    college: College, with_directory: tuple[dict[str, Any], Any], tmp_path: Path
) -> None:
    # Given a site where another school holds a namesake of each of the college's persons
    directory_out, directory_landed = with_directory
    with a_shared_site(college) as server:
        # When the college is synced reading its people from itslearning
        status, out = sync_cli(college, server, tmp_path)
        read_landed = landed(server)

    # Then the same people are matched as with the ENT directory file, and the same content lands
    assert status == 0
    assert (out["matched"], out["unmatched"], out["conflicts"]) == (
        directory_out["matched"],
        directory_out["unmatched"],
        directory_out["conflicts"],
    )
    assert out["matched"]["teachers"] > 0
    assert read_landed == directory_landed


def test_sync_namesakes_of_another_school_would_leave_people_unmatched_site_wide(college: College) -> None:
    # Given the college's directory, and the same directory plus the other school's namesakes (a site-wide read)
    own = college.plan().report
    site_wide = structs.replace(college, persons=college.persons + namesakes(college.persons)).plan().report

    # When both are planned
    lost_teachers = own.matched_teachers - site_wide.matched_teachers
    lost_students = own.matched_students - site_wide.matched_students

    # Then the site-wide read loses teachers and pupils matched by names to ambiguity (only CAS ids still hold):
    # the school filter is what keeps them
    assert lost_teachers > 0
    assert lost_students > 0
    assert len(site_wide.unmatched) - len(own.unmatched) == lost_teachers + lost_students


@pytest.mark.parametrize("people_from", ["itslearning", "directory"])
def test_sync_without_the_school_node_stops_with_a_plain_error(
    college: College, tmp_path: Path, capsys: pytest.CaptureFixture[str], people_from: str
) -> None:
    # Given a site that only holds the other school
    with StandinServer(schools=(OTHER_UAI,), school_persons={OTHER_UAI: namesakes(college.persons)}) as server:
        # When the college is synced reading its people from itslearning, or from its directory file
        extra = ("--directory", str(college.directory)) if people_from == "directory" else ()
        status, out = sync_cli(college, server, tmp_path, *extra)
        calls = server.stats()["calls"]

    # Then it stops before writing anything, naming the missing node
    assert (status, out) == (2, {})
    assert capsys.readouterr().err == (
        f"error: config_error: The establishment's school node {college.uai} does not exist in itslearning.\n"
    )
    # (read the node's members; or send the year node, refused, then look the node up)
    assert calls == (1 if people_from == "itslearning" else 2)


def test_sandbox_persons_csv_become_members_of_every_uai(tmp_path: Path) -> None:
    # Given a directory CSV with a managed person and a hand-made one, served for two establishments
    users = tmp_path / "users.csv"
    users.write_bytes(write_directory_csv([a_person(1), a_person(2, source=Source.MANUAL)]))
    args = build_parser().parse_args(
        ["sandbox", "serve", "--port", "0", "--persons", str(users), "--uai", UAI, "--uai", OTHER_UAI]
    )

    # When the stand-in is built from them
    standin = build_standin(args)

    # Then the managed person is a member of both school nodes (the CSV has no UAI column)
    assert [m.person_key for m in standin.state.memberships_of(UAI) or []] == ["p0001"]
    assert [m.person_key for m in standin.state.memberships_of(OTHER_UAI) or []] == ["p0001"]
