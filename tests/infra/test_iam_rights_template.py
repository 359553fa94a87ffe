"""Each function's DynamoDB and S3 rights in template.yaml, read statically: explicit statements only (a SAM policy
template grants a fixed set: Scan on a table, every object of a bucket), never a scan, never a wildcard action.
Which actions each one needs is measured on the local stack (tests/e2e/test_iam_rights_local_stack.py)."""

from __future__ import annotations

from typing import Any

import pytest
from local_stack.template import Template, load_template

from tests.support.iam_rights import (
    DYNAMODB_POLICY_TEMPLATES,
    S3_POLICY_TEMPLATES,
    Grant,
    function_statements,
    granted_actions,
    policy_templates,
    service_grants,
)

PSEUDO = {
    "AWS::StackName": "edt-import",
    "AWS::Region": "eu-west-3",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
}


def _template() -> Template:
    return load_template({}, PSEUDO)


def _resolvable(template: Template) -> Template:
    """The template with its buckets' and tables' ARNs as CloudFormation gives them (a bucket's own name, or a
    generated one)."""
    for bucket, resource in template.of_type("AWS::S3::Bucket").items():
        name = str(template.resolve(resource["Properties"].get("BucketName", f"edt-import-{bucket.lower()}-a1b2")))
        template.refs[bucket] = name
        template.attributes[(bucket, "Arn")] = f"arn:aws:s3:::{name}"
    for table in template.of_type("AWS::DynamoDB::Table"):
        template.attributes[(table, "Arn")] = f"arn:aws:dynamodb:eu-west-3:123456789012:table/{table}"
    return template


def test_no_function_holds_a_dynamodb_or_s3_policy_template() -> None:
    # Given the template's functions / When listing the SAM policy templates on tables and buckets they hold
    # Then there are none: each function's rights are statements naming its actions
    assert policy_templates(_template(), DYNAMODB_POLICY_TEMPLATES | S3_POLICY_TEMPLATES) == {}


def test_no_function_may_scan_a_table_or_hold_a_wildcard_dynamodb_action() -> None:
    # Given every DynamoDB action a function's statements grant
    granted = {
        f: {a for a in actions if a.startswith("dynamodb:")} for f, actions in granted_actions(_template()).items()
    }
    # Then every function has some (each reads an import's record at least), and none may scan (sparse indexes
    # exist so that nothing scans) or holds an action by a pattern
    assert {f for f, a in granted.items() if a} == set(_template().of_type("AWS::Serverless::Function"))
    assert {f: a for f, a in granted.items() if "dynamodb:Scan" in a or any("*" in x for x in a)} == {}


def test_no_statement_grants_every_action_or_a_pattern_of_s3_actions() -> None:
    # Given every action of every function's statements
    granted = granted_actions(_template())
    # Then none is s3:* (nor *), and no S3 action is a pattern
    s3_patterns = {
        f: {a for a in actions if a == "*" or (a.lower().startswith("s3:") and "*" in a)}
        for f, actions in granted.items()
    }
    assert {f: a for f, a in s3_patterns.items() if a} == {}


def test_s3_rights_name_a_bucket_of_the_stack_or_a_key_prefix_in_it() -> None:
    # Given every S3 statement, its buckets resolved
    template = _resolvable(_template())
    buckets = {template.attributes[(b, "Arn")] for b in template.of_type("AWS::S3::Bucket")}
    resources = {r for grant in service_grants(template, "s3") for r in grant.resources}
    # Then each resource is one of the two buckets, or objects under a named prefix of one (never every object)
    outside = {
        r for r in resources if r not in buckets and not any(r.startswith(f"{b}/") and r != f"{b}/*" for b in buckets)
    }
    assert outside == set()


def test_steps_ending_an_import_hold_the_same_rights_written_once() -> None:
    # Given the two steps that end an import (done or failed) / When reading their statements
    template = _template()
    statements = function_statements(template)
    policies = {
        f: template.resources[f]["Properties"]["Policies"] for f in ("FinalizeFunction", "RecordFailureFunction")
    }
    # Then they hold the same DynamoDB and S3 rights, from one managed policy, none written in either function
    assert statements["FinalizeFunction"] == statements["RecordFailureFunction"]
    assert {a.split(":")[0] for a in granted_actions(template)["FinalizeFunction"]} == {"dynamodb", "s3"}
    assert [p for ps in policies.values() for p in ps if "Statement" in p] == []


def _one_function(policies: list[Any], **resources: dict[str, Any]) -> Template:
    function = {"Type": "AWS::Serverless::Function", "Properties": {"Policies": policies}}
    return Template(resources={"F": function, **resources}, parameters={}, globals_env={}, pseudo={})


def _managed(**properties: Any) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": "arn:aws:dynamodb:::table/t"}
    return {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {"PolicyDocument": {"Statement": [statement]}, **properties},
    }


def test_rights_reader_counts_a_managed_policy_a_function_names() -> None:
    # Given a function naming a managed policy of the template / When reading its grants
    template = _one_function([{"Ref": "P"}], P=_managed())
    # Then the policy's statements are the function's
    assert service_grants(template, "dynamodb") == [
        Grant(function="F", actions=("dynamodb:GetItem",), resources=("arn:aws:dynamodb:::table/t",))
    ]


@pytest.mark.parametrize(
    ("policies", "resources"),
    [
        (["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"], {}),  # a policy by name or ARN
        ([{"Ref": "T"}], {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {}}}),  # not a policy
        ([], {"P": _managed(Roles=["role"])}),  # attached to a role, not through Policies
    ],
    ids=["by-arn", "ref-to-a-table", "attached-to-a-role"],
)
def test_rights_reader_refuses_rights_it_cannot_see(policies: list[Any], resources: dict[str, Any]) -> None:
    # Given rights given in a way the reader does not read / When reading them / Then it fails rather than miss them
    with pytest.raises(AssertionError, match=r"teach the reader|not a managed policy"):
        function_statements(_one_function(policies, **resources))
