"""Streaming reader of the inner timetable XML (``ExportEmploiDuTemps``) into the immutable model.

The file is read once with ``iterparse``; each record (a child of a section) is turned into a model value at
its end tag and then cleared, so memory follows the model, not the document. Elements are matched by local
name (any namespace, or none), sections may come in any order, and unknown elements and attributes are
ignored. References between records are not resolved here: ``timetable_validation`` checks them once the
whole file is read.

This module is the hot path of an import: per-element work is kept to dictionary look-ups, and values that
repeat (idents, week masks, dates, lesson links, memberships) are parsed once and shared.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, time
from io import BytesIO
from typing import Any, Final

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
from edt_import.domain.timetable_validation import WarningCode, lesson_label
from edt_import.domain.uai import normalise_uai
from edt_import.domain.week_mask import WeekMask, parse_week_mask

ROOT_NAME: Final = "ExportEmploiDuTemps"

_iterparse: Callable[..., Iterator[tuple[str, etree._Element]]] = etree.iterparse

_PARSER_OPTIONS: Final[dict[str, bool]] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
_EVENTS: Final = ("start", "end")

_SEXES: Final[dict[str | None, Sex]] = {sex.value: sex for sex in Sex}
_SMALL_INTS: Final[dict[str, int]] = {str(number): number for number in range(2048)}
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
_IGNORED_KIND: Final = 7  # Personnel, Materiel and what newer exports may add
_MEMBERSHIP_KINDS: Final[dict[str, int]] = {"Classe": 0, "PartieDeClasse": 1}
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
    reader = _TimetableReader()
    events = _iterparse(BytesIO(xml), events=_EVENTS, **_PARSER_OPTIONS)
    try:
        reader.read(events)
    except etree.XMLSyntaxError as exc:
        line, column = _error_position(exc, events)
        raise rejected(
            ErrorCode.MALFORMED_XML,
            f"The timetable is not well-formed XML (line {line}).",
            line=line,
            column=column,
        ) from None
    return reader.build()


def _error_position(exc: etree.XMLSyntaxError, events: object) -> tuple[int, int]:
    """Where the first error of this parse is: libxml2 may recover from it and only fail at the end of the file."""
    for entry in getattr(events, "error_log", ()):
        line: int = entry.line
        column: int = entry.column
        if line > 0:
            return line, column
    return exc.position


def check_prolog(xml: bytes) -> None:
    """Refuse what comes before the root element unless it is a declaration, comments and processing instructions.

    A DOCTYPE is how entities (billion laughs) and external references (XXE) get in; a timetable never needs one.
    This scan runs before the parser sees a byte; the reader checks the parsed document's DOCTYPE again.
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
            return  # a prolog longer than the scan: the parser's own check still applies
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


def _not_an_export(message: str, **details: object) -> ExportRejectedError:
    return rejected(ErrorCode.NOT_AN_EXPORT, message, **details)


def _unsafe() -> ExportRejectedError:
    return rejected(
        ErrorCode.UNSAFE_XML,
        "The timetable declares a DOCTYPE (entities or external references), which an export never needs.",
    )


def _iso_date(text: str) -> date | None:
    if len(text) != _ISO_DATE_LENGTH:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _line(element: etree._Element) -> int | None:
    line: int | None = getattr(element, "sourceline", None)
    return line


def _invalid(message: str, **details: object) -> ExportRejectedError:
    return rejected(ErrorCode.INVALID_TIMETABLE, message, **details)


def _bad_value(element: etree._Element, name: str, attribute: str, what: str) -> ExportRejectedError:
    line = _line(element)
    return _invalid(
        f"{name} on line {line} has no valid {attribute} ({what}).", element=name, attribute=attribute, line=line
    )


