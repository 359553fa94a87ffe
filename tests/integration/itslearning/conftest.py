"""A stand-in on 127.0.0.1 (port 0) per test, and a gateway pointed at it whose back-off never really sleeps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from edt_import.adapters.itslearning import SoapLmsGateway
from edt_import.domain.directory import Profile, Source
from itslearning_standin import StandinServer
from tests.support.clock import FakeClock
from tests.support.lms_builders import UAI, a_gateway, a_person


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def standin() -> Iterator[StandinServer]:
    persons = [a_person(index) for index in range(20)]
    persons.append(a_person(900, profile=Profile.TEACHER, source=Source.MANUAL))
    server = StandinServer(persons=persons, schools=(UAI,), seed=1234)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def gateway(standin: StandinServer, clock: FakeClock) -> Iterator[SoapLmsGateway]:
    with a_gateway(standin, clock) as client:
        yield client
