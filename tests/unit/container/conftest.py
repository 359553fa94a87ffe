from __future__ import annotations

import pytest

from tests.support.hostile_containers import ContainerKeys, make_keys


@pytest.fixture(scope="session")
def keys() -> ContainerKeys:
    # 1024-bit keys keep generation cheap; one test covers the 2048-bit keys used in production.
    return make_keys(1024)
