"""``LocalFront``: the admin API and the console on one local origin, as API Gateway and CloudFront serve them.

A request to one of the API's resources (as ``template.yaml`` declares them) needs a bearer token this front
signed: without one it is refused with 401 before the handler runs, as the Cognito authorizer does; with one,
its claims go into the event. Anything else is a file of the console (``console/``). ``/_local/…`` is the local
operator's door (registering an establishment), open to an operator token only.
"""

from __future__ import annotations

import base64
import json
import logging
import mimetypes
import sys
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from edt_import.domain.error_traces import error_trace_text
from local_front.events import ApiResource, find_resource, proxy_event
from local_front.tokens import InvalidTokenError, TokenSigner

ApiHandler = Callable[[dict[str, Any], Any], dict[str, Any]]
OperatorAction = Callable[[dict[str, Any]], dict[str, Any]]
OPERATOR_ROLE = "operator"
MAX_BODY_BYTES = 16 * 1024 * 1024
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}
PLACEHOLDER = (
    b"<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>edt-import</title></head>"
    b"<body><h1>edt-import</h1><p>The console is not installed in this copy (console/ is missing); "
    b"the API answers under /establishments/.</p></body></html>"
)


class LocalFront:
    def __init__(
        self,
        *,
        api_handler: ApiHandler,
        resources: Sequence[ApiResource],
        signer: TokenSigner,
        now: Callable[[], datetime],
        console_dir: Path,
        context: Any,
        operator_actions: Mapping[str, OperatorAction] | None = None,
        console_headers: Mapping[str, str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.api_handler = api_handler
        self.resources = tuple(resources)
        self.signer = signer
        self.now = now
        self.console_dir = console_dir
        self.context = context
        self.operator_actions = dict(operator_actions or {})
        self.console_headers = dict(console_headers or {})  # CloudFront's: the content security policy, …
        self.api_lock = threading.Lock()  # one request at a time, as one Lambda instance serves them
        self._server = _Server((host, port), _Handler)
        self._server.daemon_threads = True
        self._server.front = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-front", daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def claims(self, authorization: str | None) -> dict[str, str] | None:
        """The claims of a valid bearer token, as strings (as the Cognito authorizer passes them); None otherwise."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        try:
            claims = self.signer.verify(token.strip(), now=self.now())
        except InvalidTokenError:
            return None
        return {name: str(value) for name, value in claims.items()}


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ARG002 - socketserver's signature
        """A request that failed in a handler: its type and frames, not the traceback socketserver would print (the
        message may hold a name the request carried)."""
        exc = sys.exc_info()[1]
        if exc is not None:
            logging.getLogger("local_front").error("request failed: %s", error_trace_text(exc))


class _Handler(BaseHTTPRequestHandler):
    server_version = "edt-import-local-front"

    @property
    def front(self) -> LocalFront:
        front: LocalFront = self.server.front  # type: ignore[attr-defined]
        return front

    def log_message(self, format: str, *args: Any) -> None:
        pass  # request lines carry ids and paths only, but the terminal stays for the printed URLs

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path
        method = self.command.upper()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send_json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _error("invalid_request", "The request is too large."))
            return
        body = self.rfile.read(length) if length else b""
        if path.startswith("/_local/"):
            self._operator(path, method, body)
            return
        found = find_resource(self.front.resources, method, path)
        if (
            found is None
            and method == "OPTIONS"
            and any(r.match(r.method, path) is not None for r in self.front.resources)
        ):
            found = (ApiResource("OPTIONS", path), {})  # CORS preflight: answered by the API without a token
        if found is not None:
            self._api(found[0], found[1], body)
        elif path.startswith("/establishments/"):
            self._send_json(HTTPStatus.NOT_FOUND, _error("not_found", "There is nothing at this address."))
        elif method in {"GET", "HEAD"}:
            self._static(path)
        else:
            self._send_json(HTTPStatus.METHOD_NOT_ALLOWED, _error("invalid_request", "This address is read only."))

    def _api(self, resource: ApiResource, parameters: dict[str, str], body: bytes) -> None:
        claims = self.front.claims(self.headers.get("Authorization"))
        if claims is None and resource.method != "OPTIONS":
            self._send_json(
                HTTPStatus.UNAUTHORIZED,
                _error("unauthorized", "Sign in again: the request carries no valid sign-in."),
            )
            return
        headers = dict(self.headers.items())
        event = proxy_event(
            resource=resource,
            path_parameters=parameters,
            target=self.path,
            headers=headers,
            body=body,
            claims=claims,
            source_ip=self.client_address[0],
        )
        with self.front.api_lock:
            response = self.front.api_handler(event, self.front.context)
        self._send_proxy_response(response)

    def _send_proxy_response(self, response: Mapping[str, Any]) -> None:
        raw = response.get("body") or ""
        data = base64.b64decode(raw) if response.get("isBase64Encoded") else str(raw).encode()
        self.send_response(int(response["statusCode"]))
        sent: set[str] = set()
        for name, values in (response.get("multiValueHeaders") or {}).items():
            for value in values:
                self.send_header(name, str(value))
            sent.add(name.lower())
        for name, value in (response.get("headers") or {}).items():
            if name.lower() not in sent:
                self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _operator(self, path: str, method: str, body: bytes) -> None:
        claims = self.front.claims(self.headers.get("Authorization"))
        if claims is None or claims.get("custom:role") != OPERATOR_ROLE:
            self._send_json(HTTPStatus.UNAUTHORIZED, _error("unauthorized", "An operator token is needed here."))
            return
        action = self.front.operator_actions.get(f"{method} {path}")
        if action is None:
            self._send_json(HTTPStatus.NOT_FOUND, _error("not_found", "There is nothing at this address."))
            return
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            self._send_json(HTTPStatus.BAD_REQUEST, _error("invalid_request", "The body is not JSON."))
            return
        result = action(payload)
        status = HTTPStatus(int(result.pop("status", HTTPStatus.OK)))
        self._send_json(status, result)

    def _static(self, path: str) -> None:
        root = self.front.console_dir.resolve()
        relative = path.lstrip("/") or "index.html"
        target = (root / relative).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(root) or not target.is_file():
            if relative == "index.html":
                self._send(HTTPStatus.OK, PLACEHOLDER, "text/html; charset=utf-8", self.front.console_headers)
            else:
                self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain; charset=utf-8")
            return
        self._send(HTTPStatus.OK, target.read_bytes(), content_type_of(target), self.front.console_headers)

    def _send_json(self, status: HTTPStatus, value: object) -> None:
        self._send(status, json.dumps(value, ensure_ascii=False).encode(), "application/json")

    def _send(
        self, status: HTTPStatus, data: bytes, content_type: str, headers: Mapping[str, str] | None = None
    ) -> None:
        self.send_response(status.value)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", uuid.uuid4().hex)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")  # a console being edited is always served fresh
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def content_type_of(path: Path) -> str:
    """What a browser needs to hear: modules refuse to run unless served as JavaScript."""
    known = _CONTENT_TYPES.get(path.suffix.lower())
    if known is not None:
        return known
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def _error(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}
