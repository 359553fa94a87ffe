from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from edt_import.adapters import wiring


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An in-process moto account with dummy credentials; every cached client and store is rebuilt inside it."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    with mock_aws():
        wiring.reset()
        yield
    wiring.reset()
