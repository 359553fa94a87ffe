"""Local sign-in tokens: what the front accepts is exactly what this data folder's secret signed, unexpired."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from local_front.tokens import InvalidTokenError, TokenSigner

NOW = datetime(2026, 9, 14, 8, 0, tzinfo=UTC)


def _b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_token_round_trip_carries_cognito_claims() -> None:
    signer = TokenSigner(b"secret")
    token = signer.mint(uais=["0750001A", "0930002B"], role="admin", now=NOW)
    claims = signer.verify(token, now=NOW + timedelta(hours=1))
    assert (claims["custom:uais"], claims["custom:role"], claims["token_use"]) == ("0750001A 0930002B", "admin", "id")


def test_token_expired_is_refused() -> None:
    signer = TokenSigner(b"secret")
    token = signer.mint(uais=["0750001A"], role="admin", now=NOW, validity=timedelta(minutes=5))
    with pytest.raises(InvalidTokenError, match="expired"):
        signer.verify(token, now=NOW + timedelta(minutes=5))


def test_token_of_another_secret_is_refused() -> None:
    token = TokenSigner(b"other").mint(uais=["0750001A"], role="admin", now=NOW)
    with pytest.raises(InvalidTokenError, match="signature"):
        TokenSigner(b"secret").verify(token, now=NOW)


def test_token_with_claims_changed_after_signing_is_refused() -> None:
    signer = TokenSigner(b"secret")
    header, payload, signature = signer.mint(uais=["0750001A"], role="machine", now=NOW).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["custom:role"] = "admin"
    with pytest.raises(InvalidTokenError):
        signer.verify(f"{header}.{_b64(claims)}.{signature}", now=NOW)


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c", "x.y.z.w", f"{_b64({'alg': 'none'})}.{_b64({})}."])
def test_token_malformed_or_unsigned_is_refused(token: str) -> None:
    with pytest.raises(InvalidTokenError):
        TokenSigner(b"secret").verify(token, now=NOW)


def test_token_secret_is_made_once_per_data_dir_and_private(tmp_path: Path) -> None:
    first = TokenSigner.of_data_dir(tmp_path / "local").mint(uais=["0750001A"], role="admin", now=NOW)
    again = TokenSigner.of_data_dir(tmp_path / "local")
    assert again.verify(first, now=NOW)["custom:role"] == "admin"
    assert (tmp_path / "local" / "token-secret").stat().st_mode & 0o077 == 0
