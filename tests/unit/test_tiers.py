"""The root conftest keeps unit tests in their process."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TierViolationError


def test_unit_tier_socket_connection_is_refused() -> None:
    with pytest.raises(TierViolationError, match="socket"):
        socket.create_connection(("127.0.0.1", 9), timeout=0.1)


def test_unit_tier_subprocess_is_refused() -> None:
    with pytest.raises(TierViolationError, match="subprocess"):
        subprocess.run([sys.executable, "-c", "pass"], check=False)


def test_unit_tier_proc_is_refused_and_other_files_are_read(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("read", encoding="utf-8")
    with pytest.raises(TierViolationError, match="/proc"):
        Path("/proc/self/status").read_text(encoding="utf-8")
    assert (tmp_path / "file.txt").read_text(encoding="utf-8") == "read"
