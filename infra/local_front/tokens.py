"""Local sign-in tokens: HS256 JWTs signed with a secret kept in the data folder, carrying Cognito's claims.

In AWS the Cognito authorizer checks the ID token and hands its claims to the API; locally the front checks these
tokens the same way (signature, expiry) and hands over the same claims (``custom:uais``, ``custom:role``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

SECRET_FILE = "token-secret"  # noqa: S105 - a file name, not a secret
ISSUER = "edt-import-local"
DEFAULT_VALIDITY = timedelta(hours=12)


class InvalidTokenError(Exception):
    """The token is not one this front signed, or it has expired."""


class TokenSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @classmethod
    def of_data_dir(cls, data_dir: Path) -> TokenSigner:
        """The signer of ``data_dir``, creating its secret (readable by its owner only) on first use."""
        path = data_dir / SECRET_FILE
        if not path.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_hex(32), encoding="ascii")
        return cls(path.read_text(encoding="ascii").strip().encode("ascii"))

    def mint(self, *, uais: list[str], role: str, now: datetime, validity: timedelta = DEFAULT_VALIDITY) -> str:
        claims = {
            "iss": ISSUER,
            "sub": f"local-{role}",
            "token_use": "id",
            "custom:uais": " ".join(uais),
            "custom:role": role,
            "iat": int(now.timestamp()),
            "exp": int((now + validity).timestamp()),
        }
        header = _encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _encode(json.dumps(claims).encode())
        return f"{header}.{payload}.{self._signature(header, payload)}"

    def verify(self, token: str, *, now: datetime) -> dict[str, Any]:
        """The token's claims; ``InvalidTokenError`` when its signature, algorithm, issuer or expiry is wrong."""
        try:
            header_part, payload_part, signature = token.split(".")
            header = json.loads(_decode(header_part))
            claims = json.loads(_decode(payload_part))
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidTokenError("not a JWT") from exc
        if not isinstance(header, Mapping) or header.get("alg") != "HS256":
            raise InvalidTokenError("not an HS256 token")
        if not hmac.compare_digest(signature, self._signature(header_part, payload_part)):
            raise InvalidTokenError("bad signature")
        if not isinstance(claims, dict) or claims.get("iss") != ISSUER:
            raise InvalidTokenError("not issued here")
        if not isinstance(claims.get("exp"), int) or claims["exp"] <= now.timestamp():
            raise InvalidTokenError("expired")
        return claims

    def _signature(self, header: str, payload: str) -> str:
        return _encode(hmac.new(self._secret, f"{header}.{payload}".encode("ascii"), hashlib.sha256).digest())


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
