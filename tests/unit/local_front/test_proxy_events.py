"""The local front's events: what API Gateway would hand the function for a request on a declared resource."""

from __future__ import annotations

import base64

from local_front.events import ApiResource, find_resource, proxy_event

RESOURCES = [
    ApiResource("GET", "/establishments/{uai}/imports"),
    ApiResource("POST", "/establishments/{uai}/imports"),
    ApiResource("GET", "/establishments/{uai}/imports/{import_id}"),
]


def test_find_resource_matches_method_and_template_and_decodes_parameters() -> None:
    found = find_resource(RESOURCES, "GET", "/establishments/0750001A/imports/ab%2Dcd")
    assert found == (RESOURCES[2], {"uai": "0750001A", "import_id": "ab-cd"})
    assert find_resource(RESOURCES, "PUT", "/establishments/0750001A/imports") is None
    assert find_resource(RESOURCES, "GET", "/establishments/0750001A/imports/a/b") is None


def test_proxy_event_carries_query_claims_and_body_as_api_gateway_does() -> None:
    event = proxy_event(
        resource=RESOURCES[0],
        path_parameters={"uai": "0750001A"},
        target="/establishments/0750001A/imports?limit=2&cursor=x",
        headers={"Authorization": "Bearer t"},
        body=b'{"kind": "manual"}',
        claims={"custom:uais": "0750001A", "custom:role": "admin"},
    )
    assert event["resource"] == "/establishments/{uai}/imports"
    assert event["path"] == "/establishments/0750001A/imports"
    assert event["queryStringParameters"] == {"limit": "2", "cursor": "x"}
    assert event["pathParameters"] == {"uai": "0750001A"}
    assert event["requestContext"]["authorizer"]["claims"]["custom:role"] == "admin"
    assert (event["body"], event["isBase64Encoded"]) == ('{"kind": "manual"}', False)


def test_proxy_event_without_claims_has_no_authorizer_and_binary_body_is_base64() -> None:
    event = proxy_event(
        resource=RESOURCES[1], path_parameters={}, target="/x", headers={}, body=b"\xff\x00", claims=None
    )
    assert "authorizer" not in event["requestContext"]
    assert (event["body"], event["isBase64Encoded"]) == (base64.b64encode(b"\xff\x00").decode(), True)
    assert event["queryStringParameters"] is None
