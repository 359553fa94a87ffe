"""The import routes: creation and its upload form, the history page by page, one import's summary, the
unrecognised accounts as text; every bad input a 4xx with its code."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from edt_import.domain.imports import ImportFailure, ImportKind, ImportRecord, ImportStatus, new_import
from edt_import.domain.upload_expiry import late_upload_section, upload_missing
from edt_import.usecases.pipeline.work_keys import unmatched_report_key
from tests.support.admin_api import IMPORT_ID, NOW, UAI, ApiWorld, admin_of

IMPORTS = f"/establishments/{UAI}/imports"
ADMIN = admin_of(UAI)


def _record(world: ApiWorld, import_id: str, *, minutes: int, status: ImportStatus, **changes: object) -> None:
    at = NOW + timedelta(minutes=minutes)
    world.history.create(new_import(uai=UAI, import_id=import_id, kind=ImportKind.MANUAL, now=at, upload_key=""))
    if status is not ImportStatus.UPLOADED:
        world.history.update(UAI, import_id, status=status, now=NOW + timedelta(minutes=minutes), **changes)  # type: ignore[arg-type]


# --- POST /establishments/{uai}/imports --------------------------------------------------------------------------
def test_post_import_creates_the_record_and_a_form_for_its_one_upload_key() -> None:
    world = ApiWorld()
    status, body, _ = world.call("POST", IMPORTS, claims=ADMIN, body={"kind": "manual"})
    assert status == 201
    import_id = body["import_id"]
    key = f"uploads/{UAI}/{import_id}.xml"
    assert body["upload"] == {"url": "https://uploads.example/bucket", "fields": {"key": key, "policy": "p"}}
    assert (body["status"], body["status_label"]) == ("uploaded", "Déposé")
    assert world.signer.signed == [(key, 1000, 300)]
    record = world.history.get(UAI, import_id)
    assert record is not None
    assert (record.kind, record.status, record.upload_key, record.created_at) == (
        ImportKind.MANUAL,
        ImportStatus.UPLOADED,
        key,
        NOW,
    )


@pytest.mark.parametrize(
    "body",
    [None, "", "{not json", [], {}, {"kind": "weekly"}, {"kind": "manual", "extra": 1}, {"kind": 3}],
    ids=["none", "empty", "not-json", "list", "no-kind", "bad-kind", "extra-field", "number"],
)
def test_post_import_with_a_bad_body_is_422_and_creates_nothing(body: object) -> None:
    world = ApiWorld()
    status, answer, _ = world.call("POST", IMPORTS, claims=ADMIN, body=body)
    assert (status, answer["code"]) == (422, "invalid_request")
    assert set(answer) == {"code", "message"}
    assert world.history.records == {}
    assert world.signer.signed == []


@pytest.mark.parametrize("uai", ["075001A", "07500011A", "0750001", "075000AA", "0750001-", "ABCDEFGH"])
def test_a_badly_formed_uai_is_400_invalid_uai(uai: str) -> None:
    world = ApiWorld()
    status, body, _ = world.call(
        "POST", f"/establishments/{uai}/imports", claims=admin_of(uai), body={"kind": "manual"}
    )
    assert (status, body["code"]) == (400, "invalid_uai")
    assert world.history.records == {}


@pytest.mark.parametrize("import_id", ["short", "x" * 65, "a" * 31 + "!", "a" * 31 + "."])
def test_a_badly_formed_import_id_is_422(import_id: str) -> None:
    status, body, _ = ApiWorld().call("GET", f"{IMPORTS}/{import_id}", claims=ADMIN)
    assert (status, body["code"]) == (422, "invalid_request")


# --- GET /establishments/{uai}/imports ---------------------------------------------------------------------------
def test_history_lists_newest_first_with_labels_and_queue_positions() -> None:
    world = ApiWorld()
    _record(world, "1" * 32, minutes=0, status=ImportStatus.DONE)
    _record(world, "2" * 32, minutes=1, status=ImportStatus.QUEUED)
    _record(world, "3" * 32, minutes=2, status=ImportStatus.QUEUED)
    status, body, _ = world.call("GET", IMPORTS, claims=ADMIN)
    assert status == 200
    assert [(i["import_id"][0], i["status"], i["status_label"], i["queue_position"]) for i in body["items"]] == [
        ("3", "queued", "En attente", 2),
        ("2", "queued", "En attente", 1),
        ("1", "done", "Fait", None),
    ]
    assert body["next"] is None


def test_history_pages_follow_the_cursor_to_the_end() -> None:
    world = ApiWorld()
    for n in range(5):
        _record(world, f"{n:032d}", minutes=n, status=ImportStatus.DONE)
    seen: list[str] = []
    query: dict[str, str] = {"limit": "2"}
    while True:
        status, body, _ = world.call("GET", IMPORTS, claims=ADMIN, query=query)
        assert status == 200
        seen.extend(item["import_id"] for item in body["items"])
        if body["next"] is None:
            break
        query = {"limit": "2", "cursor": body["next"]}
    assert seen == [f"{n:032d}" for n in reversed(range(5))]


@pytest.mark.parametrize("limit", ["0", "101", "two"])
def test_history_with_a_bad_limit_is_422(limit: str) -> None:
    status, body, _ = ApiWorld().call("GET", IMPORTS, claims=ADMIN, query={"limit": limit})
    assert (status, body["code"]) == (422, "invalid_request")


@pytest.mark.parametrize("cursor", ["garbage", "WyJ4Il0", "bm90IGpzb24"])
def test_history_with_a_cursor_it_did_not_give_is_400(cursor: str) -> None:
    status, body, _ = ApiWorld().call("GET", IMPORTS, claims=ADMIN, query={"cursor": cursor})
    assert (status, body["code"]) == (400, "invalid_cursor")


def test_history_of_another_establishment_shows_none_of_these_imports() -> None:
    world = ApiWorld()
    _record(world, IMPORT_ID, minutes=0, status=ImportStatus.DONE)
    status, body, _ = world.call("GET", "/establishments/0930002B/imports", claims=admin_of("0930002B"))
    assert (status, body["items"]) == (200, [])


# --- GET /establishments/{uai}/imports/{id} ---------------------------------------------------------------------
def test_one_import_shows_what_each_step_recorded() -> None:
    world = ApiWorld()
    _record(world, IMPORT_ID, minutes=0, status=ImportStatus.QUEUED)
    validation = {
        "software": "EDT",
        "version": "2024.0.1",
        "warnings": 1,
        "size_bytes": 5120,
        "uai": UAI,
        "school_year": "2026-2027",
        "warning_list": [{"code": "dangling_reference", "message": "A lesson names an unknown room."}],
    }
    reconciliation = {"accounts": 90, "matched_teachers": 12, "matched_students": 70, "unmatched": 3, "conflicts": 1}
    plan = {
        "import_date": "2026-09-14",
        "courses": 40,
        "actions": {"create_course": 40},
        "skipped_counts": {"unknown_subject": 2, "no_audience": 1},
        "chunks": 1,
    }
    by_type = {"create_course": {"succeeded": 39, "failed": 1, "skipped": 0}}
    sync = {"succeeded": 39, "failed": 1, "skipped": 0, "year_node": "ok", "by_type": by_type}
    for name, section, step_status in (
        ("validation", validation, ImportStatus.QUEUED),
        ("reconciliation", reconciliation, ImportStatus.RECONCILING),
        ("plan", plan, ImportStatus.PLANNING),
        ("sync", sync, ImportStatus.DONE_WITH_ERRORS),
    ):
        world.history.update(UAI, IMPORT_ID, status=step_status, now=NOW, section=(name, section))
    status, body, _ = world.call("GET", f"{IMPORTS}/{IMPORT_ID}", claims=ADMIN)
    assert status == 200
    assert (body["status"], body["status_label"]) == ("done_with_errors", "Fait avec erreurs")
    assert body["uai_check"] == {"expected": UAI, "found": UAI, "status": "ok"}
    assert body["export"] == {"software": "EDT", "version": "2024.0.1", "school_year": "2026-2027", "size_bytes": 5120}
    assert body["warnings"] == validation["warning_list"]
    assert body["recognised"] == {"teachers": 12, "students": 70}
    assert (body["unmatched"], body["conflicts"]) == (3, 1)
    assert body["lessons_not_imported"] == {"total": 3, "by_reason": {"unknown_subject": 2, "no_audience": 1}}
    assert body["plan"]["held"] is False
    assert body["sync"]["by_type"] == by_type
    assert body["counts"] == {"succeeded": 39, "failed": 1, "skipped": 0}
    assert body["error"] is None


def test_one_import_refused_for_another_establishment_shows_the_uai_mismatch() -> None:
    world = ApiWorld()
    failure = ImportFailure(code="uai_mismatch", message="The export belongs to establishment 0930002B.")
    _record(world, IMPORT_ID, minutes=0, status=ImportStatus.FAILED, error=failure)
    status, body, _ = world.call("GET", f"{IMPORTS}/{IMPORT_ID}", claims=ADMIN)
    assert status == 200
    assert body["uai_check"]["status"] == "mismatch"
    assert body["error"] == {"code": "uai_mismatch", "message": failure.message}
    assert body["error_code"] == "uai_mismatch"


def test_one_import_waiting_for_its_file_has_no_step_sections_yet() -> None:
    world = ApiWorld()
    _record(world, IMPORT_ID, minutes=0, status=ImportStatus.UPLOADED)
    status, body, _ = world.call("GET", f"{IMPORTS}/{IMPORT_ID}", claims=ADMIN)
    assert status == 200
    assert body["uai_check"] == {"expected": UAI, "found": None, "status": "pending"}
    assert [body[k] for k in ("export", "recognised", "plan", "sync", "counts", "unmatched", "late_upload")] == [
        None
    ] * 7


def test_one_expired_import_whose_file_came_late_says_when_it_came_and_its_size() -> None:
    # Given an import expired for want of its file, whose file then arrived (and was refused unread)
    world = ApiWorld()
    received = NOW + timedelta(minutes=41)
    _record(world, IMPORT_ID, minutes=0, status=ImportStatus.EXPIRED, error=upload_missing())
    world.history.update(
        UAI,
        IMPORT_ID,
        status=ImportStatus.EXPIRED,
        now=received,
        section=late_upload_section(now=received, size_bytes=298_969),
    )
    # When its summary is read
    status, body, _ = world.call("GET", f"{IMPORTS}/{IMPORT_ID}", claims=ADMIN)
    # Then it says when the file came and how large it was, next to the import's own code
    assert status == 200
    assert (body["status"], body["error_code"]) == ("expired", "upload_missing")
    assert datetime.fromisoformat(body["late_upload"]["received_at"]) == received
    assert body["late_upload"]["size_bytes"] == 298_969
    assert set(body["late_upload"]) == {"received_at", "size_bytes"}


def test_one_unknown_import_is_404() -> None:
    status, body, _ = ApiWorld().call("GET", f"{IMPORTS}/{IMPORT_ID}", claims=ADMIN)
    assert (status, body["code"]) == (404, "not_found")


# --- GET /establishments/{uai}/imports/{id}/unmatched.txt --------------------------------------------------------
def test_unmatched_text_lists_each_account_with_its_reason_and_a_pupil_birth_date_only() -> None:
    world = ApiWorld()
    _record(world, IMPORT_ID, minutes=0, status=ImportStatus.RECONCILING)
    rows = [
        {
            "role": "Instructor",
            "last_name": "MARTIN",
            "first_name": "Anne",
            "birth_date": "1980-02-03",
            "reason": "not_found",
        },
        {
            "role": "Learner",
            "last_name": "DURAND\tX",
            "first_name": "Léo",
            "birth_date": "2012-05-06",
            "reason": "ambiguous",
        },
    ]
    world.work.put(unmatched_report_key(UAI, IMPORT_ID), json.dumps({"schema": 1, "unmatched": rows}).encode())
    status, text, headers = world.call("GET", f"{IMPORTS}/{IMPORT_ID}/unmatched.txt", claims=ADMIN)
    assert status == 200
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert text.splitlines() == [
        "rôle\tnom\tprénom\tdate de naissance\tmotif",
        "enseignant\tMARTIN\tAnne\t\taucun compte de l'ENT ne correspond (nom, prénom, date de naissance)",
        "élève\tDURAND X\tLéo\t2012-05-06\tplusieurs comptes de l'ENT correspondent",
    ]


def test_unmatched_text_before_the_reconciliation_is_409() -> None:
    world = ApiWorld()
    _record(world, IMPORT_ID, minutes=0, status=ImportStatus.QUEUED)
    status, body, _ = world.call("GET", f"{IMPORTS}/{IMPORT_ID}/unmatched.txt", claims=ADMIN)
    assert (status, body["code"]) == (409, "not_reconciled")


def test_unmatched_text_of_an_unknown_import_is_404() -> None:
    status, body, _ = ApiWorld().call("GET", f"{IMPORTS}/{IMPORT_ID}/unmatched.txt", claims=ADMIN)
    assert (status, body["code"]) == (404, "not_found")


# --- failures ----------------------------------------------------------------------------------------------------
def test_an_unexpected_failure_is_a_500_with_the_error_shape_and_no_detail() -> None:
    world = ApiWorld()

    def broken(uai: str, *, limit: int, before: object = None) -> list[ImportRecord]:
        raise RuntimeError("table gone: secret detail")

    world.history.newest = broken  # type: ignore[method-assign]
    status, body, _ = world.call("GET", IMPORTS, claims=ADMIN)
    assert (status, body["code"]) == (500, "internal_error")
    assert "secret" not in body["message"]
