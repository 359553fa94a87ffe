"""The reader streams: reading a large export costs about the model's own memory, never a document tree.

tracemalloc sees Python's allocations (the model and anything transient); the process's resident size also sees
libxml2's, where a document tree would live (several times the file's size).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from edt_import.domain.xml_reader import parse_timetable

MIB = 1024 * 1024

DOCUMENT = r"""
def student(i):
    c = 1 + i % 400
    return (
        f'<Eleve Ident="{i}" Nom="NOM{i}" Prenom="Prenom{i % 97}" DateNaissance="2010-03-{1 + i % 28:02d}" '
        f'Sexe="{"Masculin" if i % 2 else "Feminin"}" NumeroNational="{i:011d}" IDPN="PE{i:010d}">\r\n'
        f'  <Responsable Ident="{i}" RespLegal="1" Nom="NOM{i}" Prenom="Parent" Adresse1="1 rue de la Paix"/>\r\n'
        f'  <Classe Ident="{c}" DateEntree="2025-09-01" DateSortie="2026-07-04"/>\r\n'
        f'  <PartieDeClasse Ident="{1000 + c}" DateEntree="2025-09-01" DateSortie="2026-07-04"/>\r\n</Eleve>\r\n'
    )


def document(students):
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\r\n'
        '<ExportEmploiDuTemps xmlns="http://www.index-education.com/exportemploidutemps" Version="1.1" UAI="0750001U">'
        '<AnneeScolaire DateDebut="2025-09-01" DateFin="2026-07-04" DatePremierJourSemaine1="2025-09-01"/>\r\n'
        '<GrilleHoraire NombrePlacesParJour="1" DureePlace="55"><JoursOuvres><Jour>1</Jour></JoursOuvres>'
        '<PlacesParJour><Place Numero="0" LibelleHeureDebut="08:00" LibelleHeureFin="08:55"/></PlacesParJour>'
        '</GrilleHoraire>\r\n<Eleves>\r\n'
    )
    body = "".join(student(i) for i in range(1, students + 1))
    return (head + body + "</Eleves></ExportEmploiDuTemps>").encode()
"""

MEASURE = r"""
import json, time
from edt_import.domain.xml_reader import parse_timetable

def status(field):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) * 1024 for line in lines if line.startswith(field + ":"))

xml = document(STUDENTS)
started = time.perf_counter()
with open("/proc/self/clear_refs", "w") as clear_refs:
    clear_refs.write("5")  # resets the peak resident size (VmHWM) to the current one
before = status("VmRSS")
timetable, _ = parse_timetable(xml)
print(json.dumps({
    "xml": len(xml), "students": len(timetable.students), "kept": status("VmRSS") - before,
    "peak": status("VmHWM") - before, "seconds": time.perf_counter() - started,
}))
"""


def document(students: int) -> bytes:
    namespace: dict[str, object] = {}
    exec(DOCUMENT, namespace)  # noqa: S102 - our own constant, shared with the fresh interpreter below
    build = namespace["document"]
    assert callable(build)
    xml: bytes = build(students)
    return xml


def test_parse_timetable_python_memory_peaks_at_the_model_it_keeps() -> None:
    # Given a ~4 MB export of 10,000 students
    xml = document(10_000)
    # When it is read under tracemalloc
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        timetable, _ = parse_timetable(xml)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Then nothing transient outgrows the model (no copy of the document, no per-element garbage piling up)
    assert len(timetable.students) == 10_000
    assert peak - before < 1.2 * (kept - before)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc to reset the peak RSS")
def test_parse_timetable_large_export_builds_no_document_tree() -> None:
    # Given a ~24 MB export of 60,000 students, read in a fresh interpreter (lxml's tree of it would take ~300 MB)
    script = DOCUMENT + MEASURE.replace("STUDENTS", "60_000")
    # When
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, text=True, timeout=120)
    figures = json.loads(completed.stdout)
    # Then the resident size grows by about the model it keeps, never by a tree several times the file
    assert figures["students"] == 60_000
    assert figures["xml"] > 20 * MIB
    assert figures["peak"] < figures["kept"] + 32 * MIB
