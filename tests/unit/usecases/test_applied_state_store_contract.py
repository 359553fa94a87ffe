"""What every ``AppliedStateStore`` does, pinned once for the in-memory fake and the file store alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest

from edt_import.adapters.state_files import FileAppliedStateStore
from edt_import.domain.applied_state import AppliedState
from edt_import.domain.directory import PersonKey
from edt_import.domain.plan import CourseSpec
from edt_import.domain.ports import AppliedStateStore
from edt_import.usecases.apply_plan import store_pronote_ids
from tests.support.in_memory_state_store import InMemoryAppliedStateStore
from tests.support.sync_targets import UAI, YEAR_NODE, a_target, plan_towards

OTHER_UAI = "0750001A"

StoreFactory = Callable[[Path], AppliedStateStore]
STORES: dict[str, StoreFactory] = {
    "in_memory": lambda _folder: InMemoryAppliedStateStore(),
    "files": lambda folder: FileAppliedStateStore(folder / "state"),
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> AppliedStateStore:
    factory: StoreFactory = STORES[request.param]
    return factory(tmp_path)


def a_state(uai: str = UAI, *, courses: int = 2) -> AppliedState:
    """A state as a sync leaves it: the year node, courses with members and events, an IDPN mapping."""
    empty = AppliedState(uai=uai, year_node=YEAR_NODE)
    plan = plan_towards(a_target(courses=courses, members=2, events=3), empty, IDPN1=PersonKey("p0"))
    return store_pronote_ids(plan, empty.recorded(plan.actions))


def test_store_before_the_first_save_holds_nothing(store: AppliedStateStore) -> None:
    assert store.load(UAI) is None


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
