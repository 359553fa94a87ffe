"""IAM rights, granted and used: the actions template.yaml's statements give each function on which resources,
and the recorder of the DynamoDB and S3 calls each function makes on the local stack, each as the IAM action and
the resource ARN its role must allow (a table or index; a bucket, or one object of it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError
from botocore.signers import S3PostPresigner
from local_stack.lambdas import running_function
from local_stack.stack import ACCOUNT
from local_stack.template import Template
from msgspec import Struct

DYNAMODB_POLICY_TEMPLATES = frozenset({"DynamoDBCrudPolicy", "DynamoDBReadPolicy", "DynamoDBWritePolicy"})
S3_POLICY_TEMPLATES = frozenset({"S3CrudPolicy", "S3ReadPolicy", "S3WritePolicy", "S3FullAccessPolicy"})
# Operations whose IAM action is not s3:<operation>; each object read, write or delete is authorised on the object.
_S3_OBJECT_ACTIONS = {
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "DeleteObject": "s3:DeleteObject",
}
_S3_BUCKET_ACTIONS = {"ListObjectsV2": "s3:ListBucket", "ListObjects": "s3:ListBucket"}
_S3_MISSING = frozenset({"NoSuchKey", "404"})


class AwsCall(Struct, frozen=True, order=True):
    function: str  # the logical id in template.yaml
    action: str  # the IAM action: dynamodb:GetItem, s3:GetObject
    resource: str  # the ARN the action is authorised on: table, index, bucket or object


class Grant(Struct, frozen=True):
    function: str
    actions: tuple[str, ...]  # as written: dynamodb:Query, or a pattern
    resources: tuple[str, ...]  # resolved to the local stack's ARNs; may hold wildcards (index/*, bucket/imports/*)

    def allows(self, call: AwsCall) -> bool:
        return (
            call.function == self.function
            and any(iam_matches(action, call.action, case_sensitive=False) for action in self.actions)
            and any(iam_matches(resource, call.resource) for resource in self.resources)
        )


def iam_matches(pattern: str, value: str, *, case_sensitive: bool = True) -> bool:
    """Whether ``value`` matches an IAM Action or Resource element: ``*`` any run of characters (``/`` included),
    ``?`` any one; nothing else is special. Actions compare without case, resources with."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, 0 if case_sensitive else re.IGNORECASE) is not None


def function_statements(template: Template) -> dict[str, list[dict[str, Any]]]:
    """Each function's policy statements: those written in its ``Policies``, and those of each customer managed
    policy of the template it names there (``!Ref``). A managed policy attached any other way, or a policy named in
    a way this reader does not know, fails: the rights would go unchecked."""
    managed = template.of_type("AWS::IAM::ManagedPolicy")
    attached_elsewhere = [n for n, p in managed.items() if {"Roles", "Groups", "Users"} & set(p["Properties"])]
    assert attached_elsewhere == [], "managed policies attached outside a function's Policies: teach the reader"
    statements: dict[str, list[dict[str, Any]]] = {}
    for function, resource in template.of_type("AWS::Serverless::Function").items():
        found = statements.setdefault(function, [])
        for policy in resource["Properties"].get("Policies", []):
            assert isinstance(policy, Mapping), f"{function}: a policy named by a string: teach the reader"
            if "Ref" in policy:
                assert policy["Ref"] in managed, f"{function}: {policy['Ref']} is not a managed policy of the template"
                found.extend(managed[policy["Ref"]]["Properties"]["PolicyDocument"]["Statement"])
            else:
                found.extend(policy.get("Statement", []))
    return statements


def service_grants(template: Template, service: str) -> list[Grant]:
    """Every Allow statement of every function naming an action of ``service``, its resources resolved."""
    grants = []
    for function, statements in function_statements(template).items():
        for statement in statements:
            actions = _listed(statement["Action"])
            if statement["Effect"] == "Allow" and any(a.lower().startswith(f"{service}:") for a in actions):
                assert "Condition" not in statement, "grants do not evaluate conditions: teach them"
                resources = _listed(template.resolve(statement["Resource"]))
                grants.append(Grant(function=function, actions=actions, resources=resources))
    return grants


def granted_actions(template: Template) -> dict[str, set[str]]:
    """Each function's actions, every service's, as its statements write them (the template alone, unresolved)."""
    return {
        function: {action for statement in statements for action in _listed(statement["Action"])}
        for function, statements in function_statements(template).items()
        if statements
    }


