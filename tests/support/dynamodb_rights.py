"""DynamoDB rights, granted and used: the IAM actions template.yaml's statements give each function on which
resources, and the recorder of the DynamoDB calls each function makes on the local stack (as the IAM action and
the table or index ARN its role must allow)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from fnmatch import fnmatchcase
from typing import Any

from botocore.client import BaseClient
from local_stack.lambdas import running_function
from local_stack.stack import ACCOUNT
from local_stack.template import Template
from msgspec import Struct

DYNAMODB_POLICY_TEMPLATES = frozenset({"DynamoDBCrudPolicy", "DynamoDBReadPolicy", "DynamoDBWritePolicy"})


class DynamoCall(Struct, frozen=True, order=True):
    function: str  # the logical id in template.yaml
    action: str  # the IAM action: dynamodb:GetItem
    resource: str  # the ARN the action is authorised on: the table's, or its index's for a query of an index


class Grant(Struct, frozen=True):
    function: str
    actions: tuple[str, ...]  # as written: dynamodb:Query, or a pattern
    resources: tuple[str, ...]  # resolved to the local stack's ARNs; may end in a wildcard (index/*)

    def allows(self, call: DynamoCall) -> bool:
        return (
            call.function == self.function
            and any(fnmatchcase(call.action, action) for action in self.actions)
            and any(fnmatchcase(call.resource, resource) for resource in self.resources)
        )


def dynamodb_grants(template: Template) -> list[Grant]:
    """Every Allow statement of every function naming a DynamoDB action, its resources resolved."""
    grants = []
    for function, resource in template.of_type("AWS::Serverless::Function").items():
        for policy in resource["Properties"].get("Policies", []):
            for statement in policy.get("Statement", []) if isinstance(policy, Mapping) else []:
                actions = _listed(statement["Action"])
                if statement["Effect"] == "Allow" and any(a.startswith("dynamodb:") for a in actions):
                    resources = tuple(str(r) for r in _listed(template.resolve(statement["Resource"])))
                    grants.append(Grant(function=function, actions=actions, resources=resources))
    return grants


def dynamodb_policy_templates(template: Template) -> dict[str, list[str]]:
    """The SAM policy templates on DynamoDB tables each function holds (each grants a fixed set, Scan included)."""
    held: dict[str, list[str]] = {}
    for function, resource in template.of_type("AWS::Serverless::Function").items():
        for policy in resource["Properties"].get("Policies", []):
            names = sorted(DYNAMODB_POLICY_TEMPLATES & set(policy)) if isinstance(policy, Mapping) else []
            if names:
                held.setdefault(function, []).extend(names)
    return held


@contextmanager
def recorded_dynamodb_calls(function_names: Mapping[str, str]) -> Iterator[list[DynamoCall]]:
    """Record, while the block runs, each DynamoDB call a function of the local stack makes (whatever client or
    session it uses: boto3, pynamodb, Powertools). ``function_names``: physical name -> logical id. Calls made
    outside any function (the test's own, the command line's) are not recorded."""
    calls: list[DynamoCall] = []
    clients: Any = BaseClient  # every client's calls go through its _make_api_call (boto3's stubs omit it)
    original = clients._make_api_call

    def recording(client: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        running = running_function.get()
        if running is not None and client.meta.service_model.service_name == "dynamodb":
            action = f"dynamodb:{operation_name}"
            calls.extend(
                DynamoCall(function=function_names[running], action=action, resource=arn)
                for arn in _resources(client, operation_name, api_params)
            )
        return original(client, operation_name, api_params)

    clients._make_api_call = recording
    try:
        yield calls
    finally:
        clients._make_api_call = original


def _resources(client: BaseClient, operation_name: str, params: Mapping[str, Any]) -> list[str]:
    region = client.meta.region_name
    if "TableName" in params:
        names = [str(params["TableName"])]
    elif "RequestItems" in params:  # BatchGetItem, BatchWriteItem: one authorisation per table
        names = [str(name) for name in params["RequestItems"]]
    else:
        raise AssertionError(f"the recorder does not know which tables {operation_name} touches: teach it")
    index = f"/index/{params['IndexName']}" if "IndexName" in params else ""
    return [f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}{index}" for name in names]


def _listed(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)
