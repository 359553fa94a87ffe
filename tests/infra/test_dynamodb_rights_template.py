"""Each function's DynamoDB rights in template.yaml, read statically: explicit statements only (a SAM policy
template grants a fixed set, Scan included), never a scan or a wildcard action. Which actions each one needs is
measured on the local stack (tests/e2e/test_dynamodb_rights_local_stack.py)."""

from __future__ import annotations

from local_stack.template import Template, load_template

from tests.support.dynamodb_rights import dynamodb_policy_templates

PSEUDO = {"AWS::StackName": "edt-import", "AWS::Region": "eu-west-3", "AWS::AccountId": "123456789012"}


def _template() -> Template:
    return load_template({}, PSEUDO)


def _dynamodb_actions() -> dict[str, set[str]]:
    actions: dict[str, set[str]] = {}
    for function, resource in _template().of_type("AWS::Serverless::Function").items():
        for policy in resource["Properties"].get("Policies", []):
            for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
                listed = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                actions.setdefault(function, set()).update(a for a in listed if a.startswith("dynamodb:"))
    return actions


def test_no_function_holds_a_dynamodb_policy_template() -> None:
    # Given the template's functions / When listing the SAM policy templates on DynamoDB tables they hold
    # Then there are none: each function's rights are statements naming its actions
    assert dynamodb_policy_templates(_template()) == {}


def test_no_function_may_scan_a_table_or_hold_a_wildcard_dynamodb_action() -> None:
    # Given every DynamoDB action a function's statements grant
    granted = _dynamodb_actions()
    # Then every function has some (each reads an import's record at least), and none may scan (sparse indexes
    # exist so that nothing scans) or holds an action by a pattern
    assert {f for f, a in granted.items() if a} == set(_template().of_type("AWS::Serverless::Function"))
    assert {f: a for f, a in granted.items() if "dynamodb:Scan" in a or any("*" in x for x in a)} == {}
