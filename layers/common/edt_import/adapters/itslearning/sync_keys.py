"""The sync keys itslearning receives for the plan's keys: the same key when it fits, a digest form when not.

itslearning stores a sync key (IMS ``sourcedId/identifier``) in at most 64 characters. The plan's keys are built
from the establishment, the year, the subject code, the audience and, for a membership, the person's own sync key
and the role: ``edt:0750001A:2026-2027:A-PLA:c301|aaf-d46dd802538450bb|Instructor`` is already 65. Cutting such a
key would make two memberships collide; instead a longer key goes out as its first characters (kept for people
reading itslearning's screens) followed by ``~`` and 26 base-32 characters of its SHA-256 (130 bits). The form is a
pure function of the plan's key, so every later sync, update or delete finds the same object again, and the
applied state keeps the plan's keys.
"""

from __future__ import annotations

import base64
import hashlib

MAX_SYNC_KEY = 64
_DIGEST_CHARS = 26
_PREFIX_CHARS = MAX_SYNC_KEY - _DIGEST_CHARS - 1


def wire_key(key: str) -> str:
    """``key`` itself when it fits itslearning's 64 characters, else ``{first 37 characters}~{digest}``."""
    if len(key) <= MAX_SYNC_KEY:
        return key
    digest = base64.b32encode(hashlib.sha256(key.encode()).digest()).decode()[:_DIGEST_CHARS]
    return f"{key[:_PREFIX_CHARS]}~{digest}"
