"""Validate generated inner XML against the 2013 XSD, for the parts that schema knows.

Real exports do not validate verbatim: PRONOTE writes comments and line breaks inside empty elements, and
newer exports add elements and attributes the 2013 schema does not declare. Those are removed first.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

NS = "{http://www.index-education.com/exportemploidutemps}"
SCHEMA_PATH = Path(__file__).with_name("ExportEmploiDuTemps.xsd")
# What the format notes call newer, as (parent local name, child local name): nothing else is removed.
UNDECLARED_CHILDREN: tuple[tuple[str, str], ...] = (
    ("ExportEmploiDuTemps", "Etablissements"),
    ("Classe", "Etablissement"),
    ("Groupe", "Eleve"),
    ("Cours", "Eleve"),
)
# SemainesAnnulation: listed by the format notes, absent from the 2013 schema.
UNDECLARED_ATTRIBUTES: tuple[tuple[str, str, str], ...] = (("Cours", "Cours", "SemainesAnnulation"),)


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def strip_to_2013(xml: bytes) -> etree._ElementTree:
    parser = etree.XMLParser(remove_comments=True, remove_blank_text=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(xml, parser)
    for element in list(root.iter()):
        parent = element.getparent()
        if parent is None:
            continue
        if (etree.QName(parent).localname, etree.QName(element).localname) in UNDECLARED_CHILDREN:
            parent.remove(element)
    for parent_name, name, attribute in UNDECLARED_ATTRIBUTES:
        for element in root.iter(f"{NS}{name}"):
            owner = element.getparent()
            in_place = owner is not None and etree.QName(owner).localname == parent_name
            if in_place and attribute in element.attrib:
                del element.attrib[attribute]
    for element in root.iter():
        if element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    return etree.ElementTree(root)


def schema_errors(xml: bytes) -> list[str]:
    """The XSD's complaints about ``xml`` once stripped to what the 2013 schema declares (empty: valid)."""
    checker = schema()
    if checker.validate(strip_to_2013(xml)):
        return []
    log: Iterable[Any] = checker.error_log  # type: ignore[assignment]  # the stubs leave _ErrorLog opaque
    return [f"line {error.line}: {error.message}" for error in log]
