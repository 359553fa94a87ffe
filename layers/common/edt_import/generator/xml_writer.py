"""Writes a Timetable as the inner XML of an EDT/PRONOTE export, the way PRONOTE lays it out.

Schema order, the ``exportemploidutemps`` namespace, CRLF line ends and, on request, the comments PRONOTE
writes inside lesson children (``<!--Domaine : [1..7,10..16]-->``). Only what the format notes list is
written: a class part has no name. Newer constructs the 2013 schema does not declare (``Etablissements``,
``Etablissement`` in a class, ``Eleve`` in a group or a lesson, ``SemainesAnnulation``) are written only when
the model holds them. Built as strings: a
large establishment serialises in a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from xml.sax.saxutils import quoteattr

from edt_import.domain.timetable import Lesson, LessonLink, Membership, Timetable
from edt_import.domain.week_mask import weeks_of

NAMESPACE = "http://www.index-education.com/exportemploidutemps"
CRLF = "\r\n"

_LINK_TAGS: tuple[tuple[str, str], ...] = (
    ("teachers", "Professeur"),
    ("classes", "Classe"),
    ("class_parts", "PartieDeClasse"),
    ("groups", "Groupe"),
    ("rooms", "Salle"),
    ("students", "Eleve"),
)


def timetable_to_xml(timetable: Timetable, *, pronote_comments: bool = True) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append(
        f'<ExportEmploiDuTemps xmlns="{NAMESPACE}" Version={quoteattr(timetable.version)} '
        f"UAI={quoteattr(timetable.uai)}>"
    )
    lines.extend(_school_year_and_grid(timetable))
    lines.extend(_establishments(timetable))
    lines.extend(_subjects_and_teachers(timetable))
    lines.extend(_classes_groups_rooms(timetable))
    lines.extend(_students(timetable))
    lines.append("  <Cours>")
    for lesson in timetable.lessons:
        lines.extend(_lesson(lesson, pronote_comments=pronote_comments))
    lines.append("  </Cours>")
    lines.append("</ExportEmploiDuTemps>")
    lines.append("")
    return CRLF.join(lines).encode("utf-8")


def _attrs(**values: str | int | date | time | None) -> str:
    """`` Name="value"`` pairs in the given order, skipping None."""
    return "".join(f" {name}={quoteattr(_text(value))}" for name, value in values.items() if value is not None)


def _text(value: str | int | date | time) -> str:
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _school_year_and_grid(timetable: Timetable) -> Iterator[str]:
    year = timetable.school_year
    yield (
        f"  <AnneeScolaire{_attrs(DateDebut=year.start, DateFin=year.end, DatePremierJourSemaine1=year.week1_monday)}/>"
    )
    grid = timetable.grid
    yield f"  <GrilleHoraire{_attrs(NombrePlacesParJour=grid.places_per_day, DureePlace=grid.place_minutes)}>"
    yield "    <JoursOuvres>"
    for day in grid.working_days:
        yield f"      <Jour>{day}</Jour>"
    yield "    </JoursOuvres>"
    yield "    <PlacesParJour>"
    for number in sorted(grid.places):
        place = grid.places[number]
        yield f"      <Place{_attrs(Numero=number, LibelleHeureDebut=place.start, LibelleHeureFin=place.end)}/>"
    yield "    </PlacesParJour>"
    yield "  </GrilleHoraire>"


def _establishments(timetable: Timetable) -> Iterator[str]:
    if not timetable.establishments:
        return
    yield "  <Etablissements>"
    for establishment in timetable.establishments.values():
        attributes = _attrs(Ident=establishment.ident, Numero=establishment.uai, Nom=establishment.name)
        yield f"    <Etablissement{attributes}/>"
    yield "  </Etablissements>"


def _subjects_and_teachers(timetable: Timetable) -> Iterator[str]:
    yield "  <Matieres>"
    for subject in timetable.subjects.values():
        yield f"    <Matiere{_attrs(Ident=subject.ident, Code=subject.code, Libelle=subject.label)}/>"
    yield "  </Matieres>"
    yield "  <Professeurs>"
    for teacher in timetable.teachers.values():
        attributes = _attrs(
            Ident=teacher.ident,
            Nom=teacher.last_name,
            Prenom=teacher.first_name,
            DateNaissance=teacher.birth_date,
            IDSTS=teacher.sts_id,
            IDPN=teacher.pronote_id,
            IDCAS=teacher.cas_id,
        )
        yield f"    <Professeur{attributes}/>"
    yield "  </Professeurs>"


def _classes_groups_rooms(timetable: Timetable) -> Iterator[str]:
    yield "  <Classes>"
    for school_class in timetable.classes.values():
        opening = f"    <Classe{_attrs(Ident=school_class.ident, Nom=school_class.name)}"
        if not school_class.part_idents and school_class.establishment is None:
            yield opening + "/>"
            continue
        yield opening + ">"
        for part_ident in school_class.part_idents:
            yield f"      <PartieDeClasse{_attrs(Ident=part_ident)}/>"
        if school_class.establishment is not None:
            yield f"      <Etablissement{_attrs(Ident=school_class.establishment)}/>"
        yield "    </Classe>"
    yield "  </Classes>"
    yield "  <Groupes>"
    for group in timetable.groups.values():
        opening = f"    <Groupe{_attrs(Ident=group.ident, Nom=group.name)}"
        members = (
            *(("Classe", ident) for ident in group.class_idents),
            *(("PartieDeClasse", ident) for ident in group.class_part_idents),
            *(("Eleve", ident) for ident in group.student_idents),
        )
        if not members:
            yield opening + "/>"
            continue
        yield opening + ">"
        for tag, ident in members:
            yield f"      <{tag}{_attrs(Ident=ident)}/>"
        yield "    </Groupe>"
    yield "  </Groupes>"
    yield "  <Salles>"
    for room in timetable.rooms.values():
        yield f"    <Salle{_attrs(Ident=room.ident, Nom=room.name)}/>"
    yield "  </Salles>"


def _students(timetable: Timetable) -> Iterator[str]:
    yield "  <Eleves>"
    for student in timetable.students.values():
        attributes = _attrs(
            Ident=student.ident,
            Nom=student.last_name,
            Prenom=student.first_name,
            DateNaissance=student.birth_date,
            Sexe=student.sex.value if student.sex else None,
            NumeroNational=student.national_id,
            IDPN=student.pronote_id,
            IDCAS=student.cas_id,
        )
        memberships = (
            *(("Classe", membership) for membership in student.classes),
            *(("PartieDeClasse", membership) for membership in student.class_parts),
        )
        if not memberships:
            yield f"    <Eleve{attributes}/>"
            continue
        yield f"    <Eleve{attributes}>"
        for tag, membership in memberships:
            yield f"      <{tag}{_membership_attrs(membership)}/>"
        yield "    </Eleve>"
    yield "  </Eleves>"


def _membership_attrs(membership: Membership) -> str:
    return _attrs(Ident=membership.ident, DateEntree=membership.entry, DateSortie=membership.exit)


def _lesson(lesson: Lesson, *, pronote_comments: bool) -> Iterator[str]:
    attributes = _attrs(
        Jour=lesson.day,
        NumeroPlaceDebut=lesson.start_place,
        NombrePlaces=lesson.place_count,
        SemainesAnnulation=lesson.cancelled_weeks or None,
    )
    yield f"    <Cours{attributes}>"
    yield f"      <Matiere{_attrs(Ident=lesson.subject)}/>"
    for field_name, tag in _LINK_TAGS:
        links: tuple[LessonLink, ...] = getattr(lesson, field_name)
        for link in links:
            opening = f"      <{tag}{_attrs(Ident=link.ident, Semaines=link.weeks)}"
            if pronote_comments:
                yield opening + ">"
                yield f"        <!--Domaine : [{week_ranges(link.weeks)}]-->"
                yield f"      </{tag}>"
            else:
                yield opening + "/>"
    yield "    </Cours>"


def week_ranges(mask: int) -> str:
    """PRONOTE's way of listing weeks: ``1..7,10..16,19``."""
    parts: list[str] = []
    weeks = list(weeks_of(mask))
    start = 0
    while start < len(weeks):
        end = start
        while end + 1 < len(weeks) and weeks[end + 1] == weeks[end] + 1:
            end += 1
        parts.append(str(weeks[start]) if start == end else f"{weeks[start]}..{weeks[end]}")
        start = end + 1
    return ",".join(parts)
