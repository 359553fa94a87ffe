"""The admin API's published contract: docs/openapi.json is the resolver's document (regenerate it with
``make openapi``), a well-formed OpenAPI 3.1 document, and every route is one API Gateway routes to the function."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode.cfn_yaml import load
from jsonschema import Draft202012Validator

from edt_import.api.resolver import openapi_document
from edt_import.cli.openapi_cmd import render
from edt_import.domain.container import ReaderLimits

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "docs" / "openapi.json"
_METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi_document()


@pytest.fixture(scope="module")
def template() -> Any:
    return load(str(ROOT / "template.yaml"))


def _refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_openapi_published_document_is_the_resolver_document() -> None:
    assert PUBLISHED.read_text(encoding="utf-8") == render(), "docs/openapi.json is stale: run `make openapi`"


def test_openapi_document_is_well_formed(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    assert document["paths"]
    schemas = document["components"]["schemas"]
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)  # OpenAPI 3.1 schemas are JSON Schema 2020-12
    for ref in _refs(document):
        assert ref.startswith("#/components/schemas/")
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert method in _METHODS, (path, method)
            assert {"401", "403"} <= set(operation["responses"]), (path, method)
            assert operation.get("summary"), (path, method)
    assert document["security"] == [{"CognitoIdToken": []}]


def test_openapi_every_route_is_routed_by_api_gateway_to_the_function(document: dict[str, Any], template: Any) -> None:
    events = template["Resources"]["ApiFunction"]["Properties"]["Events"].values()
    routed = {(e["Properties"]["Method"].lower(), e["Properties"]["Path"]) for e in events if e["Type"] == "Api"}
    assert all(e["Properties"]["RestApiId"] == {"Ref": "AdminApi"} for e in events if e["Type"] == "Api")
    documented = {(method, path) for path, operations in document["paths"].items() for method in operations}
    assert routed == documented
    assert not any("{proxy+}" in path for _, path in routed)


def test_admin_api_upload_cap_is_the_reader_cap(template: Any) -> None:
    assert int(template["Parameters"]["UploadMaxBytes"]["Default"]) == ReaderLimits().max_upload_bytes


def test_admin_api_claims_are_written_by_no_app_client(template: Any) -> None:
    clients = [r for r in template["Resources"].values() if r["Type"] == "AWS::Cognito::UserPoolClient"]
    assert len(clients) == 2
    for client in clients:
        props = client["Properties"]
        assert not any(re.match(r"custom:", name) for name in props.get("WriteAttributes", []))
        assert {"custom:uais", "custom:role"} <= set(props["ReadAttributes"])
    pool = template["Resources"]["AdminUserPool"]["Properties"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_admin_api_authorizer_guards_every_route(template: Any) -> None:
    auth = template["Resources"]["AdminApi"]["Properties"]["Auth"]
    assert auth["DefaultAuthorizer"] in auth["Authorizers"]
    events = template["Resources"]["ApiFunction"]["Properties"]["Events"].values()
    assert all("Auth" not in e["Properties"] for e in events)  # none opts out of the default authorizer


def test_admin_api_published_document_is_json() -> None:
    assert json.loads(PUBLISHED.read_text(encoding="utf-8"))["info"]["title"] == "edt-import admin API"
