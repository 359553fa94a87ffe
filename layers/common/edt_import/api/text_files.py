"""The API's text downloads (unrecognised accounts, lessons not imported): UTF-8 text the browser saves as a file."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

TEXT_FILE: dict[int, OpenAPIResponse] = {
    200: {"description": "text/plain; charset=utf-8", "content": {"text/plain": {"schema": {"type": "string"}}}}
}


def text_file(text: str, filename: str) -> Response[str]:
    return Response(
        status_code=200,
        content_type=f"{content_types.TEXT_PLAIN}; charset=utf-8",
        body=text,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
