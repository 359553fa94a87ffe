"""Every route of the admin API refuses a caller without claims (401), a caller who does not administer the
establishment (403), and a machine credential anywhere but the creation of an automatic import (403).

The routes come from the resolver's own OpenAPI document: a route added later is covered without a line here.
"""

from __future__ import annotations

import re

import pytest

from edt_import.api.resolver import openapi_document
from tests.support.admin_api import IMPORT_ID, OTHER_UAI, UAI, ApiWorld, admin_of, machine_of
from tests.support.auto_import_api import with_completed_manual_import

_PARAMETERS = {"uai": UAI, "import_id": IMPORT_ID}


def _routes() -> list[tuple[str, str]]:
    routes: list[tuple[str, str]] = []
    for template, operations in openapi_document()["paths"].items():
        path = re.sub(r"\{(\w+)\}", lambda m: _PARAMETERS[m.group(1)], template)
        routes.extend((method.upper(), path) for method in operations)
    return sorted(routes)


ROUTES = _routes()
CREATE_IMPORT = ("POST", f"/establishments/{UAI}/imports")


def test_route_table_holds_the_import_routes() -> None:
    assert {
        CREATE_IMPORT,
        ("GET", f"/establishments/{UAI}/imports"),
        ("GET", f"/establishments/{UAI}/imports/{IMPORT_ID}"),
        ("GET", f"/establishments/{UAI}/imports/{IMPORT_ID}/unmatched.txt"),
    } <= set(ROUTES)


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("claims", [None, {}], ids=["no-authorizer", "empty-claims"])
def test_every_route_without_claims_is_401_before_any_validation(
    method: str, path: str, claims: dict[str, str] | None
) -> None:
    # Given a request with no sign-in and a body that fits no route
    world = ApiWorld()
    # When it is sent
    status, body, _ = world.call(method, path, claims=claims, body="{not json")
    # Then it is refused as unauthenticated, and nothing was created
    assert (status, body["code"]) == (401, "unauthorized")
    assert world.history.records == {}


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_for_an_establishment_not_administered_is_403(method: str, path: str) -> None:
    world = ApiWorld()
    status, body, _ = world.call(method, path, claims=admin_of(OTHER_UAI), body={"kind": "manual"})
    assert (status, body["code"]) == (403, "forbidden_establishment")
    assert UAI in body["message"]
    assert world.history.records == {}


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r != CREATE_IMPORT])
def test_every_route_but_import_creation_is_403_for_a_machine_credential(method: str, path: str) -> None:
    status, body, _ = ApiWorld().call(method, path, claims=machine_of(UAI), body={"kind": "automatic"})
    assert (status, body["code"]) == (403, "forbidden_role")


def test_machine_credential_creates_an_automatic_import() -> None:
    world = ApiWorld()
    with_completed_manual_import(world, UAI)  # automatic imports are refused before one
    status, body, _ = world.call(*CREATE_IMPORT, claims=machine_of(UAI), body={"kind": "automatic"})
    assert status == 201
    assert world.history.get(UAI, body["import_id"]) is not None


def test_machine_credential_may_not_create_a_manual_import() -> None:
    world = ApiWorld()
    status, body, _ = world.call(*CREATE_IMPORT, claims=machine_of(UAI), body={"kind": "manual"})
    assert (status, body["code"]) == (403, "forbidden_role")
    assert world.history.records == {}


def test_machine_credential_of_another_establishment_is_403() -> None:
    status, body, _ = ApiWorld().call(*CREATE_IMPORT, claims=machine_of(OTHER_UAI), body={"kind": "automatic"})
    assert (status, body["code"]) == (403, "forbidden_establishment")


@pytest.mark.parametrize("role", ["", "operator", "superuser"])
def test_claims_with_an_unknown_role_are_401(role: str) -> None:
    claims = {"custom:uais": UAI, "custom:role": role}
    status, body, _ = ApiWorld().call("GET", f"/establishments/{UAI}/imports", claims=claims)
    assert (status, body["code"]) == (401, "unauthorized")


def test_administrator_of_several_establishments_reaches_each() -> None:
    world = ApiWorld()
    for uai in (UAI, OTHER_UAI):
        status, _, _ = world.call("GET", f"/establishments/{uai}/imports", claims=admin_of(UAI, OTHER_UAI))
        assert status == 200


def test_lowercase_uai_in_the_path_is_the_same_establishment() -> None:
    status, _, _ = ApiWorld().call("GET", f"/establishments/{UAI.lower()}/imports", claims=admin_of(UAI))
    assert status == 200


def test_unknown_path_is_401_without_claims_and_404_with() -> None:
    world = ApiWorld()
    assert world.call("GET", f"/establishments/{UAI}/nothing")[0] == 401
    status, body, _ = world.call("GET", f"/establishments/{UAI}/nothing", claims=admin_of(UAI))
    assert (status, body["code"]) == (404, "not_found")
