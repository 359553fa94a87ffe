"""The admin API without AWS: its services over in-memory fakes, and API Gateway's REST proxy events built by hand."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from msgspec import field

from edt_import.api.resolver import resolver
from edt_import.api.services import ApiServices, use_services
from edt_import.domain.upload_ports import PresignedUpload
from edt_import.usecases.admin.imports import UploadLimits
from tests.support.pipeline_world import PipelineWorld
from tests.support.shared_stores import InMemorySharedStores

UAI = "0750001A"
OTHER_UAI = "0930002B"
IMPORT_ID = "a" * 32
NOW = datetime(2026, 9, 14, 9, 30, tzinfo=UTC)
LAMBDA_CONTEXT = LambdaContext()  # the resolver reads nothing from it


class InMemoryUploadSigner:
    """Records the forms handed out; the URL names the key so a test can see which one."""

    def __init__(self) -> None:
        self.signed: list[tuple[str, int, int]] = []

    def presign(self, key: str, *, max_bytes: int, expires_s: int) -> PresignedUpload:
        self.signed.append((key, max_bytes, expires_s))
        return PresignedUpload(url="https://uploads.example/bucket", fields={"key": key, "policy": "p"})


class ApiWorld(InMemorySharedStores):
    signer: InMemoryUploadSigner = field(default_factory=InMemoryUploadSigner)
    ids: Iterator[str] = field(default_factory=lambda: (f"{n:032x}" for n in range(1, 10_000)))

    def services(self) -> ApiServices:
        return ApiServices(
            history=self.history,
            work=self.work,
            establishments=self.establishments,
            states=self.states,
            starter=self.starter,
            signer=self.signer,
            limits=UploadLimits(max_bytes=1000, expires_s=300),
            tokens=self.tokens,
            resumer=self.resumer,
            now=lambda: NOW,
            new_id=lambda: next(self.ids),
        )

    def call(
        self,
        method: str,
        path: str,
        *,
        claims: Mapping[str, str] | None = None,
        body: object = None,
        query: Mapping[str, str] | None = None,
    ) -> tuple[int, Any, dict[str, str]]:
        """(status, JSON body or text, headers) of one request through the resolver."""
        use_services(self.services)
        try:
            raw = resolver().resolve(api_event(method, path, claims=claims, body=body, query=query), LAMBDA_CONTEXT)
        finally:
            use_services(None)
        headers = {k: v[-1] for k, v in (raw.get("multiValueHeaders") or {}).items()} | (raw.get("headers") or {})
        text = raw.get("body") or ""
        content = json.loads(text) if headers.get("Content-Type", "").startswith("application/json") else text
        return int(raw["statusCode"]), content, headers


def api_over(world: PipelineWorld) -> ApiWorld:
    """The API over the stores of a pipeline run in memory: what the steps wrote, the API reads and answers."""
    return ApiWorld(
        history=world.history,
        work=world.work,
        establishments=world.establishments,
        states=world.states,
        starter=world.starter,
        tokens=world.tokens,
        resumer=world.resumer,
    )


def admin_of(*uais: str) -> dict[str, str]:
    return {"sub": "admin", "custom:uais": " ".join(uais), "custom:role": "admin"}


def machine_of(uai: str) -> dict[str, str]:
    return {"sub": "pronote", "custom:uais": uai, "custom:role": "machine"}


def api_event(
    method: str,
    path: str,
    *,
    claims: Mapping[str, str] | None,
    body: object = None,
    query: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A REST proxy event as API Gateway sends it; ``body`` is JSON-encoded unless it is already text."""
    text = body if isinstance(body, str) or body is None else json.dumps(body)
    context: dict[str, Any] = {"stage": "v1", "requestId": "test", "httpMethod": method, "path": f"/v1{path}"}
    if claims is not None:
        context["authorizer"] = {"claims": dict(claims)}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "queryStringParameters": dict(query) if query else None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": None,
        "requestContext": context,
        "body": text,
        "isBase64Encoded": False,
    }
