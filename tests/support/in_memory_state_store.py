"""``InMemoryAppliedStateStore``: the ``AppliedStateStore`` port in a dict, for use-case tests.

It keeps copies, as a real store keeps bytes: a state changed after it was saved is not changed in the store,
and each load hands out a state of its own. ``saves`` counts the saves, ``fail_saves`` makes them raise; ``loads``
counts the whole states handed out (``load_selection`` reads the selection alone, as the real stores read the header).
"""

from __future__ import annotations

import copy

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.selection import StoredSelection


class InMemoryAppliedStateStore:
    def __init__(self, *states: AppliedState) -> None:
        self._states: dict[str, AppliedState] = {}
        self.saves = 0
        self.loads = 0
        self.fail_saves: BaseException | None = None
        for state in states:
            self._states[state.uai] = copy.deepcopy(state)

    def load(self, uai: str) -> AppliedState | None:
        state = self._states.get(uai)
        if state is None:
            return None
        self.loads += 1
        return copy.deepcopy(state)

    def load_selection(self, uai: str) -> StoredSelection | None:
        state = self._states.get(uai)
        return None if state is None else copy.deepcopy(state.selection)

    def save(self, state: AppliedState) -> None:
        if self.fail_saves is not None:
            raise self.fail_saves
        self._states[state.uai] = copy.deepcopy(state)
        self.saves += 1
