"""In-memory fakes of the pipeline's AWS ports (S3, the DynamoDB stores, Step Functions), for use-case tests.

One contract suite (tests/integration/aws/test_store_contracts.py) runs each of them and the real adapter on
moto through the same assertions, so a fake cannot drift from what it stands in for.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from edt_import.domain.auto_import import AutoImportSchedule
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import ConcurrentUpdateError, StatusMovedOnError
from edt_import.domain.import_ports import EstablishmentSettings, EstablishmentSnapshot, StatusChange, changed
from edt_import.domain.imports import ImportFailure, ImportRecord, ImportStatus, advanced, queue_positions


class InMemoryBlobStore:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.objects.get(key)

    def put(self, key: str, data: bytes) -> None:
        self.objects[key] = bytes(data)

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)

    def keys(self, prefix: str) -> list[str]:
        return sorted(key for key in self.objects if key.startswith(prefix))


class InMemoryImportHistory:
    """Versioned as the table is: a write lands only on the record it read. ``interleave`` models a race: each
    write it queues lands between one later ``update``'s read and its write, the first for the next update."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str], ImportRecord] = {}
        self.interleaved: list[Callable[[], object]] = []

    def interleave(self, *writes: Callable[[], object]) -> None:
        self.interleaved.extend(writes)

    def create(self, record: ImportRecord) -> bool:
        key = (record.uai, record.import_id)
        if key in self.records:
            return False
        self.records[key] = copy.deepcopy(record)
        return True

    def get(self, uai: str, import_id: str) -> ImportRecord | None:
        record = self.records.get((uai, import_id))
        return copy.deepcopy(record) if record is not None else None

    def update(
        self,
        uai: str,
        import_id: str,
        *,
        status: ImportStatus,
        now: datetime,
        section: tuple[str, Mapping[str, Any]] | None = None,
        error: ImportFailure | None = None,
        attempt: int | None = None,
        expected_status: ImportStatus | None = None,
    ) -> ImportRecord:
        def advance(record: ImportRecord) -> ImportRecord:
            if expected_status is not None and record.status is not expected_status:
                raise StatusMovedOnError(record.status)  # checked on the read, as the table's adapter does
            return advanced(record, status=status, now=now, section=section, error=error, attempt=attempt)

        updated = self._rewrite(uai, import_id, advance)
        if updated is None:  # ``advance`` always moves it: only an unknown import leaves nothing
            raise KeyError(import_id)  # a LookupError, as the port says
        return updated

    def update_if(
        self, uai: str, import_id: str, *, now: datetime, change: Callable[[ImportRecord], StatusChange | None]
    ) -> ImportRecord | None:
        return self._rewrite(uai, import_id, lambda record: changed(record, change(copy.deepcopy(record)), now=now))

    def _rewrite(
        self, uai: str, import_id: str, rewrite: Callable[[ImportRecord], ImportRecord | None]
    ) -> ImportRecord | None:
        record = self.records.get((uai, import_id))
        if record is None:
            return None
        updated = rewrite(record)
        if updated is None:
            return None
        if self.interleaved:
            racing, *later = self.interleaved
            self.interleaved = []  # the racing write's own update is not raced
            racing()
            self.interleaved = later
        if self.records[(uai, import_id)] is not record:  # another write since the read: the version moved
            raise ConcurrentUpdateError()
        self.records[(uai, import_id)] = updated
        return copy.deepcopy(updated)

    def awaiting_upload(self, *, created_before: datetime) -> list[tuple[str, str]]:
        not_taken_in = {ImportStatus.UPLOADED, ImportStatus.VALIDATING}
        waiting = [r for r in self.records.values() if r.status in not_taken_in and r.created_at <= created_before]
        return [(r.uai, r.import_id) for r in sorted(waiting, key=lambda r: (r.created_at, r.uai, r.import_id))]

    def newest(self, uai: str, *, limit: int, before: tuple[datetime, str] | None = None) -> list[ImportRecord]:
        older = [r for r in self.list(uai) if before is None or (r.created_at, r.import_id) < before]
        return older[:limit]

    def queue(self, uai: str) -> list[str]:
        positions = queue_positions(self.list(uai))
        return sorted(positions, key=positions.__getitem__)

    def list(self, uai: str) -> list[ImportRecord]:
        mine = [copy.deepcopy(r) for (owner, _), r in self.records.items() if owner == uai]
        return sorted(mine, key=lambda r: (r.created_at, r.import_id), reverse=True)


