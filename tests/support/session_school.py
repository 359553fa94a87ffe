"""A generated college registered on an in-process ``edt-import serve`` (``LocalSession``) whose clock stands still
and whose schedules run only when a test ticks them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from local_front.session import LocalSession, SessionOptions
from msgspec import Struct

from edt_import.cli.main import main
from edt_import.domain.export_reader import read_export
from edt_import.domain.private_key import load_private_key
from edt_import.generator.establishment import Size
from edt_import.generator.files import write_establishment


class SessionSchool(Struct, frozen=True):
    session: LocalSession
    uai: str
    export: bytes
    key: Path  # the partner key the export is sealed for


@contextmanager
def session_school(tmp_path_factory: pytest.TempPathFactory, *, seed: int, now: datetime) -> Iterator[SessionSchool]:
    """Generate the college, start the session at ``now`` and register the college as ``establishment add`` does."""
    files = write_establishment(tmp_path_factory.mktemp("school"), Size.COLLEGE, seed=seed)
    export = files["export"].read_bytes()
    uai = read_export(export, private_key=load_private_key(files["key"].read_bytes())).timetable.uai
    data_dir = tmp_path_factory.mktemp("edt-local")
    with LocalSession(SessionOptions(data_dir=data_dir, now=now, schedule_period_s=0)) as session:
        args = ["--key", str(files["key"]), "--directory", str(files["directory"]), "--data-dir", str(data_dir)]
        assert main(["establishment", "add", uai, *args]) == 0
        yield SessionSchool(session=session, uai=uai, export=export, key=files["key"])
