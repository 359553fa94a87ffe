"""A realistic establishment, deterministic from a seed: the timetable model and the ENT directory."""

from __future__ import annotations

import random
from collections.abc import Mapping
from enum import StrEnum

from msgspec import Struct

from edt_import.domain.directory import DirectoryPerson, PersonKey
from edt_import.domain.timetable import Ident, Timetable, Uai
from edt_import.domain.uai import with_check_letter
from edt_import.domain.week_mask import ALL_WEEKS
from edt_import.generator.directory_builder import build_directory
from edt_import.generator.timetable_builder import SchoolSpec, TimetableBuilder

PATRONS: tuple[str, ...] = (
    "JEAN MOULIN",
    "MARIE CURIE",
    "VICTOR HUGO",
    "SIMONE VEIL",
    "JULES FERRY",
    "LOUISE MICHEL",
    "ALBERT CAMUS",
    "GEORGE SAND",
    "JEAN JAURES",
    "COLETTE",
)
TOWNS: tuple[str, ...] = (
    "69003 LYON",
    "33000 BORDEAUX",
    "59000 LILLE",
    "35000 RENNES",
    "97400 SAINT-DENIS",
    "13001 MARSEILLE",
    "44000 NANTES",
    "67000 STRASBOURG",
)


class Size(StrEnum):
    COLLEGE = "college"
    LYCEE = "lycee"
    CITE = "cite"


class GeneratedEstablishment(Struct, frozen=True, kw_only=True):
    size: Size
    seed: int
    uai: Uai
    name: str
    postcode_city: str
    timetable: Timetable
    directory: tuple[DirectoryPerson, ...]
    teacher_accounts: Mapping[Ident, PersonKey]  # ground truth: each present teacher's own account
    student_accounts: Mapping[Ident, PersonKey]


def _college(uai: Uai, name: str, per_level: int) -> SchoolSpec:
    return SchoolSpec(
        uai=uai,
        name=f"COLLEGE {name}",
        college=True,
        classes_per_level=tuple((level, per_level) for level in ("6", "5", "4", "3")),
        pupils_per_class=(23, 27),
        support_scheme="ULIS",
    )


def _lycee(uai: Uai, name: str, per_level: tuple[int, int, int]) -> SchoolSpec:
    return SchoolSpec(
        uai=uai,
        name=f"LYCEE {name}",
        college=False,
        classes_per_level=tuple(zip(("2", "1", "T"), per_level, strict=True)),
        pupils_per_class=(33, 36),
        support_scheme="UPE2A",
    )


def _uai(rng: random.Random) -> Uai:
    return Uai(with_check_letter(f"0{rng.randrange(10, 96):02d}{rng.randrange(1000, 10000):04d}"))


def generate_establishment(size: Size, seed: int) -> GeneratedEstablishment:
    """The same ``size`` and ``seed`` always give the same timetable and directory."""
    rng = random.Random(f"{size}:{seed}")
    patron = rng.choice(PATRONS)
    town = rng.choice(TOWNS)
    builder = TimetableBuilder(rng)
    if size is Size.COLLEGE:
        uai = _uai(rng)
        name = f"COLLEGE {patron}"
        builder.add_school(_college(uai, patron, 6), establishment=None)
        staff = 12
    elif size is Size.LYCEE:
        uai = _uai(rng)
        name = f"LYCEE {patron}"
        builder.add_school(_lycee(uai, patron, (15, 14, 14)), establishment=None)
        staff = 25
    else:
        college_uai, uai = _uai(rng), _uai(rng)
        while uai == college_uai:
            uai = _uai(rng)
        name = f"CITE SCOLAIRE {patron}"
        builder.add_school(_college(college_uai, patron, 10), establishment=Ident("1"))
        builder.add_school(_lycee(uai, patron, (26, 25, 25)), establishment=Ident("2"))
        staff = 40
    builder.add_year_events()
    builder.make_homonyms()
    unplaced = builder.add_unplaced_pupils(3)
    timetable = builder.build(uai=uai, unplaced=unplaced)
    directory = build_directory(rng, timetable, staff=staff)
    return GeneratedEstablishment(
        size=size,
        seed=seed,
        uai=uai,
        name=name,
        postcode_city=town,
        timetable=timetable,
        directory=directory.people,
        teacher_accounts=directory.teacher_accounts,
        student_accounts=directory.student_accounts,
    )


def audience_occurrences(timetable: Timetable) -> int:
    """Dated occurrences per course audience: for each lesson, each class or group child's weeks not cancelled."""
    total = 0
    for lesson in timetable.lessons:
        kept = ALL_WEEKS & ~lesson.cancelled_weeks
        for link in (*lesson.classes, *lesson.groups):
            total += (link.weeks & kept).bit_count()
    return total
