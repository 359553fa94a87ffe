"""The establishment's wizard documents (subject referential, confirmed Pronote re-keyings), each one small JSON
object in the working bucket under ``establishments/{UAI}/``, never expired.

The establishment's selection is not one of them: it lives in the applied state, recorded when an import
completes. A ``selection.json`` an earlier version wrote at each launch (dev stacks only) is never read again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.import_ports import BlobStore
from edt_import.domain.rekeying import Rekey, confirmed_after

SCHEMA = 1


def document_key(uai: str, name: str) -> str:
    return f"establishments/{uai}/{name}.json"


def _read(blobs: BlobStore, key: str) -> dict[str, Any] | None:
    data = blobs.get(key)
    if data is None:
        return None
    try:
        raw = json.loads(data)
    except ValueError as exc:
        raise rejected(ErrorCode.INVALID_STATE, "An establishment document is not readable JSON.") from exc
    if not isinstance(raw, dict):
        raise rejected(ErrorCode.INVALID_STATE, "An establishment document is not a JSON object.")
    return raw


def _write(blobs: BlobStore, key: str, document: dict[str, Any]) -> None:
    blobs.put(key, json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


class BlobSubjectReferential:
    def __init__(self, blobs: BlobStore) -> None:
        self._blobs = blobs

    def load(self, uai: str) -> frozenset[str] | None:
        raw = _read(self._blobs, document_key(uai, "subjects"))
        if raw is None:
            return None
        if raw.get("schema") != SCHEMA or not isinstance(raw.get("codes"), list):
            raise rejected(ErrorCode.INVALID_STATE, "The stored subject referential was written by another version.")
        return frozenset(str(code) for code in raw["codes"])

    def save(self, uai: str, codes: frozenset[str]) -> None:
        _write(self._blobs, document_key(uai, "subjects"), {"schema": SCHEMA, "codes": sorted(codes)})


class BlobRekeyStore:
    def __init__(self, blobs: BlobStore) -> None:
        self._blobs = blobs

    def load(self, uai: str) -> tuple[Rekey, ...]:
        raw = _read(self._blobs, document_key(uai, "rekeys"))
        if raw is None:
            return ()
        if raw.get("schema") != SCHEMA or not isinstance(raw.get("confirmed"), list):
            raise rejected(ErrorCode.INVALID_STATE, "The stored Pronote re-keyings were written by another version.")
        return tuple(Rekey.from_row(row) for row in raw["confirmed"])

    def add(self, uai: str, rekeys: Iterable[Rekey]) -> tuple[Rekey, ...]:
        confirmed = confirmed_after(self.load(uai), rekeys)
        _write(
            self._blobs,
            document_key(uai, "rekeys"),
            {"schema": SCHEMA, "confirmed": [rekey.as_row() for rekey in confirmed]},
        )
        return confirmed
