"""An administrator's answers to what an import reported, over HTTP on the local stack (``edt-import serve`` in
this process): approving an import the deletion guard held, and confirming Pronote re-keyings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from local_front.session import LocalSession, SessionOptions
from msgspec import Struct

from edt_import.cli.main import main
from edt_import.domain.export_reader import read_export
from edt_import.domain.plan import ActionType
from edt_import.domain.private_key import load_private_key
from edt_import.generator.establishment import Size
from edt_import.generator.files import write_establishment
from tests.support.admin_http import AdminClient
from tests.support.wizard_exports import resealed_export

NOW = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)  # late in the generated year: small plans


class School(Struct, frozen=True):
    admin: AdminClient
    export: bytes
    key: Path

    def reinstalled(self, teachers: int) -> bytes:
        """The export after a Pronote reinstallation: ``teachers`` teachers with new IDPNs."""
        return resealed_export(self.export, opened_with=self.key, sealed_for=self.key, rekeyed_teachers=teachers)


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Iterator[School]:
    files = write_establishment(tmp_path_factory.mktemp("school"), Size.COLLEGE, seed=37)
    export = files["export"].read_bytes()
    uai = read_export(export, private_key=load_private_key(files["key"].read_bytes())).timetable.uai
    data_dir = tmp_path_factory.mktemp("edt-local")
    with LocalSession(SessionOptions(data_dir=data_dir, now=NOW)) as session:
        args = ["--key", str(files["key"]), "--directory", str(files["directory"]), "--data-dir", str(data_dir)]
        assert main(["establishment", "add", uai, *args]) == 0
        admin = AdminClient(base_url=session.url, uai=uai, token=session.token([uai]))
        yield School(admin=admin, export=export, key=files["key"])


def test_serve_held_import_approved_over_http_applies_exactly_the_deletions_it_showed(school: School) -> None:
    # Given the school imported whole, then a manual import keeping one subject only: held by the deletion guard
    admin = school.admin
    assert admin.imported(school.export)["status"] == "done"
    import_id = admin.at_wizard(school.export)
    admin.keep_one_subject(import_id)
    held = admin.launch(import_id)
    assert held["status"] == "held"
    hold = held["plan"]["hold"]
    assert "courses_deletions_above_threshold" in held["plan"]["hold_reasons"]
    assert hold["deleted_courses_count"] == len(hold["deleted_courses"]) > 0
    # When approved with a code it does not show, then with the one it shows
    wrong = admin.call("POST", f"/{import_id}/approve", body={"code": "0123456789ab"})
    assert (wrong.status, wrong.json()["code"]) == (409, "approval_mismatch")
    approved = admin.call("POST", f"/{import_id}/approve", body={"code": hold["approval"]})
    assert (approved.status, approved.json()["status"], approved.json()["attempt"]) == (202, "queued", 2)
    # Then it runs again without a wizard and is done, having deleted the courses it showed
    done = admin.wait_for(import_id, {"done", "done_with_errors", "failed", "held"})
    assert (done["status"], done["attempt"]) == ("done", 2)
    assert done["sync"]["by_type"][ActionType.DELETE_COURSE]["succeeded"] == hold["deleted_courses_count"]
    assert done["sync"]["failed"] == 0
    # And it is not held any more
    again = admin.call("POST", f"/{import_id}/approve")
    assert (again.status, again.json()["code"]) == (409, "import_not_held")


def test_serve_rekeying_confirmed_over_http_is_not_asked_again(school: School) -> None:
    # Given the school imported whole, then its export after a Pronote reinstallation: two teachers with new IDPNs
    admin = school.admin
    assert admin.imported(school.export)["status"] in {"done", "done_with_errors"}
    import_id = admin.at_wizard(school.reinstalled(teachers=2))
    assert admin.detail(import_id)["rekey"] == {"count": 2, "confirmed": False}
    users = admin.call("GET", f"/{import_id}/selection").json()["users"]
    assert [(u["role"], u["matched"]) for u in users if u["rekey"]] == [("teacher", True)] * 2
    # When the administrator confirms the re-keying, then launches
    confirmed = admin.call("POST", f"/{import_id}/confirm-rekey")
    assert (confirmed.status, confirmed.json()) == (200, {"confirmed": 2})
    assert admin.detail(import_id)["rekey"] == {"count": 2, "confirmed": True}
    assert admin.launch(import_id)["status"] == "done"
    # Then the next import of the same export knows the teachers by their new ids: nothing to confirm
    next_id = admin.at_wizard(school.reinstalled(teachers=2))
    assert admin.detail(next_id)["rekey"] is None
    nothing = admin.call("POST", f"/{next_id}/confirm-rekey")
    assert (nothing.status, nothing.json()["code"]) == (409, "no_rekey_to_confirm")
    assert admin.launch(next_id)["status"] == "done"
