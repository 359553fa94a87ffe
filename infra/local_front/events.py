"""An HTTP request as API Gateway hands it to a Lambda proxy integration (REST API, payload 1.0)."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from msgspec import Struct

STAGE = "v1"


class ApiResource(Struct, frozen=True):
    """One method on one resource of the API, as the template declares it (``/establishments/{uai}/imports``)."""

    method: str
    path: str

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """The path parameters when ``method`` and ``path`` are this resource's; None otherwise."""
        if method != self.method:
            return None
        pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path)) + "$"
        found = re.match(pattern, path)
        return {name: unquote(value) for name, value in found.groupdict().items()} if found else None


def find_resource(
    resources: Sequence[ApiResource], method: str, path: str
) -> tuple[ApiResource, dict[str, str]] | None:
    for resource in resources:
        parameters = resource.match(method, path)
        if parameters is not None:
            return resource, parameters
    return None


def proxy_event(
    *,
    resource: ApiResource,
    path_parameters: Mapping[str, str],
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    claims: Mapping[str, str] | None,
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    split = urlsplit(target)
    query = parse_qs(split.query, keep_blank_values=True)
    try:
        text: str | None = body.decode("utf-8") if body else None
        encoded = False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode("ascii"), True
    context: dict[str, Any] = {
        "resourcePath": resource.path,
        "httpMethod": resource.method,
        "path": f"/{STAGE}{split.path}",
        "stage": STAGE,
        "requestId": uuid.uuid4().hex,
        "identity": {"sourceIp": source_ip},
    }
    if claims is not None:
        context["authorizer"] = {"claims": dict(claims)}
    return {
        "resource": resource.path,
        "path": split.path,
        "httpMethod": resource.method,
        "headers": dict(headers),
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": dict(path_parameters) or None,
        "stageVariables": None,
        "requestContext": context,
        "body": text,
        "isBase64Encoded": encoded,
    }
