from __future__ import annotations

from pathlib import Path

import pytest

from edt_import.adapters import state_files
from edt_import.adapters.state_files import FileAppliedStateStore
from edt_import.domain.applied_state import AppliedState
from edt_import.domain.errors import ConfigError, ExportRejectedError, ImportInProgressError
from edt_import.usecases.apply_plan import ThrottledCheckpoint
from tests.support.clock import FakeClock
from tests.support.sync_targets import UAI, YEAR_NODE, a_target


def test_throttled_checkpoint_saves_at_most_every_interval() -> None:
    # Given a checkpoint throttled to one save per 5 s, where saving is instantaneous
    clock = FakeClock()
    saved: list[float] = []
    checkpoint = ThrottledCheckpoint(lambda s: saved.append(clock.now), min_interval_s=5.0, clock=clock)
    state = AppliedState(uai=UAI)

    # When batches end every second for 12 s
    for second in range(13):
        clock.now = float(second)
        checkpoint(state)

    # Then the first batch and one batch every 5 s are saved
    assert saved == [0.0, 5.0, 10.0]
    assert checkpoint.saves == 3


def test_throttled_checkpoint_slow_saves_are_spaced_by_cost_ratio() -> None:
    # Given saves taking 2 s each, and a cost ratio of 10
    clock = FakeClock()
    saved: list[float] = []

    def slow_save(state: AppliedState) -> None:
        saved.append(clock.now)
        clock.now += 2.0

    checkpoint = ThrottledCheckpoint(slow_save, min_interval_s=1.0, cost_ratio=10.0, clock=clock)

    # When batches end every second for 30 s
    for second in range(31):
        clock.now = max(clock.now, float(second))
        checkpoint(AppliedState(uai=UAI))

    # Then saves come 20 s after the previous one ended
    assert saved == [0.0, 22.0]


def test_file_state_store_round_trips_and_replaces(tmp_path: Path) -> None:
    # Given a store in a folder that does not exist yet
    store = FileAppliedStateStore(tmp_path / "state")
    target = a_target(courses=1, members=2, events=2)
    state = AppliedState(uai=UAI, year_node=YEAR_NODE, courses=target.courses)

    # When a state is saved twice, the second time with more in it
    assert store.load(UAI) is None
    store.save(state)
    state.events.update(target.events)
    store.save(state)

    # Then the last one is read back, and no temporary file is left
    assert store.load(UAI) == state
    assert [p.name for p in (tmp_path / "state").iterdir()] == [f"{UAI}.json"]


def test_file_state_store_failed_write_keeps_previous(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a saved state
    store = FileAppliedStateStore(tmp_path)
    store.save(AppliedState(uai=UAI, year_node=YEAR_NODE))

    # When a later save fails while writing
    def disk_full(state: AppliedState) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(state_files, "encode_state", disk_full)
    with pytest.raises(ConfigError, match="cannot be written \\(disk full\\)"):
        store.save(AppliedState(uai=UAI))

    # Then the previous document is intact and the temporary file is gone
    assert store.load(UAI) == AppliedState(uai=UAI, year_node=YEAR_NODE)
    assert [p.name for p in tmp_path.iterdir()] == [f"{UAI}.json"]


def test_file_state_store_refuses_a_path_like_uai(tmp_path: Path) -> None:
    # Given a UAI that would escape the folder, When it names a state file, Then it is refused
    with pytest.raises(ExportRejectedError):
        FileAppliedStateStore(tmp_path).path_for("../etc")


def test_file_state_store_second_import_of_same_uai_is_refused(tmp_path: Path) -> None:
    # Given an import holding the establishment's lock
    store = FileAppliedStateStore(tmp_path)
    with store.exclusive(UAI):
        # When another import of it starts, Then it is refused at once; another establishment is not
        with pytest.raises(ImportInProgressError), FileAppliedStateStore(tmp_path).exclusive(UAI):
            pass
        with store.exclusive("0750001U"):
            pass

    # And once the first one ends, the next may run
    with store.exclusive(UAI):
        pass
