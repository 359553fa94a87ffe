"""Exports for the automatic-import tests: the generated college with a course the last manual import never
showed (a new subject taught to a class the college already has)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from msgspec import structs

from edt_import.domain.timetable import Ident, Subject, Timetable
from edt_import.generator.container_sealing import seal_container
from edt_import.generator.xml_writer import timetable_to_xml

NEW_SUBJECT = Subject(ident=Ident("new-subject-1"), code="ASTRO", label="ASTRONOMIE")


def with_new_subject_course(timetable: Timetable) -> Timetable:
    """The timetable plus one weekly lesson of ``NEW_SUBJECT``, a copy of its first class lesson."""
    model = next(lesson for lesson in timetable.lessons if lesson.classes)
    lesson = structs.replace(
        model, index=max(lesson.index for lesson in timetable.lessons) + 1, subject=NEW_SUBJECT.ident, groups=()
    )
    return structs.replace(
        timetable,
        subjects={**timetable.subjects, NEW_SUBJECT.ident: NEW_SUBJECT},
        lessons=(*timetable.lessons, lesson),
    )


def sealed_timetable(timetable: Timetable, partner_pem: bytes, exported_at: datetime) -> bytes:
    """``timetable`` in an encrypted container for the partner key, as PRONOTE uploads it."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key  # noqa: PLC0415

    key: Any = load_pem_private_key(partner_pem, password=None)
    return seal_container(
        timetable_to_xml(timetable),
        partners={"ITSLEARNING": key.public_key()},
        uai=timetable.uai,
        exported_at=exported_at,
    )
