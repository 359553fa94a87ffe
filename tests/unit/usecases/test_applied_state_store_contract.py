"""What every ``AppliedStateStore`` does, pinned once for the in-memory fake, the file store and the S3 store (over
an in-memory bucket and index) alike; what the stores that keep bytes do with damaged ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import msgspec
import pytest

from edt_import.adapters.s3_applied_state import S3AppliedStateStore, state_key
from edt_import.adapters.state_files import FileAppliedStateStore
from edt_import.domain.applied_state import AppliedState
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import EdtImportError, ErrorCode
from edt_import.domain.plan import CourseSpec
from edt_import.domain.ports import AppliedStateStore
from edt_import.domain.state_encoding import encode_state
from edt_import.usecases.apply_plan import store_pronote_ids
from tests.support.in_memory_state_store import InMemoryAppliedStateStore
from tests.support.pipeline_fakes import InMemoryBlobStore, InMemoryEstablishmentStore
from tests.support.stored_selections import a_stored_selection
from tests.support.sync_targets import UAI, YEAR_NODE, a_target, plan_towards

OTHER_UAI = "0750001A"

StoreFactory = Callable[[Path], AppliedStateStore]
Written = Callable[[str, bytes], None]  # put these bytes where the store keeps the state of this UAI


def _s3_store(_folder: Path) -> tuple[S3AppliedStateStore, Written]:
    blobs = InMemoryBlobStore()
    store = S3AppliedStateStore(blobs, InMemoryEstablishmentStore(), lambda: datetime(2026, 9, 14, tzinfo=UTC))
    return store, lambda uai, data: blobs.put(state_key(uai), data)


def _file_store(folder: Path) -> tuple[FileAppliedStateStore, Written]:
    store = FileAppliedStateStore(folder / "state")

    def written(uai: str, data: bytes) -> None:
        store.directory.mkdir(exist_ok=True)
        store.path_for(uai).write_bytes(data)

    return store, written


BYTE_STORES: dict[str, Callable[[Path], tuple[AppliedStateStore, Written]]] = {"files": _file_store, "s3": _s3_store}
STORES: dict[str, StoreFactory] = {
    "in_memory": lambda _folder: InMemoryAppliedStateStore(),
    "files": lambda folder: _file_store(folder)[0],
    "s3": lambda folder: _s3_store(folder)[0],
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> AppliedStateStore:
    factory: StoreFactory = STORES[request.param]
    return factory(tmp_path)


@pytest.fixture(params=sorted(BYTE_STORES))
def byte_store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[AppliedStateStore, Written]:
    return BYTE_STORES[request.param](tmp_path)


def a_state(uai: str = UAI, *, courses: int = 2) -> AppliedState:
    """A state as a sync leaves it: the year node, courses with members and events, an IDPN mapping, the selection of
    the last manual import."""
    empty = AppliedState(uai=uai, year_node=YEAR_NODE, selection=a_stored_selection(uai))
    plan = plan_towards(a_target(courses=courses, members=2, events=3), empty, IDPN1=PersonKey("p0"))
    return store_pronote_ids(plan, empty.recorded(plan.actions))


def test_store_before_the_first_save_holds_nothing(store: AppliedStateStore) -> None:
    assert store.load(UAI) is None
    assert store.load_selection(UAI) is None


def test_store_saved_state_loads_equal(store: AppliedStateStore) -> None:
    # Given a state with every kind of entry
    state = a_state()
    # When it is saved and loaded back
    store.save(state)
    # Then the loaded state equals it
    assert store.load(UAI) == state


def test_store_save_replaces_the_previous_state(store: AppliedStateStore) -> None:
    store.save(a_state(courses=3))
    store.save(a_state(courses=1))
    loaded = store.load(UAI)
    assert loaded is not None
    assert len(loaded.courses) == 1


def test_store_keeps_what_was_saved_not_the_object_saved(store: AppliedStateStore) -> None:
    # Given a saved state
    state = a_state()
    store.save(state)
    # When the caller changes the object's mappings afterwards (frozen, but plain dicts), and changes a loaded copy
    cast("dict[str, CourseSpec]", state.courses).clear()
    loaded = store.load(UAI)
    assert loaded is not None
    loaded.events.clear()
    # Then the store still holds what was saved
    assert store.load(UAI) == a_state()


def test_store_keeps_each_establishment_apart(store: AppliedStateStore) -> None:
    store.save(a_state(UAI, courses=2))
    store.save(a_state(OTHER_UAI, courses=1))
    mine, other = store.load(UAI), store.load(OTHER_UAI)
    assert mine is not None
    assert other is not None
    assert (mine.uai, len(mine.courses), other.uai, len(other.courses)) == (UAI, 2, OTHER_UAI, 1)


def test_store_load_selection_is_the_saved_states_selection(store: AppliedStateStore) -> None:
    store.save(a_state())
    loaded = store.load(UAI)
    assert loaded is not None
    assert store.load_selection(UAI) == loaded.selection == a_stored_selection(UAI)


def test_store_load_selection_of_a_state_without_selection_is_none(store: AppliedStateStore) -> None:
    store.save(msgspec.structs.replace(a_state(), selection=None))
    assert store.load(UAI) is not None
    assert store.load_selection(UAI) is None


def test_store_load_selection_keeps_each_establishment_apart(store: AppliedStateStore) -> None:
    store.save(a_state(UAI))
    store.save(
        msgspec.structs.replace(a_state(OTHER_UAI), selection=a_stored_selection(OTHER_UAI, disabled_course="x"))
    )
    mine, other = store.load_selection(UAI), store.load_selection(OTHER_UAI)
    assert mine == a_stored_selection(UAI)
    assert other == a_stored_selection(OTHER_UAI, disabled_course="x")


def _damaged_past_the_header(state: AppliedState) -> bytes:
    header, _members, *courses = encode_state(state).split(b"\n")
    assert courses
    return b"\n".join([header, b"nope", *(b"[1]" for _ in courses)])


def test_store_load_selection_reads_the_header_alone(byte_store: tuple[AppliedStateStore, Written]) -> None:
    # Given a stored state whose members and course lines are damaged
    store, written = byte_store
    written(UAI, _damaged_past_the_header(a_state()))
    # Then the whole state is refused, while its selection is read from the header
    with pytest.raises(EdtImportError) as refused:
        store.load(UAI)
    assert refused.value.code is ErrorCode.INVALID_STATE
    assert store.load_selection(UAI) == a_stored_selection(UAI)


@pytest.mark.parametrize(
    "header",
    [b"nope", b'{"schema":5,"uai":"0693331W","selection":null}', b'{"schema":6,"uai":"0693331W","selection":[]}'],
)
def test_store_load_selection_of_a_damaged_header_is_refused(
    byte_store: tuple[AppliedStateStore, Written], header: bytes
) -> None:
    store, written = byte_store
    _, *rest = encode_state(a_state()).split(b"\n")
    written(UAI, b"\n".join([header, *rest]))
    with pytest.raises(EdtImportError) as refused:
        store.load_selection(UAI)
    assert refused.value.code is ErrorCode.INVALID_STATE


def test_store_load_selection_of_another_establishments_state_is_refused(
    byte_store: tuple[AppliedStateStore, Written],
) -> None:
    store, written = byte_store
    written(UAI, encode_state(a_state(OTHER_UAI)))
    with pytest.raises(EdtImportError) as refused:
        store.load_selection(UAI)
    assert refused.value.code is ErrorCode.INVALID_STATE
