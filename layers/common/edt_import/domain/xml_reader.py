"""Streaming reader of the inner timetable XML (``ExportEmploiDuTemps``) into the immutable model.

Expat parses the document in 64 KiB pieces and calls back for each start tag: no tree is built, so memory
follows the model, not the document. Elements are matched by local name (any prefix or namespace, or none),
sections may come in any order, and unknown elements, attributes, comments and processing instructions are
ignored. References between records are resolved later (``dangling_references``).

Why expat and not lxml: this is the hot path of an import, and its cost is per-element callbacks. Expat lets the
reader make fewer and cheaper ones: each section swaps in its own start handler, end tags go to a builtin
(``list.append``) so they cost no Python call, and character data is only asked for inside ``JoursOuvres``.
Values that repeat (idents, week masks, dates, links, memberships) are parsed once and shared. Figures:
``benchmarks/reader_bench.py`` and the README.

Security is kept by refusals rather than parser options (``xml_safety``): a DOCTYPE, hence any entity declaration
or external reference, is refused by a prolog scan and again by the parser's handlers; parameter entities are
never parsed, and expat never fetches anything; only the predefined entities and character references are decoded.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from datetime import date, time
from typing import Any, Final
from xml.parsers import expat

from msgspec import Struct, structs

from edt_import.domain.clock_time import parse_clock_time
from edt_import.domain.errors import ErrorCode, ExportRejectedError, rejected
from edt_import.domain.timetable import (
    CasId,
    ClassPart,
    Establishment,
    Grid,
    Group,
    Ident,
    Lesson,
    LessonLink,
    Membership,
    Place,
    PronoteId,
    ReadWarning,
    Room,
    SchoolClass,
    SchoolYear,
    Sex,
    Student,
    Subject,
    Teacher,
    Timetable,
    Uai,
)
from edt_import.domain.timetable_validation import WarningCode, lesson_label, shown
from edt_import.domain.uai import normalise_uai
from edt_import.domain.week_mask import WeekMask, parse_week_mask
from edt_import.domain.xml_safety import UnreadableEncodingError, check_prolog, local_name, parse_in_pieces, safe_parser

ROOT_NAME: Final = "ExportEmploiDuTemps"

Attributes = dict[str, str]
_Start = Callable[[str, Attributes], None]

# Interning shares one string per ident across the model (an ident comes back in every lesson and membership);
# typed as the NewType's constructor so the hot path makes one call instead of two.
_ident_of: Callable[[str], Ident] = sys.intern  # type: ignore[assignment]
# The other NewTypes' constructors are Python calls; ``str`` of a str is the same object, for a C call.
_pronote_id_of: Callable[[str], PronoteId] = str  # type: ignore[assignment]
_cas_id_of: Callable[[str], CasId] = str  # type: ignore[assignment]

_SEXES: Final[dict[str | None, Sex]] = {sex.value: sex for sex in Sex}
_SMALL_INTS: Final[dict[str | None, int]] = {str(number): number for number in range(2048)}
# A lesson's children by local name: the index of their tuple in Lesson, then the subject; others are ignored.
_LESSON_CHILD_KINDS: Final[dict[str, int]] = {
    "Professeur": 0,
    "Classe": 1,
    "PartieDeClasse": 2,
    "Groupe": 3,
    "Salle": 4,
    "Eleve": 5,
    "Matiere": 6,
}
_SUBJECT_KIND: Final = 6
_IGNORED_KIND: Final = 7  # Personnel, Materiel and whatever newer exports add
_NO_LINK: Final = LessonLink(ident=Ident(""), weeks=0)
_MEMBERSHIP_KINDS: Final[dict[str, int]] = {"Classe": 0, "PartieDeClasse": 1}
_GROUP_MEMBER_KINDS: Final[dict[str, int]] = {"Classe": 0, "PartieDeClasse": 1, "Eleve": 2}
_ISO_DATE_LENGTH: Final = 10
_ENDS_KEPT: Final = 256  # end tags kept in a section's count before it is emptied at a record's start


def parse_timetable(xml: bytes, *, max_bytes: int | None = None) -> tuple[Timetable, tuple[ReadWarning, ...]]:
    """Read an inner timetable document; raise ``ExportRejectedError`` when it cannot be used.

    Codes: ``too_large`` (over ``max_bytes``), ``not_an_export`` (empty, not XML, another root),
    ``unsafe_xml`` (a DOCTYPE, hence entities or external references), ``malformed_xml`` (with its line),
    ``invalid_timetable`` (a missing section, a bad value, a lesson without exactly one subject).
    The warnings are what the reader itself noticed (duplicate idents); ``validate_timetable`` adds the rest.
    """
    if max_bytes is not None and len(xml) > max_bytes:
        raise rejected(
            ErrorCode.TOO_LARGE,
            "The timetable inside the export is larger than this product accepts.",
            size=len(xml),
            limit=max_bytes,
        )
    check_prolog(xml)
    parser = safe_parser()
    reader = _TimetableReader(parser)
    try:
        parse_in_pieces(parser, xml, root_seen=lambda: reader.root_seen)
        reader.finish()
    except expat.ExpatError as exc:
        raise rejected(
            ErrorCode.MALFORMED_XML,
            f"The timetable is not well-formed XML (line {exc.lineno}).",
            line=exc.lineno,
            column=exc.offset + 1,
        ) from None
    except UnreadableEncodingError:
        raise rejected(
            ErrorCode.MALFORMED_XML,
            "The timetable's XML declaration names a character encoding the import cannot read.",
            reason="encoding",
        ) from None
    finally:
        reader.release()
    return reader.build()


def _not_an_export(message: str, **details: object) -> ExportRejectedError:
    return rejected(ErrorCode.NOT_AN_EXPORT, message, **details)


def _invalid(message: str, **details: object) -> ExportRejectedError:
    return rejected(ErrorCode.INVALID_TIMETABLE, message, **details)


def _bad_value(where: str, name: str, attribute: str, expected: str) -> ExportRejectedError:
    return _invalid(f"{where} has no valid {attribute} ({expected}).", element=name, attribute=attribute)


def _iso_date(text: str) -> date | None:
    if len(text) != _ISO_DATE_LENGTH:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class _Section(Struct, frozen=True):
    """How one section is read: its start-tag handler, what completes its open record, what reads its own tag."""

    start: _Start
    close_record: Callable[[], None] | None = None
    opened: Callable[[Attributes], None] | None = None


class _TimetableReader:
    """Expat's handlers, swapped per section, and the model as it grows.

    Between sections the parser calls ``_section_start``; inside one, that section's start handler, made by
    ``_records``. End tags cost no Python call: the parser appends them to ``ends``, and a start handler finds its
    element's place from the counts, ``opened - len(ends)`` being 0 for a record, 1 for a record's child (deeper
    elements are ignored) and -1 once the section has closed, when this element opens the next section. So a
    record is completed when the next one starts, when its section gives way, or at the end of the document
    (``finish``). The time grid, the one section with text, counts its depth with an end handler of its own.
    """

    def __init__(self, parser: expat.XMLParserType) -> None:
        self.parser = parser
        parser.StartElementHandler = self._root_start
        self.ends: list[str] = []
        self.opened = 0  # start tags counted in this section, since ``ends`` was last emptied
        self.close_record: Callable[[], None] | None = None
        self.depth = 0  # in the time grid
        self.sections = self._sections()
        self.local_names: dict[str, str] = {}
        self.texts: list[str] = []  # a working day's text, delivered only inside JoursOuvres
        self.grid_list = ""  # which list of the time grid is open: JoursOuvres or PlacesParJour
        # The record being read: its attributes, whether it counts, and its collected children.
        self.current: Attributes = {}
        self.current_ident = Ident("")
        self.in_record = False
        self.collected: tuple[list[Any], ...] = ()
        # The lists of the most numerous records are emptied and reused rather than made anew for each one (5% of
        # the reading time): a lesson's six tuples, its subject and its ignored children; a student's memberships.
        self.lesson_lists: tuple[list[Any], ...] = ([], [], [], [], [], [], [], [])
        self.student_lists: tuple[list[Membership], list[Membership]] = ([], [])
        # The model as it grows.
        self.uai = ""
        self.version = ""
        self.root_seen = False
        self.school_year: SchoolYear | None = None
        self.places_per_day: int | None = None
        self.place_minutes: int | None = None
        self.working_days: list[int] = []
        self.places: dict[int, Place] = {}
        self.subjects: dict[Ident, Subject] = {}
        self.teachers: dict[Ident, Teacher] = {}
        self.classes: dict[Ident, SchoolClass] = {}
        self.class_parts: dict[Ident, ClassPart] = {}
        self.groups: dict[Ident, Group] = {}
        self.rooms: dict[Ident, Room] = {}
        self.students: dict[Ident, Student] = {}
        self.lessons: list[Lesson] = []
        self.establishments: dict[Ident, Establishment] = {}
        self.duplicates: dict[str, list[str]] = {}
        # Caches of values that repeat throughout a file, keyed by the full element name where they depend on it.
        self.lesson_children: dict[tuple[str, str | None, str | None], tuple[int, LessonLink]] = {}
        self.membership_kinds: dict[str, int] = {}
        self.group_member_kinds: dict[str, int] = {}
        self.masks: dict[str, WeekMask] = {}
        self.dates: dict[str, date] = {}
        self.memberships: dict[tuple[str | None, str | None, str | None], Membership] = {}

    def _sections(self) -> dict[str, _Section]:
        never = self._records("", lambda _attrib: False)
        return {
            "": never,  # a section this reader does not use
            "AnneeScolaire": structs.replace(never, opened=self._school_year),
            "GrilleHoraire": _Section(self._grid_start, opened=self._grid),
            "Matieres": self._records("Matiere", self._subject),
            "Professeurs": self._records("Professeur", self._teacher),
            "Classes": self._records("Classe", self._class_opened, self._class_child, self._class),
            "Groupes": self._records("Groupe", self._group_opened, self._group_child, self._group),
            "Salles": self._records("Salle", self._room),
            "Eleves": self._records("Eleve", self._student_opened, self._student_child, self._student),
            "Cours": self._records("Cours", self._lesson_opened, self._lesson_child, self._lesson),
            "Etablissements": self._records("Etablissement", self._establishment),
        }

    # -- root and sections -------------------------------------------------------------------------------------

    def _root_start(self, name: str, attrib: Attributes) -> None:
        local = self._local(name)
        if local != ROOT_NAME:
            raise _not_an_export(
                f"The file is not a timetable export (its root element is {local[:64]}, not {ROOT_NAME}).",
                root=local[:64],
            )
        self.root_seen = True
        self.version = (attrib.get("Version") or "").strip()
        self.uai = normalise_uai(attrib.get("UAI") or "")
        self.parser.StartElementHandler = self._section_start
        self.parser.EndElementHandler = self.ends.append

    def _section_start(self, name: str, attrib: Attributes) -> None:
        section = self.sections.get(self._local(name))
        self.ends.clear()
        self.opened = 0
        if section is None:
            section = self.sections[""]
        self.close_record = section.close_record
        if section.opened is not None:
            section.opened(attrib)
        self.parser.StartElementHandler = section.start

    def _next_section(self, name: str, attrib: Attributes) -> None:
        """The section has closed and ``name`` opens the next one."""
        self.finish()
        self._section_start(name, attrib)

    def release(self) -> None:
        """Break the reference cycles through the parser's handlers, so that reference counting frees it all.

        Left to the cyclic collector, the parser's buffers and the reader's caches would outlive the call.
        """
        parser = self.parser
        parser.StartElementHandler = parser.EndElementHandler = parser.CharacterDataHandler = None
        self.sections.clear()
        self.close_record = None

    def finish(self) -> None:
        """Complete the record still open, if any: the section or the document has ended since."""
        if self.in_record and self.close_record is not None:
            self.close_record()
        self.in_record = False

    def _records(
        self,
        record_name: str,
        opened: Callable[[Attributes], bool],
        child: Callable[[str, Attributes], None] | None = None,
        close_record: Callable[[], None] | None = None,
    ) -> _Section:
        """A section of ``record_name`` records: ``opened`` reads a record's own tag and says whether it counts (a
        duplicate does not), ``child`` each child of a counted record, ``close_record`` completes it."""
        is_record: dict[str, bool] = {}  # by name as written
        ends = self.ends

        def start(name: str, attrib: Attributes) -> None:
            parent = self.opened - len(ends)
            if parent == 1:
                self.opened += 1
                if self.in_record and child is not None:
                    child(name, attrib)
            elif parent == 0:
                if self.in_record and close_record is not None:
                    close_record()
                # ``ends`` is emptied only once long: emptying it at every record would reallocate it each time.
                if len(ends) > _ENDS_KEPT:
                    ends.clear()
                self.opened = len(ends) + 1
                matches = is_record.get(name)
                if matches is None:
                    matches = is_record[name] = self._local(name) == record_name
                self.in_record = matches and opened(attrib)
            elif parent < 0:
                self._next_section(name, attrib)
            else:
                self.opened += 1

        return _Section(start, close_record)

    # -- helpers ---------------------------------------------------------------------------------------------------

    def _local(self, name: str) -> str:
        """The local name of ``name`` (``prefix:local`` or ``local``), cached per distinct name."""
        local = self.local_names.get(name)
        if local is None:
            local = self.local_names[name] = sys.intern(local_name(name))
        return local

    def _kind(self, kinds: dict[str, int], name: str, names: dict[str, int], other: int) -> int:
        """A child's kind by its full name: ``names[local name]``, or ``other``; cached per distinct name."""
        kind = kinds[name] = names.get(self._local(name), other)
        return kind

    def _ident(self, attrib: Attributes, name: str, where: str) -> Ident:
        text = attrib.get("Ident")
        if not text:
            article = "An" if name[:1] in "AEIOU" else "A"
            raise _invalid(f"{article} {name} in {where} has no Ident.", element=name, attribute="Ident")
        return _ident_of(text)

    def _int(self, attrib: Attributes, where: str, name: str, attribute: str) -> int:
        text = attrib.get(attribute)
        value = _SMALL_INTS.get(text)
        if value is not None:
            return value
        if text is None or not (text.isascii() and text.strip().isdigit()):
            raise _bad_value(where, name, attribute, "a whole number")
        return int(text)

    def _mask(self, text: str, where: Callable[[], str], name: str, attribute: str) -> WeekMask:
        """The week mask ``text`` stands for; ``where`` names its place in an error message, built only then."""
        mask = self.masks.get(text)
        if mask is None:
            try:
                mask = self.masks[text] = parse_week_mask(text)
            except ValueError:
                raise _invalid(
                    f"{where()} has an invalid {attribute} week mask.", element=name, attribute=attribute
                ) from None
        return mask

    def _date(self, attrib: Attributes, where: str, name: str, attribute: str) -> date | None:
        text = attrib.get(attribute)
        if not text:
            return None
        value = self.dates.get(text)
        if value is None:
            value = _iso_date(text.strip())
            if value is None:
                raise _bad_value(where, name, attribute, "a date YYYY-MM-DD")
            self.dates[text] = value
        return value

    def _required_date(self, attrib: Attributes, name: str, attribute: str) -> date:
        value = self._date(attrib, name, name, attribute)
        if value is None:
            raise _bad_value(name, name, attribute, "a date YYYY-MM-DD")
        return value

    def _time(self, attrib: Attributes, where: str, attribute: str) -> time:
        try:
            return parse_clock_time(attrib.get(attribute) or "")
        except ValueError:
            raise _bad_value(where, "Place", attribute, "a time HH:MM") from None

    def _is_new(self, known: Mapping[Ident, object], kind: str, ident: Ident) -> bool:
        if ident in known:
            self.duplicates.setdefault(kind, []).append(ident)
            return False
        return True

    # -- school year and time grid ---------------------------------------------------------------------------

    def _school_year(self, attrib: Attributes) -> None:
        name = "AnneeScolaire"
        self.school_year = SchoolYear(
            start=self._required_date(attrib, name, "DateDebut"),
            end=self._required_date(attrib, name, "DateFin"),
            week1_monday=self._required_date(attrib, name, "DatePremierJourSemaine1"),
        )

    def _grid(self, attrib: Attributes) -> None:
        self.places_per_day = self._int(attrib, "GrilleHoraire", "GrilleHoraire", "NombrePlacesParJour")
        self.place_minutes = self._int(attrib, "GrilleHoraire", "GrilleHoraire", "DureePlace")
        self.depth = 0
        self.parser.EndElementHandler = self._grid_end

    def _grid_start(self, name: str, attrib: Attributes) -> None:
        depth = self.depth = self.depth + 1
        if depth == 1:
            self.grid_list = self._local(name)
        elif depth == 2 and self.grid_list == "JoursOuvres":
            self.texts.clear()
            self.parser.CharacterDataHandler = self.texts.append
        elif depth == 2 and self.grid_list == "PlacesParJour" and self._local(name) == "Place":
            self._place(attrib)

    def _grid_end(self, name: str) -> None:
        depth = self.depth
        self.depth = depth - 1
        if depth == 2 and self.grid_list == "JoursOuvres":
            self.parser.CharacterDataHandler = None
            if self._local(name) == "Jour":
                self._working_day("".join(self.texts).strip())
        elif not depth:
            self.parser.StartElementHandler = self._section_start
            self.parser.EndElementHandler = self.ends.append

    def _working_day(self, text: str) -> None:
        if not (text.isascii() and text.isdigit()):
            raise _bad_value(f"Working day #{len(self.working_days) + 1}", "Jour", "value", "a day number")
        self.working_days.append(int(text))

    def _place(self, attrib: Attributes) -> None:
        number = self._int(attrib, f"Place #{len(self.places) + 1}", "Place", "Numero")
        where = f"Place {number}"
        place = Place(
            number=number,
            start=self._time(attrib, where, "LibelleHeureDebut"),
            end=self._time(attrib, where, "LibelleHeureFin"),
        )
        if number in self.places:
            self.duplicates.setdefault("place", []).append(str(number))
        else:
            self.places[number] = place

    # -- records without children ----------------------------------------------------------------------------------

    def _subject(self, attrib: Attributes) -> bool:
        ident = self._ident(attrib, "Matiere", "Matieres")
        if self._is_new(self.subjects, "subject", ident):
            self.subjects[ident] = Subject(
                ident=ident, code=attrib.get("Code") or "", label=attrib.get("Libelle") or ""
            )
        return False

    def _teacher(self, attrib: Attributes) -> bool:
        ident = self._ident(attrib, "Professeur", "Professeurs")
        if not self._is_new(self.teachers, "teacher", ident):
            return False
        get = attrib.get
        pronote_id = get("IDPN")
        cas_id = get("IDCAS")
        self.teachers[ident] = Teacher(
            ident=ident,
            last_name=get("Nom") or "",
            first_name=get("Prenom") or "",
            birth_date=self._date(attrib, f"Professeur {ident}", "Professeur", "DateNaissance"),
            sts_id=get("IDSTS") or None,
            pronote_id=PronoteId(pronote_id) if pronote_id else None,
            cas_id=CasId(cas_id) if cas_id else None,
        )
        return False

    def _room(self, attrib: Attributes) -> bool:
        ident = self._ident(attrib, "Salle", "Salles")
        if self._is_new(self.rooms, "room", ident):
            self.rooms[ident] = Room(ident=ident, name=attrib.get("Nom") or "")
        return False

    def _establishment(self, attrib: Attributes) -> bool:
        ident = self._ident(attrib, "Etablissement", "Etablissements")
        if self._is_new(self.establishments, "establishment", ident):
            self.establishments[ident] = Establishment(
                ident=ident, uai=Uai(normalise_uai(attrib.get("Numero") or "")), name=attrib.get("Nom") or ""
            )
        return False

    # -- classes --------------------------------------------------------------------------------------------------

    def _class_opened(self, attrib: Attributes) -> bool:
        ident = self._ident(attrib, "Classe", "Classes")
        self.current = attrib
        self.collected = ([], [])  # part idents, establishment
        return self._is_new(self.classes, "class", ident)

    def _class_child(self, name: str, attrib: Attributes) -> None:
        local = self._local(name)
        if local == "PartieDeClasse":
            class_ident = _ident_of(self.current["Ident"])
            part = self._ident(attrib, local, f"class {class_ident}")
            self.collected[0].append(part)
            if part in self.class_parts:
                self.duplicates.setdefault("class part", []).append(part)
            else:
                self.class_parts[part] = ClassPart(ident=part, class_ident=class_ident, name=attrib.get("Nom") or None)
        elif local == "Etablissement":
            self.collected[1].append(self._ident(attrib, local, f"class {self.current['Ident']}"))

    def _class(self) -> None:
        ident = _ident_of(self.current["Ident"])
        parts, establishments = self.collected
        self.classes[ident] = SchoolClass(
            ident=ident,
            name=self.current.get("Nom") or "",
            part_idents=tuple(parts),
            establishment=establishments[0] if establishments else None,
        )

    # -- groups ---------------------------------------------------------------------------------------------------

    def _group_opened(self, attrib: Attributes) -> bool:
        ident = self._ident(attrib, "Groupe", "Groupes")
        self.current = attrib
        self.collected = ([], [], [])  # classes, class parts, students
        return self._is_new(self.groups, "group", ident)

    def _group_child(self, name: str, attrib: Attributes) -> None:
        kind = self.group_member_kinds.get(name)
        if kind is None:
            kind = self._kind(self.group_member_kinds, name, _GROUP_MEMBER_KINDS, -1)
        if kind >= 0:
            text = attrib.get("Ident")
            if text:
                self.collected[kind].append(_ident_of(text))
            else:  # refused, naming the group
                self._ident(attrib, self._local(name), f"group {self.current['Ident']}")

    def _group(self) -> None:
        ident = _ident_of(self.current["Ident"])
        classes, parts, students = self.collected
        self.groups[ident] = Group(
            ident=ident,
            name=self.current.get("Nom") or "",
            class_idents=tuple(classes),
            class_part_idents=tuple(parts),
            student_idents=tuple(students),
        )

    # -- students -------------------------------------------------------------------------------------------------

    def _student_opened(self, attrib: Attributes) -> bool:
        text = attrib.get("Ident")
        ident = self.current_ident = _ident_of(text) if text else self._ident(attrib, "Eleve", "Eleves")
        self.current = attrib
        self.collected = self.student_lists
        return ident not in self.students or self._is_new(self.students, "student", ident)

    def _student_child(self, name: str, attrib: Attributes) -> None:
        # Subscripts rather than .get(): the cheapest look-up when, as here, it almost always hits.
        try:
            kind = self.membership_kinds[name]
        except KeyError:
            kind = self._kind(self.membership_kinds, name, _MEMBERSHIP_KINDS, -1)
        if kind >= 0:
            key = (attrib.get("Ident"), attrib.get("DateEntree"), attrib.get("DateSortie"))
            try:
                membership = self.memberships[key]
            except KeyError:
                membership = self.memberships[key] = self._membership(name, attrib)
            self.collected[kind].append(membership)

    def _membership(self, name: str, attrib: Attributes) -> Membership:
        local = self._local(name)
        where = f"student {self.current['Ident']}"
        return Membership(
            ident=self._ident(attrib, local, where),
            entry=self._date(attrib, f"{where}: {local}", local, "DateEntree"),
            exit=self._date(attrib, f"{where}: {local}", local, "DateSortie"),
        )

    def _student(self) -> None:
        get = self.current.get
        ident = self.current_ident
        pronote_id = get("IDPN")
        cas_id = get("IDCAS")
        birth_text = get("DateNaissance")
        birth_date = self.dates.get(birth_text) if birth_text else None
        if birth_text and birth_date is None:
            birth_date = _iso_date(birth_text.strip())
            if birth_date is None:
                raise _bad_value(f"Eleve {ident}", "Eleve", "DateNaissance", "a date YYYY-MM-DD")
            self.dates[birth_text] = birth_date
        classes, parts = self.collected
        self.students[ident] = Student(
            ident=ident,
            last_name=get("Nom") or "",
            first_name=get("Prenom") or "",
            birth_date=birth_date,
            sex=_SEXES.get(get("Sexe")),
            national_id=get("NumeroNational") or None,
            pronote_id=_pronote_id_of(pronote_id) if pronote_id else None,
            cas_id=_cas_id_of(cas_id) if cas_id else None,
            classes=tuple(classes),
            class_parts=tuple(parts),
        )
        classes.clear()
        parts.clear()

    # -- lessons --------------------------------------------------------------------------------------------------

    def _lesson_opened(self, attrib: Attributes) -> bool:
        self.current = attrib
        self.collected = self.lesson_lists
        return True

    def _lesson_child(self, name: str, attrib: Attributes) -> None:
        key = (name, attrib.get("Ident"), attrib.get("Semaines") or attrib.get("SemainesInclusion"))
        try:
            kind, link = self.lesson_children[key]
        except KeyError:
            kind, link = self.lesson_children[key] = self._lesson_child_kind(name, attrib)
        self.collected[kind].append(link)

    def _lesson_where(self) -> str:
        attrib = self.current
        index = len(self.lessons)
        day, place = attrib.get("Jour"), attrib.get("NumeroPlaceDebut")
        if day is None or place is None or not (day.isdecimal() and place.isdecimal()):
            return f"lesson #{index + 1}"
        return lesson_label(index, int(day), int(place))

    def _lesson_child_kind(self, name: str, attrib: Attributes) -> tuple[int, LessonLink]:
        """A lesson child's kind, and its link (or, for the subject, its ident with no weeks)."""
        local = self._local(name)
        kind = _LESSON_CHILD_KINDS.get(local, _IGNORED_KIND)
        if kind == _IGNORED_KIND:
            return kind, _NO_LINK
        # The lesson's label is only built for an error message.
        text = attrib.get("Ident")
        ident = _ident_of(text) if text else self._ident(attrib, local, self._lesson_where())
        if kind == _SUBJECT_KIND:
            return kind, LessonLink(ident=ident, weeks=0)
        attribute = "Semaines" if attrib.get("Semaines") else "SemainesInclusion"
        weeks = attrib.get(attribute)
        if not weeks:
            raise _invalid(
                f"{self._lesson_where()}: {local} {ident} has no Semaines week mask.",
                element=local,
                attribute="Semaines",
            )
        where = lambda: f"{self._lesson_where()}: {local} {ident}"  # noqa: E731 - a deferred message
        return kind, LessonLink(ident=ident, weeks=self._mask(weeks, where, local, attribute))

    def _lesson(self) -> None:
        attrib = self.current
        get = attrib.get
        index = len(self.lessons)
        day = _SMALL_INTS.get(get("Jour"))
        if day is None:
            day = self._int(attrib, f"lesson #{index + 1}", "Cours", "Jour")
        start_place = _SMALL_INTS.get(get("NumeroPlaceDebut"))
        if start_place is None:
            start_place = self._int(attrib, f"lesson #{index + 1}", "Cours", "NumeroPlaceDebut")
        place_count = _SMALL_INTS.get(get("NombrePlaces"))
        if place_count is None:
            place_count = self._int(attrib, f"lesson #{index + 1}", "Cours", "NombrePlaces")
        cancelled_text = get("SemainesAnnulation")
        cancelled = 0
        if cancelled_text:
            where = lambda: lesson_label(index, day, start_place)  # noqa: E731 - a deferred message
            cancelled = self._mask(cancelled_text, where, "Cours", "SemainesAnnulation")
        teachers, classes, parts, groups, rooms, students, subjects, _ignored = self.collected
        if len(subjects) != 1:
            count = f"{len(subjects)} subjects" if subjects else "no subject"
            raise _invalid(
                f"{lesson_label(index, day, start_place)} has {count}; a lesson needs exactly one.", lesson=index
            )
        self.lessons.append(
            Lesson(
                index=index,
                day=day,
                start_place=start_place,
                place_count=place_count,
                subject=subjects[0].ident,
                cancelled_weeks=cancelled,
                teachers=tuple(teachers),
                classes=tuple(classes),
                class_parts=tuple(parts),
                groups=tuple(groups),
                rooms=tuple(rooms),
                students=tuple(students),
            )
        )
        for bucket in self.lesson_lists:
            if bucket:
                bucket.clear()

    # -- the result ---------------------------------------------------------------------------------------------

    def build(self) -> tuple[Timetable, tuple[ReadWarning, ...]]:
        if not self.root_seen:
            raise _not_an_export("The file is empty.")
        if self.school_year is None:
            raise _invalid("The export has no school year (AnneeScolaire).", element="AnneeScolaire")
        if self.places_per_day is None or self.place_minutes is None:
            raise _invalid("The export has no time grid (GrilleHoraire).", element="GrilleHoraire")
        timetable = Timetable(
            uai=Uai(self.uai),
            version=self.version,
            school_year=self.school_year,
            grid=Grid(
                places_per_day=self.places_per_day,
                place_minutes=self.place_minutes,
                working_days=tuple(self.working_days),
                places=self.places,
            ),
            subjects=self.subjects,
            teachers=self.teachers,
            classes=self.classes,
            class_parts=self.class_parts,
            groups=self.groups,
            rooms=self.rooms,
            students=self.students,
            lessons=tuple(self.lessons),
            establishments=self.establishments,
        )
        warnings = tuple(
            ReadWarning(
                code=WarningCode.DUPLICATE_IDENT,
                message=f"The export defines {len(idents)} {kind} ident(s) more than once ({shown(idents)}); "
                "the first definition of each is used.",
            )
            for kind, idents in self.duplicates.items()
        )
        return timetable, warnings
