"""Variants of a generated export, as real files differ from it: each is read (with its warnings) or refused
for a documented reason, never crashes."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, reduce

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from edt_import.domain.errors import ErrorCode, ExportRejectedError
from edt_import.domain.export_reader import read_export
from edt_import.domain.timetable import Export, ReadWarning, Timetable
from edt_import.generator.container_sealing import seal_container
from tests.support.export_variants import (
    DANGLING,
    TEXT_VARIANTS,
    UNDEFINED,
    document,
    generated_college,
    prefixed,
    with_comments_and_blank_text,
    with_lf,
    with_processing_instructions,
    with_unknown_elements_and_attributes,
    with_utf8_bom,
)
from tests.support.export_xml_builder import with_lesson
from tests.support.hostile_containers import EXPORTED_AT, fixed_random, make_keys

KEYS = make_keys(1024)


@cache
def base() -> Export:
    return read_export(document())


def _new_warnings(export: Export) -> list[ReadWarning]:
    return [warning for warning in export.warnings if warning not in base().warnings]


def _expected(kinds: list[str]) -> Timetable:
    """The base as read, where only an undeclared subject stays (for the planner to skip the lesson)."""
    timetable = base().timetable
    return with_lesson(timetable, 0, subject=UNDEFINED) if "lesson→subject" in kinds else timetable


def test_tolerance_base_generated_export_reads_with_only_the_generator_warnings() -> None:
    assert [warning.code for warning in base().warnings] == ["student_without_class", "dangling_reference"]


@pytest.mark.parametrize("variant", sorted(TEXT_VARIANTS))
def test_read_export_written_differently_reads_the_same_timetable_and_warnings(variant: str) -> None:
    # Given the generated export written another way real files are
    data = TEXT_VARIANTS[variant](document())
    # When
    export = read_export(data)
    # Then
    assert export.timetable == base().timetable
    assert export.warnings == base().warnings


@pytest.mark.parametrize("kind", sorted(DANGLING))
def test_read_export_each_reference_kind_dangling_is_dropped_with_one_warning(kind: str) -> None:
    # Given the generated export with one reference of that kind naming an undefined ident
    data = document(DANGLING[kind](generated_college()))
    # When
    export = read_export(data)
    # Then that reference alone is gone, and said with its kind, ident and count
    assert [warning.details for warning in _new_warnings(export)] == [{"kind": kind, "ident": UNDEFINED, "count": 1}]
    assert export.timetable == _expected([kind])


def test_read_export_sealed_variant_with_everything_at_once_reads_with_every_warning() -> None:
    # Given every kind dangling, written with newer elements, prefixes, comments, PIs, LF and a BOM, then sealed
    timetable = reduce(lambda current, dangle: dangle(current), DANGLING.values(), generated_college())
    layers: list[Callable[[bytes], bytes]] = [
        with_unknown_elements_and_attributes,
        prefixed,
        with_comments_and_blank_text,
        with_processing_instructions,
        with_lf,
        with_utf8_bom,
    ]
    inner = reduce(lambda data, layer: layer(data), layers, document(timetable))
    container = seal_container(
        inner, partners={KEYS.partner: KEYS.ours.public_key()}, exported_at=EXPORTED_AT, random_bytes=fixed_random()
    )
    # When
    export = read_export(container, private_key=KEYS.ours, partner=KEYS.partner)
    # Then
    assert sorted(str(warning.details["kind"]) for warning in _new_warnings(export)) == sorted(DANGLING)
    assert export.timetable == _expected(list(DANGLING))


def _drop_element(name: str) -> Callable[[bytes], bytes]:
    tag = name.encode()
    pattern = re.compile(rb"<" + tag + rb"\b[^>]*/>|<" + tag + rb"\b.*?</" + tag + rb">", re.DOTALL)
    return lambda xml: pattern.sub(b"", xml, count=1)


# What cannot be imported meaningfully, and how it is refused (README: "What is warned versus refused").
REFUSED: dict[str, tuple[Callable[[bytes], bytes], ErrorCode, str]] = {
    "no_school_year": (
        _drop_element("AnneeScolaire"),
        ErrorCode.INVALID_TIMETABLE,
        "The export has no school year (AnneeScolaire).",
    ),
    "no_grid": (
        _drop_element("GrilleHoraire"),
        ErrorCode.INVALID_TIMETABLE,
        "The export has no time grid (GrilleHoraire).",
    ),
    "no_lesson": (
        lambda xml: re.sub(rb"<Cours>.*</Cours>", b"<Cours/>", xml, flags=re.DOTALL),
        ErrorCode.INVALID_TIMETABLE,
        "The export has no lesson (Cours), so there is nothing to import.",
    ),
    "no_establishment": (
        lambda xml: re.sub(rb' UAI="[^"]*"', b"", xml, count=1),
        ErrorCode.INVALID_TIMETABLE,
        "The export does not say which establishment it belongs to (no UAI in the file).",
    ),
    "truncated": (
        lambda xml: xml[: len(xml) // 2],
        ErrorCode.MALFORMED_XML,
        "The timetable is not well-formed XML (line {line}).",
    ),
    "doctype": (
        lambda xml: xml.replace(b"?>", b'?><!DOCTYPE ExportEmploiDuTemps SYSTEM "file:///etc/passwd">', 1),
        ErrorCode.UNSAFE_XML,
        "The timetable declares a DOCTYPE (entities or external references), which an export never needs.",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_read_export_variant_that_cannot_be_imported_is_refused_for_its_reason(case: str) -> None:
    # Given the generated export missing what an import needs, or damaged
    mutate, code, message = REFUSED[case]
    # When
    with pytest.raises(ExportRejectedError) as caught:
        read_export(mutate(document()))
    # Then
    assert caught.value.code == code
    assert caught.value.message == message.format(**caught.value.details)


# One choice per way a real file may differ, applied in this order (each way once: a file is written once).
_WAYS: tuple[tuple[str, ...], ...] = (
    ("", "unknown_elements_and_attributes"),
    ("", "no_namespace", "other_default_namespace", "prefixed", "prefixed_other_prefix"),
    ("", "comments_and_blank_text"),
    ("", "processing_instructions"),
    ("", "lf", "cr"),
    ("", "utf8_bom", "utf16_bom"),
)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.generate],
)
@given(
    variants=st.tuples(*(st.sampled_from(choices) for choices in _WAYS)),
    kinds=st.lists(st.sampled_from(sorted(DANGLING)), unique=True),
)
def test_read_export_any_mix_of_variants_reads_with_a_warning_per_dangling_kind(
    variants: tuple[str, ...], kinds: list[str]
) -> None:
    # Given any set of dangling kinds, written in any of the ways real files differ
    timetable = reduce(lambda current, kind: DANGLING[kind](current), kinds, generated_college())
    data = reduce(lambda xml, variant: TEXT_VARIANTS[variant](xml) if variant else xml, variants, document(timetable))
    # When
    export = read_export(data)
    # Then
    assert sorted(str(warning.details["kind"]) for warning in _new_warnings(export)) == sorted(kinds)
    assert export.timetable == _expected(kinds)
