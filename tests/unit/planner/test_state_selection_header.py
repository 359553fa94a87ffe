"""``decode_selection``: the selection of an encoded applied state, read from its header line alone and refused as
``decode_state`` refuses that line."""

from __future__ import annotations

import json

import pytest
from msgspec import structs

from edt_import.domain.errors import EdtImportError, ErrorCode
from edt_import.domain.state_encoding import decode_selection, decode_state, encode_state
from tests.support.stored_selections import a_stored_selection
from tests.support.timetable_builders import a_timetable, plan_of

UAI = a_timetable().uai


def a_state_document(**changes: object) -> bytes:
    """The default plan's state with the last manual import's selection, ``changes`` made to its header."""
    state = structs.replace(plan_of(a_timetable()).state, selection=a_stored_selection(UAI))
    header, *rest = encode_state(state).split(b"\n")
    return b"\n".join([json.dumps({**json.loads(header), **changes}).encode(), *rest])


def test_decode_selection_reads_the_selection_the_state_holds() -> None:
    data = a_state_document()
    assert decode_selection(data, UAI) == decode_state(data).selection == a_stored_selection(UAI)


def test_decode_selection_of_a_state_without_selection_is_none() -> None:
    assert decode_selection(a_state_document(selection=None), UAI) is None
    header, *rest = a_state_document().split(b"\n")
    written_before_selections = {k: v for k, v in json.loads(header).items() if k != "selection"}
    assert decode_selection(b"\n".join([json.dumps(written_before_selections).encode(), *rest]), UAI) is None


def test_decode_selection_reads_the_header_alone() -> None:
    # Given a state whose members and course lines are damaged past reading
    header, _members, *courses = a_state_document().split(b"\n")
    assert courses
    damaged = b"\n".join([header, b"nope", *(b"[" * 100_000 for _ in courses)])
    with pytest.raises(EdtImportError) as refused:
        decode_state(damaged)
    assert refused.value.code is ErrorCode.INVALID_STATE
    # Then its selection is still read: nothing past the header is decoded
    assert decode_selection(damaged, UAI) == a_stored_selection(UAI)


@pytest.mark.parametrize(
    "data",
    [
        b'{"schema":9}',
        b'{"schema":5,"uai":"U","selection":null}',  # never deployed
        b'{"schema":6}',
        b"[]",
        b"",
        b"nope\n" + a_state_document(),
        b"\xff\xfe{}",
        b"[" * 100_000 + b"]" * 100_000,
        a_state_document(uai=6),
        a_state_document(selection={"kind": "something-else"}),
        a_state_document(selection={**a_stored_selection(UAI).to_dict(), "schema": 99}),
        a_state_document(selection={**a_stored_selection(UAI).to_dict(), "courses": {"enabled": "all"}}),
    ],
)
def test_decode_selection_of_a_damaged_header_is_refused_as_decode_state_refuses_it(data: bytes) -> None:
    with pytest.raises(EdtImportError) as whole:
        decode_state(data)
    with pytest.raises(EdtImportError) as header:
        decode_selection(data, UAI)
    assert header.value.code is ErrorCode.INVALID_STATE
    assert header.value.message == whole.value.message


def test_decode_selection_of_another_establishments_state_is_refused() -> None:
    with pytest.raises(EdtImportError) as refused:
        decode_selection(a_state_document(), "0930002B")
    assert refused.value.code is ErrorCode.INVALID_STATE
    assert "another establishment" in refused.value.message
