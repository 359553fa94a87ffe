"""``local_site``: an establishment's ENT stand-in lives exactly as long as its ``with`` block, however it ends."""

from __future__ import annotations

import socket
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
from local_stack import LocalStack
from local_stack.site import local_site

from itslearning_standin import SANDBOX_PASSWORD, SANDBOX_USERNAME

UAI = "0214773Z"


class _RecordingStack:
    """What ``local_site`` asks of the stack: where itslearning is, and the establishment's registration."""

    def __init__(self, *, refuse_registration: bool = False) -> None:
        self.refuse_registration = refuse_registration
        self.itslearning: dict[str, str] = {}
        self.registered: list[tuple[str, bytes, str]] = []

    def configure_itslearning(self, *, url: str, username: str, password: str) -> None:
        self.itslearning = {"url": url, "username": username, "password": password}

    def register_establishment(self, uai: str, *, partner_key_pem: bytes, partner: str, **_: Any) -> None:
        if self.refuse_registration:
            raise ValueError("refused")
        self.registered.append((uai, partner_key_pem, partner))


def _accepts_connections(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=2):
            return True
    except OSError:
        return False


def test_local_site_points_the_stack_at_its_standin_and_stops_it_when_the_block_ends() -> None:
    # Given a stack / When a site is opened for an establishment
    stack = _RecordingStack()
    with local_site(cast(LocalStack, stack), uai=UAI, persons=(), partner_key_pem=b"pem") as site:
        url = stack.itslearning["url"]
        # Then the stack talks to the site's stand-in, with the sandbox account, and knows the establishment
        assert stack.itslearning == {
            "url": site.standin.base_url,
            "username": SANDBOX_USERNAME,
            "password": SANDBOX_PASSWORD,
        }
        assert stack.registered == [(UAI, b"pem", "ITSLEARNING")]
        assert (site.uai, _accepts_connections(url)) == (UAI, True)
    # And once the block is over the stand-in no longer listens
    assert not _accepts_connections(url)


def test_local_site_stops_its_standin_when_the_block_raises() -> None:
    # Given an open site / When its block fails
    stack = _RecordingStack()
    with (
        pytest.raises(RuntimeError, match="scenario failed"),
        local_site(cast(LocalStack, stack), uai=UAI, persons=(), partner_key_pem=b"pem"),
    ):
        raise RuntimeError("scenario failed")
    # Then its stand-in was stopped all the same
    assert not _accepts_connections(stack.itslearning["url"])


def test_local_site_stops_its_standin_when_the_stack_refuses_the_establishment() -> None:
    # Given a stack that refuses the establishment's registration
    stack = _RecordingStack(refuse_registration=True)
    # When a site is opened / Then the refusal comes through, and the stand-in already started is stopped
    with (
        pytest.raises(ValueError, match="refused"),
        local_site(cast(LocalStack, stack), uai=UAI, persons=(), partner_key_pem=b"pem"),
    ):
        pytest.fail("the block must not run")
    assert not _accepts_connections(stack.itslearning["url"])