class InMemoryEstablishmentStore:
    def __init__(self) -> None:
        self._settings: dict[str, EstablishmentSettings] = {}
        self._running: dict[str, str] = {}
        self._states: dict[str, dict[str, Any]] = {}
        self._auto_import: dict[str, AutoImportSchedule] = {}
        self._auto_waiting: dict[str, str] = {}

    def settings(self, uai: str) -> EstablishmentSettings:
        return self._settings.get(uai, EstablishmentSettings(uai=uai))

    def snapshot(self, uai: str) -> EstablishmentSnapshot:
        return EstablishmentSnapshot(
            settings=self.settings(uai), auto_import=self.auto_import(uai), running_import=self.running_import(uai)
        )

    def save_settings(self, settings: EstablishmentSettings) -> None:
        self._settings[settings.uai] = settings

    def claim_turn(self, uai: str, import_id: str) -> bool:
        if self._running.get(uai, import_id) != import_id:
            return False
        self._running[uai] = import_id
        return True

    def release_turn(self, uai: str, import_id: str) -> None:
        if self._running.get(uai) == import_id:
            del self._running[uai]

    def running_import(self, uai: str) -> str | None:
        return self._running.get(uai)

    def record_state(self, uai: str, *, key: str, saved_at: datetime, figures: Mapping[str, int]) -> None:
        self._states[uai] = {"key": key, "saved_at": saved_at, "figures": dict(figures)}

    def state_index(self, uai: str) -> dict[str, Any] | None:
        index = self._states.get(uai)
        return copy.deepcopy(index) if index is not None else None

    def auto_import(self, uai: str) -> AutoImportSchedule:
        return self._auto_import.get(uai, AutoImportSchedule())

    def save_auto_import(self, uai: str, schedule: AutoImportSchedule) -> None:
        self._auto_import[uai] = schedule

    def mark_auto_waiting(self, uai: str, import_id: str) -> None:
        self._auto_waiting[uai] = import_id

    def clear_auto_waiting(self, uai: str, import_id: str) -> None:
        if self._auto_waiting.get(uai) == import_id:
            del self._auto_waiting[uai]

    def auto_waiting(self) -> dict[str, str]:
        return dict(self._auto_waiting)


class InMemoryPronoteIdStore:
    def __init__(self) -> None:
        self._mappings: dict[str, dict[str, PersonKey]] = {}

    def load(self, uai: str) -> dict[str, PersonKey]:
        return dict(self._mappings.get(uai, {}))

    def save(self, uai: str, mappings: Mapping[str, PersonKey]) -> None:
        self._mappings.setdefault(uai, {}).update(mappings)


class InMemoryAutoImportQueue:
    """Records what was sent; ``take`` hands the messages to a consumer, as the queue's event source would."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []

    def send(self, uai: str, *, delay_s: int = 0) -> None:
        if not 0 <= delay_s <= 900:
            raise ValueError("SQS delays are 0 to 900 seconds")
        self.sent.append((uai, delay_s))

    def take(self) -> list[tuple[str, int]]:
        taken, self.sent = self.sent, []
        return taken


class InMemoryExecutionStarter:
    """Records the executions started; a name is started once, as Step Functions allows."""

    def __init__(self) -> None:
        self.started: list[tuple[str, dict[str, Any]]] = []

    def start(self, *, execution_name: str, payload: Mapping[str, Any]) -> None:
        if all(name != execution_name for name, _ in self.started):
            self.started.append((execution_name, dict(payload)))

    def names(self) -> list[str]:
        return [name for name, _ in self.started]
