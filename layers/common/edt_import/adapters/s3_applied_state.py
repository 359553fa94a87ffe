"""``S3AppliedStateStore``: each establishment's applied state as one object in the working bucket, indexed in
DynamoDB (where it is, when it was saved, what it holds) so the console need not read it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from edt_import.domain.applied_state import AppliedState, member_counts
from edt_import.domain.import_ports import BlobStore, EstablishmentStore
from edt_import.domain.selection import StoredSelection
from edt_import.domain.state_encoding import another_establishment, decode_selection, decode_state, encode_state


def state_key(uai: str) -> str:
    return f"state/{uai}.json"


class S3AppliedStateStore:
    def __init__(self, blobs: BlobStore, index: EstablishmentStore, clock: Callable[[], datetime]) -> None:
        self._blobs = blobs
        self._index = index
        self._clock = clock

    def load(self, uai: str) -> AppliedState | None:
        data = self._blobs.get(state_key(uai))
        if data is None:
            return None
        state = decode_state(data)
        if state.uai != uai:
            raise another_establishment()
        return state

    def load_selection(self, uai: str) -> StoredSelection | None:
        """The selection of the saved state of ``uai``: the whole object is fetched, its header alone decoded."""
        data = self._blobs.get(state_key(uai))
        return None if data is None else decode_selection(data, uai)

    def save(self, state: AppliedState) -> None:
        key = state_key(state.uai)
        self._blobs.put(key, encode_state(state))
        members = sum(map(sum, member_counts(state.member_groups).values()))  # without decoding stored groups
        events = sum(map(state.course_events.size, state.course_events))  # without decoding stored blocks
        figures = {"courses": len(state.courses), "members": members, "events": events}
        self._index.record_state(state.uai, key=key, saved_at=self._clock(), figures=figures)
