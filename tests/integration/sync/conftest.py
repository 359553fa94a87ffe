from __future__ import annotations

import pytest

from tests.support.sync_harness import College, a_college


@pytest.fixture(scope="module")
def college(tmp_path_factory: pytest.TempPathFactory) -> College:
    return a_college(tmp_path_factory.mktemp("college"))


@pytest.fixture(autouse=True)
def _no_credentials_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # The stand-in's demo account applies only when no credentials are configured.
    monkeypatch.delenv("ITSLEARNING_USERNAME", raising=False)
    monkeypatch.delenv("ITSLEARNING_PASSWORD", raising=False)
