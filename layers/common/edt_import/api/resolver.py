"""The admin API's resolver: validation on, CORS for the console, authorisation on every request, the routers.

Each resource's router lives in ``routes/``; add yours with one ``include_router`` line below.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn

from edt_import.api.auth import authorise
from edt_import.api.errors import register_error_handlers
from edt_import.api.routes import auto_import, imports, selection, skipped_lessons, subjects

TITLE = "edt-import admin API"
VERSION = "1.0.0"
SECURITY_SCHEME = "CognitoIdToken"


def authorisation(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    authorise(app.current_event.raw_event)
    return next_middleware(app)


@functools.cache
def resolver(console_origin: str = "*") -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(
        enable_validation=True,
        cors=CORSConfig(allow_origin=console_origin, allow_headers=["Authorization", "Content-Type"], max_age=600),
    )
    app.use(middlewares=[authorisation])
    register_error_handlers(app)
    app.include_router(imports.router)
    app.include_router(auto_import.router)
    app.include_router(selection.router)
    app.include_router(subjects.router)
    app.include_router(skipped_lessons.router)
    return app


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of every route, as ``edt-import openapi`` prints it and docs/openapi.json holds it."""
    schema = resolver().get_openapi_json_schema(
        title=TITLE,
        version=VERSION,
        description="Establishment administrators' imports of PRONOTE/EDT exports into itslearning. Every request "
        "carries a Cognito ID token (Authorization: Bearer …) whose custom:uais claim lists the establishments "
        'its holder administers; errors are {"code", "message"}.',
        security_schemes={SECURITY_SCHEME: APIKey(name="Authorization", in_=APIKeyIn.header)},
        security=[{SECURITY_SCHEME: []}],
    )
    document: dict[str, Any] = json.loads(schema)
    return document
