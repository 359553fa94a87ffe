"""A small JSON-over-HTTP client for tests that drive a local server as a browser or PRONOTE would."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from msgspec import Struct


class HttpAnswer(Struct, frozen=True):
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def http(method: str, url: str, *, token: str | None = None, body: object = None) -> HttpAnswer:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310 - local servers
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return HttpAnswer(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as exc:
        return HttpAnswer(exc.code, dict(exc.headers.items()), exc.read())
