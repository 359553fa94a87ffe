"""The cyclic collector is paused by the commands (entry points), never by the domain they call."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from edt_import.cli.collector import collector_paused
from edt_import.cli.main import main
from edt_import.domain.errors import ExportRejectedError
from edt_import.domain.export_reader import read_export
from tests.support.export_xml_builder import LESSONS, export_xml


def _refuse_pausing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("the collector was paused")

    monkeypatch.setattr(gc, "disable", refuse)
    monkeypatch.setattr(gc, "freeze", refuse)


def test_read_export_never_pauses_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a process where pausing the collector fails loudly
    _refuse_pausing(monkeypatch)
    # When an export is read, and another is refused midway (a lesson without subject)
    timetable = read_export(export_xml()).timetable
    with pytest.raises(ExportRejectedError):
        read_export(export_xml(sections={"Cours": LESSONS.replace('<Matiere Ident="10"/>', "")}))
    # Then the domain did its work without touching the process-wide collector
    assert timetable.lessons


def test_collector_paused_restores_an_enabled_collector_even_on_error() -> None:
    # Given an enabled collector
    assert gc.isenabled()
    paused: list[bool] = []

    def fail_while_paused() -> None:
        with collector_paused():
            paused.append(not gc.isenabled())
            raise RuntimeError

    # When a paused block fails
    with pytest.raises(RuntimeError):
        fail_while_paused()
    # Then the collector was paused inside, and runs again
    assert paused == [True]
    assert gc.isenabled()


def test_collector_paused_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_inspect_refused_export_exits_2_with_the_collector_running_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an export refused midway through reading, and a record of the collector's pauses
    upload = tmp_path / "upload.xml"
    upload.write_bytes(export_xml(sections={"Cours": LESSONS.replace('<Matiere Ident="10"/>', "")}))
    pauses: list[bool] = []
    disable = gc.disable

    def recorded_disable() -> None:
        pauses.append(True)
        disable()

    monkeypatch.setattr(gc, "disable", recorded_disable)
    # When it is inspected
    status = main(["inspect", str(upload)])
    # Then the command paused the collector for the reading, refused the export, and let the collector run again
    assert status == 2
    assert capsys.readouterr().err.startswith("error: invalid_timetable: ")
    assert pauses == [True]
    assert gc.isenabled()
