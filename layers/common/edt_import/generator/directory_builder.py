"""The ENT directory an establishment's timetable is reconciled with, with the mismatches real ones have.

AAF feeds spell names their own way (capitals, no accents, spaces for hyphens), a few people are not in
the directory yet, some accounts come from the CSV import, a few were made by hand (one duplicating a real
teacher and one a real pupil: they must never match), two pupils share a name (one pair shares the birth
date too), and one teacher's birth date is mistyped.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from datetime import date, timedelta

from msgspec import Struct

from edt_import.domain.directory import DirectoryPerson, PersonKey, Profile, Source
from edt_import.domain.timetable import Ident, Timetable
from edt_import.generator.french_names import pick_first_name, pick_last_name, vary_name

MISSING_SHARE = 0.02
CAS_SHARE = 0.6
VARIED_SHARE = 0.25


class GeneratedDirectory(Struct, frozen=True, kw_only=True):
    people: tuple[DirectoryPerson, ...]
    teacher_accounts: Mapping[Ident, PersonKey]  # the account that truly is each teacher (absent: missing)
    student_accounts: Mapping[Ident, PersonKey]


class _DirectoryBuilder:
    def __init__(self, rng: random.Random, timetable: Timetable) -> None:
        self._rng = rng
        self._timetable = timetable
        self._keys: set[str] = set()
        self._cas_ids: set[str] = {
            person.cas_id
            for people in (timetable.teachers.values(), timetable.students.values())
            for person in people
            if person.cas_id
        }
        self.people: list[DirectoryPerson] = []

    def key(self, source: Source) -> PersonKey:
        prefix = {Source.AAF: "aaf", Source.CSV: "csv", Source.MANUAL: "man"}[source]
        while True:
            key = f"{prefix}-{self._rng.getrandbits(64):016x}"
            if key not in self._keys:
                self._keys.add(key)
                return PersonKey(key)

    def cas_id(self, existing: str | None, share_without: float, prefix: str) -> str | None:
        if existing:
            return existing
        if self._rng.random() >= share_without:
            return None
        while True:
            value = f"{prefix}{self._rng.randrange(10**7):07d}"
            if value not in self._cas_ids:
                self._cas_ids.add(value)
                return value

    def spelled(self, name: str) -> str:
        return vary_name(self._rng, name) if self._rng.random() < VARIED_SHARE else name

    def account(
        self,
        profile: Profile,
        last_name: str,
        first_name: str,
        birth_date: date | None,
        cas_id: str | None,
    ) -> PersonKey:
        source = Source.CSV if self._rng.random() < 0.12 else Source.AAF
        person = DirectoryPerson(
            person_key=self.key(source),
            profile=profile,
            last_name=self.spelled(last_name),
            first_name=self.spelled(first_name),
            birth_date=birth_date,
            cas_id=cas_id,
            source=source,
        )
        self.people.append(person)
        return person.person_key

    def invented(self, profile: Profile, source: Source, birth_year: int) -> None:
        rng = self._rng
        self.people.append(
            DirectoryPerson(
                person_key=self.key(source),
                profile=profile,
                last_name=pick_last_name(rng).upper(),
                first_name=pick_first_name(rng, female=rng.random() < 0.5),
                birth_date=date(birth_year, rng.randint(1, 12), rng.randint(1, 28)),
                cas_id=self.cas_id(None, CAS_SHARE, "s") if source is not Source.MANUAL else None,
                source=source,
            )
        )


def _share_without(with_cas: int, total: int) -> float:
    """The chance to give a CAS id to someone the timetable gives none, so that about 60% have one."""
    if total == with_cas:
        return 0.0
    return max(0.0, (CAS_SHARE * total - with_cas) / (total - with_cas))


def build_directory(rng: random.Random, timetable: Timetable, *, staff: int) -> GeneratedDirectory:
    builder = _DirectoryBuilder(rng, timetable)
    teachers = list(timetable.teachers.values())
    students = list(timetable.students.values())
    missing_teachers = {teacher.ident for teacher in rng.sample(teachers, max(1, round(MISSING_SHARE * len(teachers))))}
    # Homonyms stay in the directory: they are the cases reconciliation must tell apart.
    names = Counter((student.last_name, student.first_name) for student in students)
    ordinary = [student for student in students if names[student.last_name, student.first_name] == 1]
    missing_students = {student.ident for student in rng.sample(ordinary, max(1, round(MISSING_SHARE * len(students))))}
    present_teachers = [teacher for teacher in teachers if teacher.ident not in missing_teachers]
    dated = [teacher for teacher in present_teachers if teacher.birth_date is not None]
    mistyped, duplicated_teacher = dated[0], dated[-1]
    duplicated_student = next(
        student for student in ordinary[len(ordinary) // 3 :] if student.ident not in missing_students
    )

    teacher_accounts: dict[Ident, PersonKey] = {}
    share = _share_without(sum(1 for teacher in teachers if teacher.cas_id), len(teachers))
    for teacher in teachers:
        if teacher.ident in missing_teachers:
            continue
        birth = teacher.birth_date or date(rng.randint(1962, 1998), rng.randint(1, 12), rng.randint(1, 28))
        if teacher is mistyped:
            birth = birth.replace(day=birth.month, month=birth.day) if birth.day <= 12 else birth + timedelta(days=1)
            if teacher.birth_date == birth:
                birth += timedelta(days=1)
        teacher_accounts[teacher.ident] = builder.account(
            Profile.TEACHER, teacher.last_name, teacher.first_name, birth, builder.cas_id(teacher.cas_id, share, "p")
        )

    student_accounts: dict[Ident, PersonKey] = {}
    share = _share_without(sum(1 for student in students if student.cas_id), len(students))
    for student in students:
        if student.ident in missing_students:
            continue
        student_accounts[student.ident] = builder.account(
            Profile.STUDENT,
            student.last_name,
            student.first_name,
            student.birth_date,
            builder.cas_id(student.cas_id, share, "e"),
        )

    for _ in range(staff):
        builder.invented(Profile.STAFF, Source.AAF if rng.random() < 0.8 else Source.CSV, rng.randint(1960, 1998))
    builder.invented(Profile.STAFF, Source.MANUAL, 1990)
    builder.invented(Profile.TEACHER, Source.MANUAL, 1985)
    # Hand-made duplicates of real people: same names and birth date, never to be matched.
    for original, profile in ((duplicated_teacher, Profile.TEACHER), (duplicated_student, Profile.STUDENT)):
        builder.people.append(
            DirectoryPerson(
                person_key=builder.key(Source.MANUAL),
                profile=profile,
                last_name=original.last_name,
                first_name=original.first_name,
                birth_date=original.birth_date,
                cas_id=None,
                source=Source.MANUAL,
            )
        )
    people = builder.people
    rng.shuffle(people)
    return GeneratedDirectory(
        people=tuple(people), teacher_accounts=teacher_accounts, student_accounts=student_accounts
    )