@dataclass(slots=True)
class _TimetableReader:
    """Mutable state of one read; ``build`` freezes it into the model."""

    uai: str = ""
    version: str = ""
    root_seen: bool = False
    school_year: SchoolYear | None = None
    places_per_day: int | None = None
    place_minutes: int | None = None
    working_days: list[int] = field(default_factory=list)
    places: dict[int, Place] = field(default_factory=dict)
    subjects: dict[Ident, Subject] = field(default_factory=dict)
    teachers: dict[Ident, Teacher] = field(default_factory=dict)
    classes: dict[Ident, SchoolClass] = field(default_factory=dict)
    class_parts: dict[Ident, ClassPart] = field(default_factory=dict)
    groups: dict[Ident, Group] = field(default_factory=dict)
    rooms: dict[Ident, Room] = field(default_factory=dict)
    students: dict[Ident, Student] = field(default_factory=dict)
    lessons: list[Lesson] = field(default_factory=list)
    establishments: dict[Ident, Establishment] = field(default_factory=dict)
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    # Caches of values that repeat throughout a file; the model values are immutable, so sharing is safe.
    local_names: dict[str, str] = field(default_factory=dict)
    lesson_child_kinds: dict[str, int] = field(default_factory=dict)
    student_child_kinds: dict[str, int] = field(default_factory=dict)
    masks: dict[str, WeekMask] = field(default_factory=dict)
    dates: dict[str, date] = field(default_factory=dict)
    links: dict[tuple[str, str], LessonLink] = field(default_factory=dict)
    memberships: dict[tuple[str, str | None, str | None], Membership] = field(default_factory=dict)

    # -- the event loop ---------------------------------------------------------------------------------------

    def read(self, events: Iterator[tuple[str, etree._Element]]) -> None:
        records = self._record_handlers()
        starts = self._section_start_handlers()
        local_names = self.local_names
        handlers: dict[str, Callable[[etree._Element], None]] = {}
        section: etree._Element | None = None
        processed = 0
        depth = 0
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 2:  # a section
                    section = element
                    processed = 0
                    name = self._local(element.tag)
                    handlers = records.get(name, {})
                    start = starts.get(name)
                    if start is not None:
                        start(element)
                elif depth == 1:
                    self._root(element)
                continue
            if depth == 3:  # a record, complete with its children
                tag = element.tag
                handler = handlers.get(local_names.get(tag) or self._local(tag))
                if handler is not None:
                    handler(element)
                element.clear()
                if processed and section is not None:
                    del section[0]  # the previous record, already cleared: memory stays flat
                processed += 1
            elif depth == 2:
                element.clear()
            depth -= 1

    def _local(self, tag: object) -> str:
        """The local name of ``tag`` (``{namespace}name`` or ``name``), cached per distinct tag."""
        if not isinstance(tag, str):
            return ""
        name = self.local_names.get(tag)
        if name is None:
            name = self.local_names[tag] = sys.intern(tag.rpartition("}")[2])
        return name

    def _record_handlers(self) -> dict[str, dict[str, Callable[[etree._Element], None]]]:
        return {
            "GrilleHoraire": {"JoursOuvres": self._working_days, "PlacesParJour": self._places},
            "Matieres": {"Matiere": self._subject},
            "Professeurs": {"Professeur": self._teacher},
            "Classes": {"Classe": self._class},
            "Groupes": {"Groupe": self._group},
            "Salles": {"Salle": self._room},
            "Eleves": {"Eleve": self._student},
            "Cours": {"Cours": self._lesson},
            "Etablissements": {"Etablissement": self._establishment},
        }

    def _section_start_handlers(self) -> dict[str, Callable[[etree._Element], None]]:
        return {"AnneeScolaire": self._school_year, "GrilleHoraire": self._grid}

    def _root(self, element: etree._Element) -> None:
        name = self._local(element.tag)
        if name != ROOT_NAME:
            raise _not_an_export(
                f"The file is not a timetable export (its root element is {name[:64]}, not {ROOT_NAME}).",
                root=name[:64],
            )
        docinfo: Any = element.getroottree().docinfo  # the stubs type the DTDs as never None
        if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
            raise _unsafe()
        self.root_seen = True
        self.version = (element.get("Version") or "").strip()
        self.uai = normalise_uai(element.get("UAI") or "")

    # -- value parsing (cached: the same few strings come back thousands of times) ----------------------------

    def _int(self, element: etree._Element, name: str, attribute: str) -> int:
        text = element.get(attribute)
        value = _SMALL_INTS.get(text) if text is not None else None
        if value is not None:
            return value
        if text is None or not (text.isascii() and text.strip().isdigit()):
            raise _bad_value(element, name, attribute, "a whole number")
        return int(text)

    def _mask(self, element: etree._Element, name: str, attribute: str, text: str, where: str) -> WeekMask:
        mask = self.masks.get(text)
        if mask is None:
            try:
                mask = parse_week_mask(text)
            except ValueError:
                line = _line(element)
                raise _invalid(
                    f"{where}: {name} has an invalid {attribute} week mask (line {line}).",
                    element=name,
                    attribute=attribute,
                    line=line,
                ) from None
            self.masks[text] = mask
        return mask

    def _date(self, element: etree._Element, name: str, attribute: str) -> date | None:
        text = element.get(attribute)
        if not text:
            return None
        value = self.dates.get(text)
        if value is None:
            value = _iso_date(text.strip())
            if value is None:
                raise _bad_value(element, name, attribute, "a date YYYY-MM-DD")
            self.dates[text] = value
        return value

    def _required_date(self, element: etree._Element, name: str, attribute: str) -> date:
        value = self._date(element, name, attribute)
        if value is None:
            raise _bad_value(element, name, attribute, "a date YYYY-MM-DD")
        return value

    def _time(self, element: etree._Element, name: str, attribute: str) -> time:
        try:
            return parse_clock_time(element.get(attribute) or "")
        except ValueError:
            raise _bad_value(element, name, attribute, "a time HH:MM") from None

    def _ident(self, element: etree._Element, name: str) -> Ident:
        text = element.get("Ident")
        if not text:
            line = _line(element)
            raise _invalid(f"{name} on line {line} has no Ident.", element=name, attribute="Ident", line=line)
        return Ident(sys.intern(text))

    def _duplicate(self, kind: str, ident: Ident) -> None:
        self.duplicates.setdefault(kind, []).append(ident)

    # -- sections and records -----------------------------------------------------------------------------------

    def _school_year(self, element: etree._Element) -> None:
        name = "AnneeScolaire"
        self.school_year = SchoolYear(
            start=self._required_date(element, name, "DateDebut"),
            end=self._required_date(element, name, "DateFin"),
            week1_monday=self._required_date(element, name, "DatePremierJourSemaine1"),
        )

    def _grid(self, element: etree._Element) -> None:
        self.places_per_day = self._int(element, "GrilleHoraire", "NombrePlacesParJour")
        self.place_minutes = self._int(element, "GrilleHoraire", "DureePlace")

    def _working_days(self, element: etree._Element) -> None:
        for child in element:
            if self._local(child.tag) == "Jour":
                text = (child.text or "").strip()
                if not (text.isascii() and text.isdigit()):
                    raise _bad_value(child, "Jour", "value", "a day number")
                self.working_days.append(int(text))

    def _places(self, element: etree._Element) -> None:
        for child in element:
            if self._local(child.tag) != "Place":
                continue
            number = self._int(child, "Place", "Numero")
            place = Place(
                number=number,
                start=self._time(child, "Place", "LibelleHeureDebut"),
                end=self._time(child, "Place", "LibelleHeureFin"),
            )
            if number in self.places:
                self._duplicate("place", Ident(str(number)))
            else:
                self.places[number] = place

    def _subject(self, element: etree._Element) -> None:
        ident = self._ident(element, "Matiere")
        if ident in self.subjects:
            self._duplicate("subject", ident)
            return
        get = element.get
        self.subjects[ident] = Subject(ident=ident, code=get("Code") or "", label=get("Libelle") or "")

    def _teacher(self, element: etree._Element) -> None:
        ident = self._ident(element, "Professeur")
        if ident in self.teachers:
            self._duplicate("teacher", ident)
            return
        get = element.get
        pronote_id = get("IDPN")
        cas_id = get("IDCAS")
        self.teachers[ident] = Teacher(
            ident=ident,
            last_name=get("Nom") or "",
            first_name=get("Prenom") or "",
            birth_date=self._date(element, "Professeur", "DateNaissance"),
            sts_id=get("IDSTS") or None,
            pronote_id=PronoteId(pronote_id) if pronote_id else None,
            cas_id=CasId(cas_id) if cas_id else None,
        )

    def _class(self, element: etree._Element) -> None:
        ident = self._ident(element, "Classe")
        if ident in self.classes:
            self._duplicate("class", ident)
            return
        part_idents: list[Ident] = []
        establishment: Ident | None = None
        for child in element:
            name = self._local(child.tag)
            if name == "PartieDeClasse":
                part = self._ident(child, name)
                part_idents.append(part)
                if part in self.class_parts:
                    self._duplicate("class part", part)
                else:
                    self.class_parts[part] = ClassPart(ident=part, class_ident=ident, name=child.get("Nom") or None)
            elif name == "Etablissement":
                establishment = self._ident(child, name)
        self.classes[ident] = SchoolClass(
            ident=ident, name=element.get("Nom") or "", part_idents=tuple(part_idents), establishment=establishment
        )

    def _group(self, element: etree._Element) -> None:
        ident = self._ident(element, "Groupe")
        if ident in self.groups:
            self._duplicate("group", ident)
            return
        members: dict[str, list[Ident]] = {"Classe": [], "PartieDeClasse": [], "Eleve": []}
        for child in element:
            name = self._local(child.tag)
            bucket = members.get(name)
            if bucket is not None:
                bucket.append(self._ident(child, name))
        self.groups[ident] = Group(
            ident=ident,
            name=element.get("Nom") or "",
            class_idents=tuple(members["Classe"]),
            class_part_idents=tuple(members["PartieDeClasse"]),
            student_idents=tuple(members["Eleve"]),
        )

    def _room(self, element: etree._Element) -> None:
        ident = self._ident(element, "Salle")
        if ident in self.rooms:
            self._duplicate("room", ident)
            return
        self.rooms[ident] = Room(ident=ident, name=element.get("Nom") or "")

    def _establishment(self, element: etree._Element) -> None:
        ident = self._ident(element, "Etablissement")
        if ident in self.establishments:
            self._duplicate("establishment", ident)
            return
        self.establishments[ident] = Establishment(
            ident=ident, uai=Uai(normalise_uai(element.get("Numero") or "")), name=element.get("Nom") or ""
        )

    def _child_kind(self, kinds: dict[str, int], tag: object, names: dict[str, int], other: int) -> int:
        """The kind of a record's child by its full tag: ``names[local name]``, or ``other``; cached per tag."""
        kind = names.get(self._local(tag), other)
        if isinstance(tag, str):
            kinds[tag] = kind
        return kind

    def _student(self, element: etree._Element) -> None:
        ident = self._ident(element, "Eleve")
        if ident in self.students:
            self._duplicate("student", ident)
            return
        memberships: tuple[list[Membership], list[Membership]] = ([], [])
        kinds = self.student_child_kinds
        for child in element:
            tag = child.tag
            kind = kinds.get(tag)
            if kind is None:
                kind = self._child_kind(kinds, tag, _MEMBERSHIP_KINDS, -1)
            if kind >= 0:
                memberships[kind].append(self._membership(child))
        get = element.get
        pronote_id = get("IDPN")
        cas_id = get("IDCAS")
        birth_text = get("DateNaissance")
        self.students[ident] = Student(
            ident=ident,
            last_name=get("Nom") or "",
            first_name=get("Prenom") or "",
            birth_date=(self.dates.get(birth_text) or self._date(element, "Eleve", "DateNaissance"))
            if birth_text
            else None,
            sex=_SEXES.get(get("Sexe")),
            national_id=get("NumeroNational") or None,
            pronote_id=PronoteId(pronote_id) if pronote_id else None,
            cas_id=CasId(cas_id) if cas_id else None,
            classes=tuple(memberships[0]),
            class_parts=tuple(memberships[1]),
        )

    def _membership(self, element: etree._Element) -> Membership:
        get = element.get
        key = (get("Ident") or "", get("DateEntree"), get("DateSortie"))
        membership = self.memberships.get(key)
        if membership is None:
            name = self._local(element.tag)
            membership = self.memberships[key] = Membership(
                ident=self._ident(element, name),
                entry=self._date(element, name, "DateEntree"),
                exit=self._date(element, name, "DateSortie"),
            )
        return membership

    def _lesson(self, element: etree._Element) -> None:
        index = len(self.lessons)
        get = element.get
        day = _SMALL_INTS.get(get("Jour") or "")
        if day is None:
            day = self._int(element, "Cours", "Jour")
        start_place = _SMALL_INTS.get(get("NumeroPlaceDebut") or "")
        if start_place is None:
            start_place = self._int(element, "Cours", "NumeroPlaceDebut")
        place_count = _SMALL_INTS.get(get("NombrePlaces") or "")
        if place_count is None:
            place_count = self._int(element, "Cours", "NombrePlaces")
        cancelled_text = get("SemainesAnnulation")
        cancelled = 0
        if cancelled_text:
            where = lesson_label(index, day, start_place)
            cancelled = self._mask(element, "Cours", "SemainesAnnulation", cancelled_text, where)
        subjects: list[Ident] = []
        found: tuple[list[LessonLink], ...] = ([], [], [], [], [], [])
        kinds = self.lesson_child_kinds
        links = self.links
        for child in element:
            tag = child.tag
            kind = kinds.get(tag)
            if kind is None:
                kind = self._child_kind(kinds, tag, _LESSON_CHILD_KINDS, _IGNORED_KIND)
            if kind >= _SUBJECT_KIND:
                if kind == _SUBJECT_KIND:
                    subjects.append(self._ident(child, "Matiere"))
                continue
            child_get = child.get
            key = (child_get("Ident") or "", child_get("Semaines") or child_get("SemainesInclusion") or "")
            link = links.get(key)
            if link is None:
                link = links[key] = self._link(child, key, index, day, start_place)
            found[kind].append(link)
        if len(subjects) != 1:
            where = lesson_label(index, day, start_place)
            count = "no subject" if not subjects else f"{len(subjects)} subjects"
            raise _invalid(f"{where} has {count}; a lesson needs exactly one.", lesson=index, line=_line(element))
        self.lessons.append(
            Lesson(
                index=index,
                day=day,
                start_place=start_place,
                place_count=place_count,
                subject=subjects[0],
                cancelled_weeks=cancelled,
                teachers=tuple(found[0]),
                classes=tuple(found[1]),
                class_parts=tuple(found[2]),
                groups=tuple(found[3]),
                rooms=tuple(found[4]),
                students=tuple(found[5]),
            )
        )

    def _link(self, element: etree._Element, key: tuple[str, str], index: int, day: int, place: int) -> LessonLink:
        name = self._local(element.tag)
        ident = self._ident(element, name)
        where = lesson_label(index, day, place)
        if not key[1]:
            line = _line(element)
            raise _invalid(
                f"{where}: {name} {ident} has no Semaines week mask (line {line}).",
                element=name,
                attribute="Semaines",
                line=line,
            )
        attribute = "Semaines" if element.get("Semaines") else "SemainesInclusion"
        return LessonLink(ident=ident, weeks=self._mask(element, name, attribute, key[1], where))

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
        return timetable, self._warnings()

    def _warnings(self) -> tuple[ReadWarning, ...]:
        warnings = []
        for kind, idents in self.duplicates.items():
            shown = ", ".join(idents[:5]) + (", ..." if len(idents) > 5 else "")
            warnings.append(
                ReadWarning(
                    code=WarningCode.DUPLICATE_IDENT,
                    message=f"The export defines {len(idents)} {kind} ident(s) more than once ({shown}); "
                    "the first definition of each is used.",
                )
            )
        return tuple(warnings)
