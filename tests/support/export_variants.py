"""Variants of a generated export, as real files differ from it: dangling references, newer elements and
attributes, comments and blank text, line ends, byte-order marks, namespaces. Built from the generator, never
from a committed file."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from lxml import etree
from msgspec import structs

from edt_import.domain.timetable import Ident, LessonLink, Membership, Timetable
from edt_import.generator.establishment import Size, generate_establishment
from edt_import.generator.xml_writer import NAMESPACE, timetable_to_xml

UNDEFINED = Ident("999999")
SEED = 3
_WEEKS = 2


@cache
def generated_college() -> Timetable:
    return generate_establishment(Size.COLLEGE, SEED).timetable


def _first_lesson_with(timetable: Timetable, **changes: object) -> Timetable:
    lessons = list(timetable.lessons)
    lessons[0] = structs.replace(lessons[0], **changes)
    return structs.replace(timetable, lessons=tuple(lessons))


def _lesson_link(field: str) -> Callable[[Timetable], Timetable]:
    def dangle(timetable: Timetable) -> Timetable:
        links = getattr(timetable.lessons[0], field)
        return _first_lesson_with(timetable, **{field: (*links, LessonLink(ident=UNDEFINED, weeks=_WEEKS))})

    return dangle


def _group_member(field: str) -> Callable[[Timetable], Timetable]:
    def dangle(timetable: Timetable) -> Timetable:
        ident, group = next(iter(timetable.groups.items()))
        changed = structs.replace(group, **{field: (*getattr(group, field), UNDEFINED)})
        return structs.replace(timetable, groups={**timetable.groups, ident: changed})

    return dangle


def _student_membership(field: str) -> Callable[[Timetable], Timetable]:
    def dangle(timetable: Timetable) -> Timetable:
        ident, student = next(iter(timetable.students.items()))
        members = (*getattr(student, field), Membership(ident=UNDEFINED))
        changed = structs.replace(student, **{field: members})
        return structs.replace(timetable, students={**timetable.students, ident: changed})

    return dangle


def _class_establishment(timetable: Timetable) -> Timetable:
    ident, school_class = next(iter(timetable.classes.items()))
    changed = structs.replace(school_class, establishment=UNDEFINED)
    return structs.replace(timetable, classes={**timetable.classes, ident: changed})


def _lesson_subject(timetable: Timetable) -> Timetable:
    return _first_lesson_with(timetable, subject=UNDEFINED)


# Each reference kind the export has, made to name ``UNDEFINED`` once, by the warning kind it must give.
DANGLING: dict[str, Callable[[Timetable], Timetable]] = {
    "lesson→teacher": _lesson_link("teachers"),
    "lesson→class": _lesson_link("classes"),
    "lesson→class part": _lesson_link("class_parts"),
    "lesson→group": _lesson_link("groups"),
    "lesson→room": _lesson_link("rooms"),
    "lesson→student": _lesson_link("students"),
    "lesson→subject": _lesson_subject,
    "group→class": _group_member("class_idents"),
    "group→class part": _group_member("class_part_idents"),
    "group→student": _group_member("student_idents"),
    "student→class": _student_membership("classes"),
    "student→class part": _student_membership("class_parts"),
    "class→establishment": _class_establishment,
}


# -- text-level variants of the same document -----------------------------------------------------------------


def with_lf(xml: bytes) -> bytes:
    return xml.replace(b"\r\n", b"\n")


def with_cr(xml: bytes) -> bytes:
    return xml.replace(b"\r\n", b"\r")


def with_utf8_bom(xml: bytes) -> bytes:
    return b"\xef\xbb\xbf" + xml


def as_utf16(xml: bytes) -> bytes:
    """The same document in UTF-16 (little-endian, with its byte-order mark), declared so."""
    text = re.sub(r"encoding=[\"']UTF-8[\"']", 'encoding="UTF-16"', xml.decode("utf-8"), count=1)
    return text.encode("utf-16")


def without_namespace(xml: bytes) -> bytes:
    return xml.replace(f' xmlns="{NAMESPACE}"'.encode(), b"", 1)


def with_other_namespace(xml: bytes) -> bytes:
    return xml.replace(NAMESPACE.encode(), b"urn:example:another-version", 1)


def prefixed(xml: bytes, prefix: str = "edt") -> bytes:
    """Every element written ``prefix:Name``, the namespace bound to the prefix on the root."""
    named = re.sub(rb"<(/?)(?=[A-Za-z])", rb"<\1" + prefix.encode() + rb":", xml)
    return named.replace(f' xmlns="{NAMESPACE}"'.encode(), f' xmlns:{prefix}="{NAMESPACE}"'.encode(), 1)


def with_comments_and_blank_text(xml: bytes) -> bytes:
    """A comment, a line break and blanks after every tag, declaration and comment: inside every element,
    between every two, before the root and after it."""
    return re.sub(rb">", b">\r\n \t<!-- PRONOTE -->\n  ", xml)


def with_processing_instructions(xml: bytes) -> bytes:
    return re.sub(rb"(<[A-Za-z][^>]*>)", rb'\1<?pronote mise-en-page="1"?>', xml)


def with_unknown_elements_and_attributes(xml: bytes) -> bytes:
    """What newer exports may add: an unknown attribute on every element, an unknown child (with a child of its
    own) first in every element, and unknown sections at the root."""
    root = etree.fromstring(xml)
    namespace = etree.QName(root).namespace
    tag = (lambda name: f"{{{namespace}}}{name}") if namespace else (lambda name: name)
    for element in list(root.iter(etree.Element)):
        element.set("AttributNouveau", "2030")
        unknown = etree.Element(tag("ElementNouveau"), Ident="7", Semaines="not a mask")
        etree.SubElement(unknown, tag("SousElement"), Nom="x")
        unknown.tail = element.text
        element.text = None
        element.insert(0, unknown)
    for name in ("Absences", "Etiquettes", "Nomenclatures"):
        section = etree.SubElement(root, tag(name))
        etree.SubElement(section, tag(name[:-1]), Ident="1")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


TEXT_VARIANTS: dict[str, Callable[[bytes], bytes]] = {
    "lf": with_lf,
    "cr": with_cr,
    "utf8_bom": with_utf8_bom,
    "utf16_bom": as_utf16,
    "no_namespace": without_namespace,
    "other_default_namespace": with_other_namespace,
    "prefixed": prefixed,
    "prefixed_other_prefix": lambda xml: prefixed(xml, "ns0"),
    "comments_and_blank_text": with_comments_and_blank_text,
    "processing_instructions": with_processing_instructions,
    "unknown_elements_and_attributes": with_unknown_elements_and_attributes,
}


def document(timetable: Timetable | None = None) -> bytes:
    return timetable_to_xml(generated_college() if timetable is None else timetable)
