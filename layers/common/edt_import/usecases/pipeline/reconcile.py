"""The reconcile step: read the establishment's accounts from itslearning, match the timetable's people.

The accounts read are kept (encrypted, expiring) as the snapshot the plan step uses, so both steps see
the same directory. Unmatched people go into the administrator's report, never into a log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from edt_import.domain.directory import PersonKey
from edt_import.domain.import_ports import BlobStore, EstablishmentStore, ImportHistory, PronoteIdStore
from edt_import.domain.imports import ImportStatus
from edt_import.domain.ports import LmsGateway
from edt_import.domain.reconciliation import Unmatched, reconcile
from edt_import.domain.rekeying import rekeyed, reported_rekeys
from edt_import.domain.wizard_ports import RekeyStore
from edt_import.usecases.pipeline.codecs import encode_directory, encode_document
from edt_import.usecases.pipeline.steps import ImportRef, enter, open_timetable
from edt_import.usecases.pipeline.work_keys import directory_key, rekeys_report_key, unmatched_report_key


def reconcile_people(
    ref: ImportRef,
    *,
    now: datetime,
    work: BlobStore,
    history: ImportHistory,
    establishments: EstablishmentStore,
    pronote_ids: PronoteIdStore,
    rekeys: RekeyStore,
    lms: LmsGateway,
) -> dict[str, Any]:
    enter(ref, ImportStatus.RECONCILING, history=history, now=now)
    timetable = open_timetable(ref, work).timetable
    settings = establishments.settings(ref.uai)
    directory = tuple(lms.read_persons(settings.school_node_key or ref.uai))
    work.put(directory_key(ref.uai, ref.import_id), encode_directory(directory))
    known = known_pronote_ids(ref.uai, pronote_ids=pronote_ids, rekeys=rekeys)
    people = reconcile(timetable, directory, known_pronote_ids=known)
    report = {"unmatched": [_unmatched_row(u) for u in people.unmatched]}
    work.put(unmatched_report_key(ref.uai, ref.import_id), encode_document(report))
    found = reported_rekeys(timetable, people, known)
    work.put(rekeys_report_key(ref.uai, ref.import_id), encode_document({"rekeys": [r.as_row() for r in found]}))
    figures = {
        "accounts": len(directory),
        "matched_teachers": len(people.teachers),
        "matched_students": len(people.students),
        "unmatched": len(people.unmatched),
        "conflicts": len(people.conflicts),
        "rekeys": len(found),  # known people with a new Pronote id, for the administrator to confirm
    }
    history.update(
        ref.uai, ref.import_id, status=ImportStatus.RECONCILING, now=now, section=("reconciliation", figures)
    )
    return {"unmatched": figures["unmatched"]}


def known_pronote_ids(uai: str, *, pronote_ids: PronoteIdStore, rekeys: RekeyStore) -> dict[str, PersonKey]:
    """The IDPN mappings the syncs confirmed, with the re-keyings the administrator confirmed applied."""
    return rekeyed(pronote_ids.load(uai), rekeys.load(uai))


def _unmatched_row(unmatched: Unmatched) -> dict[str, str]:
    person = unmatched.person
    return {
        "role": person.role.value,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "birth_date": person.birth_date.isoformat() if person.birth_date is not None else "",
        "reason": unmatched.reason.value,
    }
