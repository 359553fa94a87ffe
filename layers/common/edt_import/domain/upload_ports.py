"""The upload door: a short-lived permission to put one export at one key, handed to a browser or to PRONOTE."""

from __future__ import annotations

from typing import Protocol

from msgspec import Struct, field


class PresignedUpload(Struct, frozen=True, kw_only=True):
    """A presigned POST: the form ``fields`` to send with the file to ``url`` (the fields carry the signature)."""

    url: str
    fields: dict[str, str] = field(default_factory=dict)


class UploadSigner(Protocol):
    def presign(self, key: str, *, max_bytes: int, expires_s: int) -> PresignedUpload:
        """Permission to upload exactly one object at ``key``, of 1 to ``max_bytes`` bytes, for ``expires_s``."""
        ...
