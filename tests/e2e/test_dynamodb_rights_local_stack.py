"""Each function's DynamoDB rights in template.yaml against the calls it really makes: one establishment's life on
the local stack (``edt-import serve`` in this process, its clock moved by hand) with every DynamoDB call recorded
as the function making it. A manual import to done, one failing in its sync after a re-keying, a held one
approved, an automatic one through the scheduler and the queue, the auto-import settings saved, an import whose
export never came expired, a stray object in the uploads bucket. Every call must be allowed by its function's
statements, and the rights no function needs by default (delete, batch write, scan) must each be used."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from local_front.session import LocalSession
from local_stack.stack import LocalStack

from itslearning_standin.server import SANDBOX_PASSWORD, SANDBOX_USERNAME
from tests.support.admin_http import OVER, AdminClient
from tests.support.dynamodb_rights import DynamoCall, Grant, dynamodb_grants, recorded_dynamodb_calls
from tests.support.session_school import session_school
from tests.support.wizard_exports import resealed_export

MONDAY_0600_PARIS = datetime(2027, 5, 3, 4, 0, tzinfo=UTC)  # late in the generated year: small plans
WRONG_PASSWORD = "not-the-sandbox-one"  # noqa: S105 - itslearning refuses it
RARE_ACTIONS = ("dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:Scan")


def _as(session: LocalSession, uai: str, role: str = "admin") -> AdminClient:
    """A client whose token is minted at the stack's clock (tokens expire as it moves)."""
    return AdminClient(base_url=session.url, uai=uai, token=session.token([uai], role=role))


def _at(stack: LocalStack, when: datetime) -> None:
    stack.set_now(when)
    stack.tick()  # EventBridge's part: the scheduler and the upload expiry


def _sent(client: AdminClient, export: bytes, *, kind: str) -> str:
    created = client.call("POST", body={"kind": kind})
    assert created.status == 201, created.text
    form = created.json()["upload"]
    assert LocalStack.post_form(form["url"], form["fields"], export) in {200, 201, 204}
    return str(created.json()["import_id"])


def _establishment_life(session: LocalSession, uai: str, export: bytes, key: Path) -> None:
    stack, standin = session.stack, session.standin
    assert stack is not None
    assert standin is not None
    admin = _as(session, uai)
    # A manual import through the wizard, one subject left out, to done
    first = admin.at_wizard(export)
    subjects = sorted(s["code"] for s in admin.call("GET", f"/{first}/selection").json()["subjects"])
    assert admin.call("PUT", f"/{first}/selection", body={"disabled": {"subjects": subjects[-1:]}}).status == 200
    assert admin.launch(first)["status"] == "done"
    # After a Pronote reinstallation (two teachers re-keyed, confirmed), every subject selected, and itslearning
    # refusing the credentials once the plan is made: the import fails in its sync, and the failure step keeps
    # the teachers' new Pronote ids
    reinstalled = resealed_export(export, opened_with=key, sealed_for=key, rekeyed_teachers=2)
    failing = admin.at_wizard(reinstalled)
    assert admin.call("POST", f"/{failing}/confirm-rekey").status == 200
    assert admin.call("PUT", f"/{failing}/selection", body={"disabled": {"subjects": []}}).status == 200
    stack.configure_itslearning(url=standin.base_url, username=SANDBOX_USERNAME, password=WRONG_PASSWORD)
    failed = admin.launch(failing)
    assert (failed["status"], failed["error"]["code"]) == ("failed", "lms_protocol_error")
    stack.configure_itslearning(url=standin.base_url, username=SANDBOX_USERNAME, password=SANDBOX_PASSWORD)
    # One keeping a single subject, held by the deletion guard and approved
    held_id = admin.at_wizard(reinstalled)
    admin.keep_one_subject(held_id)
    held = admin.launch(held_id)
    assert held["status"] == "held"
    approved = admin.call("POST", f"/{held_id}/approve", body={"code": held["plan"]["hold"]["approval"]})
    assert approved.status == 202, approved.text
    assert admin.wait_for(held_id, OVER)["status"] == "done"
    # The automatic-import settings read and saved again
    settings_path = f"/establishments/{uai}/auto-import"
    shown = admin.call("GET", settings_path).json()
    settings = {name: shown[name] for name in ("enabled", "first_run", "interval_hours", "max_per_day")}
    assert admin.call("PUT", settings_path, body=settings).status == 200
    # An automatic export at 07:00, imported on its 08:00 slot
    _at(stack, MONDAY_0600_PARIS + timedelta(hours=1))
    automatic = _sent(_as(session, uai, role="machine"), reinstalled, kind="automatic")
    _at(stack, MONDAY_0600_PARIS + timedelta(hours=2))
    assert _as(session, uai).wait_for(automatic, OVER)["status"] == "done"
    # An import whose export never comes, expired by the sweep after its upload deadline
    forgotten = _as(session, uai).call("POST", body={"kind": "manual"}).json()["import_id"]
    _at(stack, MONDAY_0600_PARIS + timedelta(hours=3))
    assert _as(session, uai).detail(forgotten)["status"] == "expired"
    # An object outside the import layout in the uploads bucket: the upload step fails on it
    stack.client("s3").put_object(Bucket=stack.ref("UploadsBucket"), Key="uploads/stray.xml", Body=b"<x/>")


@pytest.fixture(scope="module")
def rights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[DynamoCall], list[Grant]]]:
    with session_school(tmp_path_factory, seed=43, now=MONDAY_0600_PARIS) as school:
        assert school.session.stack is not None
        assert school.session.stack.template is not None
        template = school.session.stack.template
        functions = {template.refs[name]: name for name in template.of_type("AWS::Serverless::Function")}
        with recorded_dynamodb_calls(functions) as calls:
            _establishment_life(school.session, school.uai, school.export, school.key)
        yield sorted(set(calls)), dynamodb_grants(template)


def _functions(items: list[Any]) -> set[str]:
    return {item.function for item in items}


def test_every_dynamodb_call_of_a_function_is_allowed_by_its_statements(
    rights: tuple[list[DynamoCall], list[Grant]],
) -> None:
    # Given the calls each function made through the establishment's life, and the statements it holds
    calls, grants = rights
    # Then every function holding DynamoDB rights made calls (the run exercised it)
    assert _functions(calls) == _functions(grants)
    # And each call is allowed by one of its function's statements
    assert [call for call in calls if not any(grant.allows(call) for grant in grants)] == []


def test_no_function_holds_a_delete_scan_or_batch_write_right_it_did_not_use(
    rights: tuple[list[DynamoCall], list[Grant]],
) -> None:
    # Given the calls made and the statements held
    calls, grants = rights
    # When listing each statement's rare actions on each of its resources
    held = {
        (grant.function, action, resource)
        for grant in grants
        for action in RARE_ACTIONS
        for resource in grant.resources
        if any(action == granted for granted in grant.actions)
    }
    wildcards = [grant for grant in grants if any("*" in action for action in grant.actions)]
    # Then none is held unless a call used it on that very resource, and no action is granted by a wildcard
    assert held <= {(c.function, c.action, c.resource) for c in calls}
    assert wildcards == []
