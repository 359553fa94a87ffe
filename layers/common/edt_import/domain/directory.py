"""The ENT directory: the LMS accounts a timetable's people are reconciled with."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import NewType

from msgspec import Struct

PersonKey = NewType("PersonKey", str)  # the account's sync key in the LMS, set by the AAF/CSV integration


class Profile(StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    STAFF = "staff"


class Source(StrEnum):
    AAF = "aaf"
    CSV = "csv"
    MANUAL = "manual"  # created by hand in the ENT: never takes part in reconciliation


class DirectoryPerson(Struct, frozen=True, kw_only=True):
    person_key: PersonKey
    profile: Profile
    last_name: str
    first_name: str
    birth_date: date | None = None
    cas_id: str | None = None
    source: Source = Source.AAF

    @property
    def integration_managed(self) -> bool:
        return self.source is not Source.MANUAL
