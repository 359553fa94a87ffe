"""Test tiers: a unit test stays in this process — no socket, no subprocess, no ``/proc``.

Integration and end-to-end tests (``tests/integration``, ``tests/e2e``) may use all three; a unit test that
needs one of them belongs there. Property tests judge results, never speed: a busy CI machine must not fail them
(timing lives in ``benchmarks/``).
"""

from __future__ import annotations

import builtins
import io
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

_UNIT_TESTS = Path(__file__).parent / "unit"

settings.register_profile("edt-import", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("edt-import")


class TierViolationError(AssertionError):
    """A unit test reached outside its process."""


def _refuse(what: str) -> Callable[..., Any]:
    def refused(*_args: Any, **_kwargs: Any) -> Any:
        raise TierViolationError(f"a unit test may not use {what}: move the test to tests/integration")

    return refused


@pytest.fixture(autouse=True)
def _unit_tests_stay_in_process(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if not request.node.path.is_relative_to(_UNIT_TESTS):
        return
    for method in ("connect", "connect_ex", "bind"):
        monkeypatch.setattr(socket.socket, method, _refuse("a socket"))
    monkeypatch.setattr(socket, "create_connection", _refuse("a socket"))
    monkeypatch.setattr(subprocess.Popen, "__init__", _refuse("a subprocess"))
    original_open = builtins.open

    def open_outside_proc(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, str | Path) and Path(file).is_relative_to("/proc"):
            raise TierViolationError("a unit test may not read /proc: move the test to tests/integration")
        return original_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", open_outside_proc)
    monkeypatch.setattr(io, "open", open_outside_proc)
