"""template.yaml and the state machine definition, checked without deploying: lint, layout, settings, security."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.api import lint_file
from cfnlint.decode.cfn_yaml import load
from moto import mock_aws

from edt_import.domain.errors import ConcurrentUpdateError, StatusMovedOnError
from edt_import.usecases.pipeline import settings as function_settings
from edt_import.usecases.pipeline.finalize import failure_from

ROOT = Path(__file__).resolve().parents[2]
ASL = ROOT / "infra" / "statemachine" / "import.asl.json"
SETTINGS: dict[str, type[function_settings.FunctionSettings]] = {
    "DecryptFunction": function_settings.IngestSettings,
    "ParseFunction": function_settings.ParseSettings,
    "ReconcileFunction": function_settings.ReconcileSettings,
    "PlanFunction": function_settings.PlanSettings,
    "SyncFunction": function_settings.SyncSettings,
    "FinalizeFunction": function_settings.FinalizeSettings,
    "RecordFailureFunction": function_settings.FinalizeSettings,
    "AutoImportFunction": function_settings.AutoImportSettings,
    "ApiFunction": function_settings.ApiSettings,
    "AutoImportSchedulerFunction": function_settings.AutoImportSchedulerSettings,
    "PrepareSelectionFunction": function_settings.PrepareSelectionSettings,
    "AwaitSelectionFunction": function_settings.AwaitSelectionSettings,
    "ExpireUploadsFunction": function_settings.UploadExpirySettings,
}


@pytest.fixture(scope="module")
def template() -> Any:
    return load(str(ROOT / "template.yaml"))


def _of_type(template: Any, resource_type: str) -> dict[str, Any]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == resource_type}


def test_template_is_cfn_lint_clean() -> None:
    assert [str(match) for match in lint_file(ROOT / "template.yaml")] == []


def test_template_every_function_has_its_folder_and_handler_and_every_folder_a_function(template: Any) -> None:
    functions = _of_type(template, "AWS::Serverless::Function")
    folders = {p.parent.name for p in (ROOT / "functions").glob("*/app.py")}
    assert {Path(f["Properties"]["CodeUri"]).name for f in functions.values()} == folders
    for function in functions.values():
        source = (ROOT / function["Properties"]["CodeUri"] / "app.py").read_text(encoding="utf-8")
        assert function["Properties"]["Handler"] == "app.lambda_handler"
        (handler,) = [
            n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == "lambda_handler"
        ]
        assert (handler.end_lineno or 0) - handler.lineno <= 40  # glue only


def test_template_each_function_environment_holds_every_setting_it_reads(template: Any) -> None:
    shared = set(template["Globals"]["Function"]["Environment"]["Variables"])
    functions = _of_type(template, "AWS::Serverless::Function")
    assert set(SETTINGS) == set(functions)
    for name, model in SETTINGS.items():
        own = set(functions[name]["Properties"].get("Environment", {}).get("Variables", {}))
        assert set(model.model_fields) <= shared | own, name


def test_template_grants_no_wildcard_resource(template: Any) -> None:
    text = json.dumps(template)
    assert '"Resource": "*"' not in text
    assert "AdministratorAccess" not in text


def test_template_buckets_are_encrypted_private_and_tls_only(template: Any) -> None:
    buckets = _of_type(template, "AWS::S3::Bucket")
    policies = {p["Properties"]["Bucket"]["Ref"]: p for p in _of_type(template, "AWS::S3::BucketPolicy").values()}
    for name, bucket in buckets.items():
        properties = bucket["Properties"]
        assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"], name
        assert all(properties["PublicAccessBlockConfiguration"].values()), name
        assert properties["LifecycleConfiguration"]["Rules"], name
        statements = policies[name]["Properties"]["PolicyDocument"]["Statement"]
        (statement,) = [s for s in statements if s["Effect"] == "Deny"]
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert all(s["Principal"] != "*" for s in statements if s["Effect"] == "Allow"), name


def test_template_working_data_expires_and_uploads_expire_within_a_day(template: Any) -> None:
    work = {
        r["Prefix"]: r for r in template["Resources"]["WorkBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    }
    uploads = template["Resources"]["UploadsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert work["imports/"]["ExpirationInDays"] <= 7
    assert "ExpirationInDays" not in work["state/"]
    assert uploads[0]["ExpirationInDays"] == 1


def test_template_tables_are_on_demand_recoverable_and_encrypted(template: Any) -> None:
    for name, table in _of_type(template, "AWS::DynamoDB::Table").items():
        properties = table["Properties"]
        assert properties["BillingMode"] == "PAY_PER_REQUEST", name
        assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], name
        assert properties["SSESpecification"]["SSEEnabled"], name


def test_template_automatic_imports_have_a_dead_letter_queue_an_alarm_and_a_long_visibility(template: Any) -> None:
    resources = template["Resources"]
    queue = resources["AutoImportQueue"]["Properties"]
    consumer = resources["AutoImportFunction"]["Properties"]
    timeout = consumer.get("Timeout", template["Globals"]["Function"]["Timeout"])
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["AutoImportDeadLetterQueue", "Arn"]}
    assert queue["VisibilityTimeout"] >= 6 * timeout
    assert consumer["Events"]["Slot"]["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    alarmed = {json.dumps(a["Properties"]["Dimensions"]) for a in _of_type(template, "AWS::CloudWatch::Alarm").values()}
    assert any("AutoImportDeadLetterQueue" in d for d in alarmed)
    assert any("ImportStateMachine" in d for d in alarmed)


def test_template_no_function_exceeds_five_minutes_or_1024_mb(template: Any) -> None:
    defaults = template["Globals"]["Function"]
    for name, function in _of_type(template, "AWS::Serverless::Function").items():
        properties = function["Properties"]
        assert properties.get("Timeout", defaults["Timeout"]) <= 300, name
        assert properties.get("MemorySize", defaults["MemorySize"]) <= 1024, name


def _definition(template: Any) -> str:
    """The ASL with its substitutions filled as CloudFormation fills them (ARNs, numbers)."""
    machine = template["Resources"]["ImportStateMachine"]["Properties"]
    text = ASL.read_text(encoding="utf-8")
    parameters = template["Parameters"]
    for key, value in machine["DefinitionSubstitutions"].items():
        if "Fn::GetAtt" in value:
            filled = f"arn:aws:lambda:eu-west-3:123456789012:function:{value['Fn::GetAtt'][0]}"
        else:
            filled = str(parameters[value["Ref"]]["Default"])
        text = text.replace("${" + key + "}", filled)
    assert not re.search(r"\$\{\w+\}", text), "a substitution is missing from DefinitionSubstitutions"
    return text


def test_state_machine_definition_is_accepted_by_the_executing_backend(template: Any) -> None:
    # Given the definition with its substitutions / When moto's executing Step Functions parses it
    definition = _definition(template)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        iam = boto3.client("iam", region_name="eu-west-3")
        role = iam.create_role(RoleName="sfn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        client = boto3.client("stepfunctions", region_name="eu-west-3")
        created = client.create_state_machine(name="import", definition=definition, roleArn=role)
        # Then it is created (malformed ASL is refused at creation)
        assert created["stateMachineArn"].endswith(":import")


def test_state_machine_every_task_retries_and_ends_in_the_failure_step(template: Any) -> None:
    states = json.loads(_definition(template))["States"]
    tasks = {name: s for name, s in states.items() if s["Type"] == "Task"}
    assert set(tasks) == {
        "Parse",
        "Reconcile",
        "PrepareSelection",
        "AwaitSelection",
        "Plan",
        "SyncYearNode",
        "Finalize",
        "RecordFailure",
    }
    for name, task in tasks.items():
        assert task["Retry"], name
        # A step losing the race for the import record to an administrator's write reads it again and goes on
        assert any({"ConcurrentUpdateError", "States.ALL"} & set(r["ErrorEquals"]) for r in task["Retry"]), name
        if name != "RecordFailure":
            assert task["Catch"][-1] == {
                "ErrorEquals": ["States.ALL"],
                "ResultPath": "$.error",
                "Next": "RecordFailure",
            }
    chunk = states["SyncChunks"]["ItemProcessor"]["States"]["SyncChunk"]
    assert chunk["Retry"][0]["ErrorEquals"] == ["LmsUnavailableError"]
    assert states["SyncChunks"]["MaxConcurrency"] == int(template["Parameters"]["SyncConcurrency"]["Default"])
    assert states["RecordFailure"]["Next"] == "ImportFailed"


def test_state_machine_retries_a_lost_race_by_its_class_name_but_never_an_import_that_moved_on(template: Any) -> None:
    # Given every retry of the state machine, its Map's inner steps included
    definition = _definition(template)
    retried = {error for retry in _retries(json.loads(definition)) for error in retry["ErrorEquals"]}
    # Then a lost race is retried by the name the Lambda runtime reports it under; a moved-on status, by its own
    # name, is not (reading again only finds the same), nor is it a lost race to Python's ``except``
    assert ConcurrentUpdateError.__name__ in retried
    assert StatusMovedOnError.__name__ not in retried
    assert not issubclass(StatusMovedOnError, ConcurrentUpdateError)


def _retries(node: Any) -> list[Any]:
    if isinstance(node, list):
        return [retry for item in node for retry in _retries(item)]
    if not isinstance(node, dict):
        return []
    own = list(node.get("Retry", []))
    return own + [retry for key, value in node.items() if key != "Retry" for retry in _retries(value)]


def test_state_machine_manual_import_waits_on_a_task_token_with_a_timeout_after_reconciling(template: Any) -> None:
    states = json.loads(_definition(template))["States"]
    # Reconcile -> PrepareSelection -> (wait?) AwaitSelection -> Plan, or straight to Plan
    assert states["Reconcile"]["Next"] == "PrepareSelection"
    assert states["NeedsSelection"]["Choices"][0]["Next"] == "AwaitSelection"
    assert states["NeedsSelection"]["Default"] == "Plan"
    wait = states["AwaitSelection"]
    assert wait["Resource"] == "arn:aws:states:::lambda:invoke.waitForTaskToken"
    assert wait["Parameters"]["Payload"]["task_token.$"] == "$$.Task.Token"
    assert wait["Next"] == "Plan"
    assert wait["TimeoutSeconds"] == int(template["Parameters"]["SelectionTimeoutSeconds"]["Default"])
    # An abandoned wizard ends as failed with its own code, through the failure step (which frees the turn)
    assert wait["Catch"][0] == {"ErrorEquals": ["States.Timeout"], "ResultPath": None, "Next": "SelectionTimedOut"}
    timed_out = states["SelectionTimedOut"]
    assert timed_out["Next"] == "RecordFailure"
    failure = failure_from(timed_out["Result"])
    assert failure.code == "selection_timeout"
