"""Each function's DynamoDB and S3 rights in template.yaml against the calls it really makes: one establishment's
life on the local stack (``edt-import serve`` in this process, its clock moved by hand) with every DynamoDB and S3
call recorded as the function making it. A manual import to done, one failing in its sync after a re-keying, a held
one approved, an automatic one through the scheduler and the queue, the auto-import settings saved, an import whose
export never came expired, a stray object in the uploads bucket. Every call must be allowed by its function's
statements; the DynamoDB rights no function needs by default (delete, batch write, scan) must each be used, and so
must each S3 right on each bucket or key prefix it names, but for the few paths this life does not take (listed)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from local_front.session import LocalSession
from local_stack.stack import LocalStack
from msgspec import Struct

from itslearning_standin.server import SANDBOX_PASSWORD, SANDBOX_USERNAME
from tests.support.admin_http import OVER, AdminClient
from tests.support.iam_rights import AwsCall, Grant, iam_matches, recorded_calls, service_grants
from tests.support.session_school import session_school
from tests.support.wizard_exports import resealed_export

MONDAY_0600_PARIS = datetime(2027, 5, 3, 4, 0, tzinfo=UTC)  # late in the generated year: small plans
WRONG_PASSWORD = "not-the-sandbox-one"  # noqa: S105 - itslearning refuses it
RARE_ACTIONS = ("dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:Scan")
SERVICES = ("dynamodb", "s3")
# The S3 rights this life does not use, each held for a path it does not take (bucket logical id, then the key
# pattern): kept exact, so that a right the run comes to use leaves the list and an unused one cannot join silently.
S3_PATHS_NOT_TAKEN = {
    ("DecryptFunction", "s3:DeleteObject", "WorkBucket/imports/*/timetable.xml"): "a superseded automatic export",
    ("DecryptFunction", "s3:ListBucket", "UploadsBucket"): "an upload gone before its check (a redelivery)",
    ("ParseFunction", "s3:ListBucket", "WorkBucket"): "a plaintext expired before its parse",
    ("PlanFunction", "s3:DeleteObject", "WorkBucket/imports/*/chunks/*"): "a plan made again",
    ("PlanFunction", "s3:DeleteObject", "WorkBucket/imports/*/results/*"): "a plan made again",
    ("RecordFailureFunction", "s3:ListBucket", "WorkBucket"): "a chunk never run, without a result",
    ("AutoImportSchedulerFunction", "s3:DeleteObject", "WorkBucket/imports/*/timetable.xml"): "switched off",
}


class Rights(Struct, frozen=True, kw_only=True):
    calls: list[AwsCall]  # each distinct call made, in order
    grants: dict[str, list[Grant]]  # each service's statements
    buckets: dict[str, str]  # bucket ARN -> its logical id


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
def rights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rights]:
    with session_school(tmp_path_factory, seed=43, now=MONDAY_0600_PARIS) as school:
        assert school.session.stack is not None
        assert school.session.stack.template is not None
        template = school.session.stack.template
        functions = {template.refs[name]: name for name in template.of_type("AWS::Serverless::Function")}
        with recorded_calls(functions) as calls:
            _establishment_life(school.session, school.uai, school.export, school.key)
        yield Rights(
            calls=sorted(set(calls)),
            grants={service: service_grants(template, service) for service in SERVICES},
            buckets={template.attributes[(name, "Arn")]: name for name in template.of_type("AWS::S3::Bucket")},
        )


def _functions(items: list[Any]) -> set[str]:
    return {item.function for item in items}


@pytest.mark.parametrize("service", SERVICES)
def test_every_call_of_a_function_is_allowed_by_its_statements(rights: Rights, service: str) -> None:
    # Given the calls each function made to the service through the establishment's life, and its statements
    made = [call for call in rights.calls if call.action.startswith(f"{service}:")]
    grants = rights.grants[service]
    # Then each call is allowed by one of its function's statements
    assert [call for call in made if not any(grant.allows(call) for grant in grants)] == []


def test_every_function_holding_dynamodb_rights_made_dynamodb_calls(rights: Rights) -> None:
    # Given the DynamoDB calls made / Then every function holding DynamoDB rights made some (the run exercised it)
    made = [call for call in rights.calls if call.action.startswith("dynamodb:")]
    assert _functions(made) == _functions(rights.grants["dynamodb"])


def test_no_function_holds_a_delete_scan_or_batch_write_right_it_did_not_use(rights: Rights) -> None:
    # Given the calls made and the DynamoDB statements held
    # When listing each statement's rare actions on each of its resources
    held = {
        (grant.function, action, resource)
        for grant in rights.grants["dynamodb"]
        for action in RARE_ACTIONS
        for resource in grant.resources
        if any(action == granted for granted in grant.actions)
    }
    # Then none is held unless a call used it on that very resource
    assert held <= {(c.function, c.action, c.resource) for c in rights.calls}


def _in_bucket_terms(resource: str, buckets: dict[str, str]) -> str:
    """``arn:aws:s3:::<work bucket>/imports/*`` as ``WorkBucket/imports/*``."""
    bucket, _, key = resource.partition("/")
    return f"{buckets[bucket]}/{key}" if key else buckets[bucket]


def test_each_s3_right_is_used_on_each_bucket_and_prefix_but_on_paths_the_life_does_not_take(rights: Rights) -> None:
    # Given the calls made and the S3 statements held, each granted action paired with each resource it names
    held = [
        (grant.function, action, resource)
        for grant in rights.grants["s3"]
        for action in grant.actions
        for resource in grant.resources
    ]
    # When keeping the pairs no call of that function used
    unused = {
        (function, action, _in_bucket_terms(resource, rights.buckets))
        for function, action, resource in held
        if not any(
            call.function == function
            and iam_matches(action, call.action, case_sensitive=False)
            and iam_matches(resource, call.resource)
            for call in rights.calls
        )
    }
    # Then they are exactly the rights held for the paths this life does not take
    assert unused == set(S3_PATHS_NOT_TAKEN)


def test_no_action_is_granted_by_a_wildcard(rights: Rights) -> None:
    # Given every DynamoDB and S3 statement / Then each names its actions one by one
    assert [g for service in SERVICES for g in rights.grants[service] if any("*" in a for a in g.actions)] == []
