"""Streaming reader of the inner timetable XML (``ExportEmploiDuTemps``) into the immutable model.

libxml2 parses the document and calls this module back for each start tag, end tag and piece of text (lxml's
parser-target interface): no tree is ever built, so memory follows the model, not the document. Elements are
matched by local name (any namespace, or none), sections may come in any order, and unknown elements,
attributes, comments and processing instructions are ignored. References between records are not resolved
here: ``timetable_validation`` checks them once the whole file is read.

Why a parser target rather than ``iterparse`` with cleared elements: both stream, but the target receives each
element's attributes as a plain dict and no element proxy is created, which makes the whole reader about 1.4x
faster; this module is the hot path of an import. For the same reason per-element work is kept to dictionary
look-ups, and values that repeat (idents, week masks, dates, lesson links, memberships) are parsed once and
shared: the model values are immutable, so sharing is safe.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time
from typing import Any, Final, cast

from lxml import etree

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

ROOT_NAME: Final = "ExportEmploiDuTemps"

Attributes = dict[str, str]

# Interning shares one string per ident across the model (an ident comes back in every lesson and membership);
# typed as the NewType's constructor so the hot path makes one call instead of two.
_ident_of: Callable[[str], Ident] = sys.intern  # type: ignore[assignment]

_PARSER_OPTIONS: Final[dict[str, Any]] = {
    # "internal" decodes the predefined entities in attribute values (with False, libxml2 hands a parser target
    # "&#38;" for "&amp;"); no other entity can exist, since any DOCTYPE is refused before it is read.
    "resolve_entities": "internal",
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
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
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
_PROLOG_SCAN_CHARS: Final = 1 << 16


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
    target = _TimetableTarget()
    parser = etree.XMLParser(target=cast(Any, target), **_PARSER_OPTIONS)  # the stubs want bytes tags too
    try:
        with _collector_paused():
            etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        line, column = _error_position(exc, parser)
        raise rejected(
            ErrorCode.MALFORMED_XML,
            f"The timetable is not well-formed XML (line {line}).",
            line=line,
            column=column,
        ) from None
    return target.build()


def check_prolog(xml: bytes) -> None:
    """Refuse what comes before the root element unless it is a declaration, comments and processing instructions.

    A DOCTYPE is how entities (billion laughs) and external references (XXE) get in; a timetable never needs one.
    This scan runs before the parser sees a byte; the parser target refuses a DOCTYPE again if one slips past.
    """
    head = xml[: _PROLOG_SCAN_CHARS * 2]
    if head.startswith(_UTF16_BOMS):
        text = head.decode("utf-16", errors="ignore")
    elif head[:2].count(0) == 1:  # UTF-16 without a byte-order mark
        text = head.decode("utf-16-le" if head[1] == 0 else "utf-16-be", errors="ignore")
    else:
        text = head.decode("latin-1")
    position = 0
    length = len(text)
    while True:
        while position < length and text[position] in " \t\r\n\ufeff\xef\xbb\xbf":
            position += 1
        if position >= length:
            if len(head) == len(xml):
                blank = not xml.strip(b" \t\r\n\xef\xbb\xbf")
                raise _not_an_export("The file is empty." if blank else "The file holds no XML element.")
            return  # a prolog longer than the scan: the parser target still refuses a DOCTYPE
        if text[position] != "<":
            raise _not_an_export("The file is not an XML timetable export.")
        if text.startswith("<?", position):
            end = text.find("?>", position)
            position = length if end < 0 else end + 2
        elif text.startswith("<!--", position):
            end = text.find("-->", position)
            position = length if end < 0 else end + 3
        elif text.startswith("<!", position):
            raise _unsafe()
        else:
            return


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the model is built.

    The reader allocates hundreds of thousands of acyclic objects that all survive; each collection would walk
    the growing model again for nothing (about a tenth of the reading time). Reference counting still frees
    everything that is dropped.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _error_position(exc: etree.XMLSyntaxError, parser: etree.XMLParser) -> tuple[int, int]:
    """Where the first error of this parse is: libxml2 may recover from it and only fail at the end of the file."""
    for entry in getattr(parser, "error_log", ()):
        line: int = entry.line
        column: int = entry.column
        if line > 0:
            return line, column
    return exc.position


def _not_an_export(message: str, **details: object) -> ExportRejectedError:
    return rejected(ErrorCode.NOT_AN_EXPORT, message, **details)


def _unsafe() -> ExportRejectedError:
    return rejected(
        ErrorCode.UNSAFE_XML,
        "The timetable declares a DOCTYPE (entities or external references), which an export never needs.",
    )


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


_RecordStart = Callable[[Attributes], None]
_ChildStart = Callable[[str, Attributes], None]
_ChildEnd = Callable[[str], None]
_RecordEnd = Callable[[], None]


@dataclass(frozen=True, slots=True)
class _Record:
    """What to do with one kind of record (a child of a section) and with its own children."""

    start: _RecordStart
    child_start: _ChildStart | None = None
    child_end: _ChildEnd | None = None
    end: _RecordEnd | None = None


@dataclass(frozen=True, slots=True)
class _Section:
    records: dict[str, _Record]
    start: _RecordStart | None = None


class _TimetableTarget:
    """The lxml parser target: ``start``, ``end``, ``data``, ``doctype`` and ``close`` are called by the parser.

    Depth 1 is the root, 2 a section, 3 a record, 4 a record's child; deeper elements are ignored.
    """

    def __init__(self) -> None:
        self.depth = 0
        self.texts: list[str] = []
        # Character data: a bound builtin is the cheapest callback; the list is emptied after each record.
        self.data: Callable[[str], None] = self.texts.append
        self.sections = self._sections()
        self.records: dict[str, _Record] = {}
        self.child_start: _ChildStart | None = None
        self.child_end: _ChildEnd | None = None
        self.record_end: _RecordEnd | None = None
        self.local_names: dict[str, str] = {}
        # The record being read: its attributes and collected children.
        self.current: Attributes = {}
        self.collected: tuple[list[Any], ...] = ()
        self.subject: Ident | None = None
        self.subject_count = 0
        self.text_mark = 0
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
        # Caches of values that repeat throughout a file.
        # A lesson child (tag, Ident, weeks) -> its kind and link: one look-up per child.
        self.lesson_children: dict[tuple[str, str | None, str | None], tuple[int, LessonLink]] = {}
        self.membership_kinds: dict[str, int] = {}
        self.group_member_kinds: dict[str, int] = {}
        self.masks: dict[str, WeekMask] = {}
        self.dates: dict[str, date] = {}
        self.memberships: dict[tuple[str | None, str | None, str | None], Membership] = {}

    def _sections(self) -> dict[str, _Section]:
        return {
            "AnneeScolaire": _Section(records={}, start=self._school_year),
            "GrilleHoraire": _Section(
                records={
                    "JoursOuvres": _Record(self._ignore, self._day_start, self._day_end),
                    "PlacesParJour": _Record(self._ignore, self._place),
                },
                start=self._grid,
            ),
            "Matieres": _Section({"Matiere": _Record(self._subject_record)}),
            "Professeurs": _Section({"Professeur": _Record(self._teacher)}),
            "Classes": _Section({"Classe": _Record(self._class_start, self._class_child, end=self._class_end)}),
            "Groupes": _Section({"Groupe": _Record(self._group_start, self._group_child, end=self._group_end)}),
            "Salles": _Section({"Salle": _Record(self._room)}),
            "Eleves": _Section({"Eleve": _Record(self._student_start, self._student_child, end=self._student_end)}),
            "Cours": _Section({"Cours": _Record(self._lesson_start, self._lesson_child, end=self._lesson_end)}),
            "Etablissements": _Section({"Etablissement": _Record(self._establishment)}),
        }

    # -- the parser's callbacks ----------------------------------------------------------------------------------

    def start(self, tag: str, attrib: Attributes) -> None:
        depth = self.depth = self.depth + 1
        if depth == 4:  # a record's child
            child_start = self.child_start
            if child_start is not None:
                child_start(tag, attrib)
        elif depth == 3:  # a record
            record = self.records.get(tag)
            if record is None and (record := self.records.get(self._local(tag))) is not None:
                self.records[tag] = record  # next time, one look-up by the full tag
            if record is None:
                self.child_start = self.child_end = self.record_end = None
            else:
                self.child_start, self.child_end, self.record_end = record.child_start, record.child_end, record.end
                record.start(attrib)
        elif depth == 2:  # a section
            section = self.sections.get(self._local(tag))
            self.records = section.records if section is not None else {}
            if section is not None and section.start is not None:
                section.start(attrib)
        elif depth == 1:
            self._root(tag, attrib)

    def end(self, tag: str) -> None:
        depth = self.depth
        self.depth = depth - 1
        if depth == 3:
            record_end = self.record_end
            if record_end is not None:
                record_end()
            self.texts.clear()
        elif depth == 4:
            child_end = self.child_end
            if child_end is not None:
                child_end(tag)
        elif depth == 2:
            self.texts.clear()

    def doctype(self, *_declaration: object) -> None:
        raise _unsafe()

    def close(self) -> None:
        return None

    # -- helpers ---------------------------------------------------------------------------------------------------

    def _local(self, tag: str) -> str:
        """The local name of ``tag`` (``{namespace}name`` or ``name``), cached per distinct tag."""
        name = self.local_names.get(tag)
        if name is None:
            name = self.local_names[tag] = sys.intern(tag.rpartition("}")[2])
        return name

    def _kind(self, kinds: dict[str, int], tag: str, names: dict[str, int], other: int) -> int:
        """A child's kind by its full tag: ``names[local name]``, or ``other``; cached per distinct tag."""
        kind = kinds[tag] = names.get(self._local(tag), other)
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

    def _mask(self, text: str, where: str, name: str, attribute: str) -> WeekMask:
        mask = self.masks.get(text)
        if mask is None:
            try:
                mask = self.masks[text] = parse_week_mask(text)
            except ValueError:
                raise _invalid(
                    f"{where} has an invalid {attribute} week mask.", element=name, attribute=attribute
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
            self.child_start = self.child_end = self.record_end = None  # the first definition wins
            return False
        return True

    def _ignore(self, _attrib: Attributes) -> None:
        return None

    # -- root and sections -------------------------------------------------------------------------------------

    def _root(self, tag: str, attrib: Attributes) -> None:
        name = self._local(tag)
        if name != ROOT_NAME:
            raise _not_an_export(
                f"The file is not a timetable export (its root element is {name[:64]}, not {ROOT_NAME}).",
                root=name[:64],
            )
        self.root_seen = True
        self.version = (attrib.get("Version") or "").strip()
        self.uai = normalise_uai(attrib.get("UAI") or "")

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

    def _day_start(self, _tag: str, _attrib: Attributes) -> None:
        self.text_mark = len(self.texts)

    def _day_end(self, tag: str) -> None:
        if self._local(tag) != "Jour":
            return
        text = "".join(self.texts[self.text_mark :]).strip()
        if not (text.isascii() and text.isdigit()):
            raise _bad_value(f"Working day #{len(self.working_days) + 1}", "Jour", "value", "a day number")
        self.working_days.append(int(text))

    def _place(self, tag: str, attrib: Attributes) -> None:
        if self._local(tag) != "Place":
            return
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

    def _subject_record(self, attrib: Attributes) -> None:
        ident = self._ident(attrib, "Matiere", "Matieres")
        if self._is_new(self.subjects, "subject", ident):
            self.subjects[ident] = Subject(
                ident=ident, code=attrib.get("Code") or "", label=attrib.get("Libelle") or ""
            )

    def _teacher(self, attrib: Attributes) -> None:
        ident = self._ident(attrib, "Professeur", "Professeurs")
        if not self._is_new(self.teachers, "teacher", ident):
            return
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

    def _room(self, attrib: Attributes) -> None:
        ident = self._ident(attrib, "Salle", "Salles")
        if self._is_new(self.rooms, "room", ident):
            self.rooms[ident] = Room(ident=ident, name=attrib.get("Nom") or "")

    def _establishment(self, attrib: Attributes) -> None:
        ident = self._ident(attrib, "Etablissement", "Etablissements")
        if self._is_new(self.establishments, "establishment", ident):
            self.establishments[ident] = Establishment(
                ident=ident, uai=Uai(normalise_uai(attrib.get("Numero") or "")), name=attrib.get("Nom") or ""
            )

    # -- classes --------------------------------------------------------------------------------------------------

    def _class_start(self, attrib: Attributes) -> None:
        ident = self._ident(attrib, "Classe", "Classes")
        self.current = attrib
        self.collected = ([], [])  # part idents, establishment
        self._is_new(self.classes, "class", ident)

    def _class_child(self, tag: str, attrib: Attributes) -> None:
        name = self._local(tag)
        if name == "PartieDeClasse":
            class_ident = _ident_of(self.current["Ident"])
            part = self._ident(attrib, name, f"class {class_ident}")
            self.collected[0].append(part)
            if part in self.class_parts:
                self.duplicates.setdefault("class part", []).append(part)
            else:
                self.class_parts[part] = ClassPart(ident=part, class_ident=class_ident, name=attrib.get("Nom") or None)
        elif name == "Etablissement":
            self.collected[1].append(self._ident(attrib, name, f"class {self.current['Ident']}"))

    def _class_end(self) -> None:
        ident = _ident_of(self.current["Ident"])
        parts, establishments = self.collected
        self.classes[ident] = SchoolClass(
            ident=ident,
            name=self.current.get("Nom") or "",
            part_idents=tuple(parts),
            establishment=establishments[0] if establishments else None,
        )

    # -- groups ---------------------------------------------------------------------------------------------------

    def _group_start(self, attrib: Attributes) -> None:
        ident = self._ident(attrib, "Groupe", "Groupes")
        self.current = attrib
        self.collected = ([], [], [])
        self._is_new(self.groups, "group", ident)

    def _group_child(self, tag: str, attrib: Attributes) -> None:
        kind = self.group_member_kinds.get(tag)
        if kind is None:
            kind = self._kind(self.group_member_kinds, tag, _GROUP_MEMBER_KINDS, -1)
        if kind >= 0:
            text = attrib.get("Ident")
            ident = _ident_of(text) if text else self._ident(attrib, self._local(tag), f"group {self.current['Ident']}")
            self.collected[kind].append(ident)

    def _group_end(self) -> None:
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

    def _student_start(self, attrib: Attributes) -> None:
        text = attrib.get("Ident")
        ident = _ident_of(text) if text else self._ident(attrib, "Eleve", "Eleves")
        self.current = attrib
        self.collected = ([], [])  # classes, class parts
        if ident in self.students:
            self._is_new(self.students, "student", ident)

    def _student_child(self, tag: str, attrib: Attributes) -> None:
        kind = self.membership_kinds.get(tag)
        if kind is None:
            kind = self._kind(self.membership_kinds, tag, _MEMBERSHIP_KINDS, -1)
        if kind >= 0:
            get = attrib.get
            key = (get("Ident"), get("DateEntree"), get("DateSortie"))
            membership = self.memberships.get(key)
            if membership is None:
                membership = self.memberships[key] = self._membership(tag, attrib)
            self.collected[kind].append(membership)

    def _membership(self, tag: str, attrib: Attributes) -> Membership:
        name = self._local(tag)
        where = f"student {self.current['Ident']}"
        return Membership(
            ident=self._ident(attrib, name, where),
            entry=self._date(attrib, f"{where}: {name}", name, "DateEntree"),
            exit=self._date(attrib, f"{where}: {name}", name, "DateSortie"),
        )

    def _student_end(self) -> None:
        get = self.current.get
        ident = _ident_of(get("Ident") or "")
        pronote_id = get("IDPN")
        cas_id = get("IDCAS")
        birth_text = get("DateNaissance")
        classes, parts = self.collected
        self.students[ident] = Student(
            ident=ident,
            last_name=get("Nom") or "",
            first_name=get("Prenom") or "",
            birth_date=(
                self.dates.get(birth_text) or self._date(self.current, f"Eleve {ident}", "Eleve", "DateNaissance")
            )
            if birth_text
            else None,
            sex=_SEXES.get(get("Sexe")),
            national_id=get("NumeroNational") or None,
            pronote_id=PronoteId(pronote_id) if pronote_id else None,
            cas_id=CasId(cas_id) if cas_id else None,
            classes=tuple(classes),
            class_parts=tuple(parts),
        )

    # -- lessons --------------------------------------------------------------------------------------------------

    def _lesson_start(self, attrib: Attributes) -> None:
        self.current = attrib
        self.collected = ([], [], [], [], [], [])
        self.subject = None
        self.subject_count = 0

    def _lesson_where(self) -> str:
        attrib = self.current
        index = len(self.lessons)
        day, place = attrib.get("Jour"), attrib.get("NumeroPlaceDebut")
        if day is None or place is None or not (day + place).isdigit():
            return f"lesson #{index + 1}"
        return lesson_label(index, int(day), int(place))

    def _lesson_child(self, tag: str, attrib: Attributes) -> None:
        get = attrib.get
        key = (tag, get("Ident"), get("Semaines") or get("SemainesInclusion"))
        known = self.lesson_children.get(key)
        if known is None:
            known = self.lesson_children[key] = self._lesson_child_kind(tag, attrib)
        kind, link = known
        if kind < _SUBJECT_KIND:
            self.collected[kind].append(link)
        elif kind == _SUBJECT_KIND:
            self.subject = link.ident
            self.subject_count += 1

    def _lesson_child_kind(self, tag: str, attrib: Attributes) -> tuple[int, LessonLink]:
        """A lesson child's kind, and its link (or, for the subject, its ident with no weeks)."""
        name = self._local(tag)
        kind = _LESSON_CHILD_KINDS.get(name, _IGNORED_KIND)
        if kind == _IGNORED_KIND:
            return kind, _NO_LINK
        where = self._lesson_where()
        ident = self._ident(attrib, name, where)
        if kind == _SUBJECT_KIND:
            return kind, LessonLink(ident=ident, weeks=0)
        attribute = "Semaines" if attrib.get("Semaines") else "SemainesInclusion"
        text = attrib.get(attribute)
        if not text:
            raise _invalid(f"{where}: {name} {ident} has no Semaines week mask.", element=name, attribute="Semaines")
        return kind, LessonLink(ident=ident, weeks=self._mask(text, f"{where}: {name} {ident}", name, attribute))

    def _lesson_end(self) -> None:
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
        cancelled = (
            self._mask(cancelled_text, lesson_label(index, day, start_place), "Cours", "SemainesAnnulation")
            if cancelled_text
            else 0
        )
        subject = self.subject
        if subject is None or self.subject_count != 1:
            count = "no subject" if not self.subject_count else f"{self.subject_count} subjects"
            raise _invalid(
                f"{lesson_label(index, day, start_place)} has {count}; a lesson needs exactly one.", lesson=index
            )
        teachers, classes, parts, groups, rooms, students = self.collected
        self.lessons.append(
            Lesson(
                index=index,
                day=day,
                start_place=start_place,
                place_count=place_count,
                subject=subject,
                cancelled_weeks=cancelled,
                teachers=tuple(teachers),
                classes=tuple(classes),
                class_parts=tuple(parts),
                groups=tuple(groups),
                rooms=tuple(rooms),
                students=tuple(students),
            )
        )

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
