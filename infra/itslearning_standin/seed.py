"""Seeding the stand-in from the ENT directory CSV: the school node and its persons.

Rows whose source is ``manual`` become persons without a sync key, as itslearning holds hand-made accounts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from edt_import.domain.directory import DirectoryPerson, Profile
from edt_import.domain.directory_csv import read_directory_csv
from itslearning_standin.state import StandinState

_ROLES = {Profile.STUDENT: "Learner", Profile.TEACHER: "Instructor", Profile.STAFF: "Staff"}


def read_persons_file(path: Path) -> tuple[DirectoryPerson, ...]:
    return read_directory_csv(path.read_bytes())


def seed_state(
    state: StandinState,
    *,
    schools: tuple[str, ...],
    persons: tuple[DirectoryPerson, ...],
    school_persons: Mapping[str, Sequence[DirectoryPerson]] | None = None,
) -> None:
    """``persons`` become members of every one of ``schools``; ``school_persons`` of their own school only.

    A directory CSV has no UAI column: the sandbox gives its persons to every ``--uai``. A site with several
    establishments (homonyms in another school) is seeded through ``school_persons``.
    """
    for school in schools:
        state.add_school(school)
    for person in persons:
        add_person(state, person, schools)
    for school, people in (school_persons or {}).items():
        state.add_school(school)
        for person in people:
            add_person(state, person, (school,))


def add_person(state: StandinState, person: DirectoryPerson, schools: Sequence[str]) -> None:
    """``person`` as itslearning holds it, member of ``schools``; a ``manual`` row gets no sync key."""
    state.add_person(
        key=person.person_key if person.integration_managed else "",
        role=_ROLES[person.profile],
        first_name=person.first_name,
        last_name=person.last_name,
        birth_date=person.birth_date.isoformat() if person.birth_date else "",
        cas_id=person.cas_id or "",
        schools=tuple(schools),
    )