def policy_templates(template: Template, names: frozenset[str]) -> dict[str, list[str]]:
    """The SAM policy templates among ``names`` each function holds (each grants a fixed set of actions)."""
    held: dict[str, list[str]] = {}
    for function, resource in template.of_type("AWS::Serverless::Function").items():
        for policy in resource["Properties"].get("Policies", []):
            found = sorted(names & set(policy)) if isinstance(policy, Mapping) else []
            if found:
                held.setdefault(function, []).extend(found)
    return held


@contextmanager
def recorded_calls(function_names: Mapping[str, str]) -> Iterator[list[AwsCall]]:
    """Record, while the block runs, each DynamoDB and S3 call a function of the local stack makes (whatever
    client or session it uses: boto3, pynamodb, Powertools), and each upload form it signs (the form's POST is
    authorised as the signer's PutObject). ``function_names``: physical name -> logical id. Calls made outside any
    function (the test's own, the command line's) are not recorded."""
    calls: list[AwsCall] = []
    clients: Any = BaseClient  # every client's calls go through its _make_api_call (boto3's stubs omit it)
    presigners: Any = S3PostPresigner
    original_call, original_post = clients._make_api_call, presigners.generate_presigned_post

    def as_running(needs: list[tuple[str, str]]) -> None:
        running = running_function.get()
        if running is not None:
            calls.extend(AwsCall(function=function_names[running], action=a, resource=r) for a, r in needs)

    def recording(client: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        service = client.meta.service_model.service_name
        if service not in _NEEDS or running_function.get() is None:
            return original_call(client, operation_name, api_params)
        needs = _NEEDS[service](client, operation_name, api_params)
        try:
            return original_call(client, operation_name, api_params)
        except ClientError as error:
            needs.extend(_answer_needs(service, operation_name, api_params, error))
            raise
        finally:
            as_running(needs)

    def signing(
        presigner: S3PostPresigner,
        request_dict: Any,
        fields: Any = None,
        conditions: Any = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        bucket = next(c["bucket"] for c in conditions if isinstance(c, Mapping) and "bucket" in c)
        as_running([("s3:PutObject", _s3_arn(bucket, fields["key"]))])
        return original_post(presigner, request_dict, fields, conditions, *args, **kwargs)

    clients._make_api_call, presigners.generate_presigned_post = recording, signing
    try:
        yield calls
    finally:
        clients._make_api_call, presigners.generate_presigned_post = original_call, original_post


def _dynamodb_needs(client: BaseClient, operation_name: str, params: Mapping[str, Any]) -> list[tuple[str, str]]:
    region = client.meta.region_name
    if "TableName" in params:
        names = [str(params["TableName"])]
    elif "RequestItems" in params:  # BatchGetItem, BatchWriteItem: one authorisation per table
        names = [str(name) for name in params["RequestItems"]]
    else:
        raise AssertionError(f"the recorder does not know which tables {operation_name} touches: teach it")
    index = f"/index/{params['IndexName']}" if "IndexName" in params else ""
    action = f"dynamodb:{operation_name}"
    return [(action, f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}{index}") for name in names]


def _s3_needs(_client: BaseClient, operation_name: str, params: Mapping[str, Any]) -> list[tuple[str, str]]:
    if operation_name in _S3_OBJECT_ACTIONS:
        return [(_S3_OBJECT_ACTIONS[operation_name], _s3_arn(params["Bucket"], params["Key"]))]
    if operation_name in _S3_BUCKET_ACTIONS:
        return [(_S3_BUCKET_ACTIONS[operation_name], _s3_arn(params["Bucket"]))]
    raise AssertionError(f"the recorder does not know which S3 action {operation_name} needs: teach it")


def _answer_needs(
    service: str, operation_name: str, params: Mapping[str, Any], error: ClientError
) -> list[tuple[str, str]]:
    """What a failed call needed to fail as it did: S3 answers a missing key with 404 only to a role that may list
    the bucket (to any other, 403), and the code reads 404 as "not written yet"."""
    code = error.response.get("Error", {}).get("Code")
    if service == "s3" and _S3_OBJECT_ACTIONS.get(operation_name) == "s3:GetObject" and code in _S3_MISSING:
        return [("s3:ListBucket", _s3_arn(params["Bucket"]))]
    return []


def _s3_arn(bucket: str, key: str | None = None) -> str:
    return f"arn:aws:s3:::{bucket}" if key is None else f"arn:aws:s3:::{bucket}/{key}"


_NEEDS: dict[str, Callable[[BaseClient, str, Mapping[str, Any]], list[tuple[str, str]]]] = {
    "dynamodb": _dynamodb_needs,
    "s3": _s3_needs,
}


def _listed(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)
