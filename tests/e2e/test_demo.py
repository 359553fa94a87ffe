from __future__ import annotations

import re
from pathlib import Path

import pytest

from edt_import.cli.demo import main as demo


def test_demo_generated_college_lands_everything_then_resync_sends_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a fresh output folder
    # When the demo runs the whole local pipeline
    status = demo(["--out", str(tmp_path / "demo"), "--seed", "11"])
    # Then the first sync lands every planned action, the re-sync sends nothing, itslearning holds no duplicate
    out = capsys.readouterr().out
    assert status == 0
    first = re.search(r"first sync +(\d+) actions succeeded, (\d+) failed", out)
    again = re.search(r"unchanged re-sync +(\d+) actions succeeded, (\d+) failed", out)
    landed = re.search(r"itslearning now +(\d+) courses, (\d+) memberships, (\d+) events, (\d+) duplicates", out)
    assert first is not None
    assert again is not None
    assert landed is not None
    assert int(first.group(1)) > 10_000
    assert first.group(2) == "0"
    assert (again.group(1), again.group(2)) == ("0", "0")
    courses, memberships, events, duplicates = map(int, landed.groups())
    assert courses + memberships + events == int(first.group(1))
    assert duplicates == 0
    # And the unmatched accounts are listed for the administrator, one per line
    lines = (tmp_path / "demo" / "unmatched.txt").read_text(encoding="utf-8").splitlines()
    assert lines
    assert all(line.split("\t")[-1] in {"not_found", "ambiguous"} for line in lines)
