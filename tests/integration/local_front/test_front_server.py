"""The local front over real HTTP, with a recording handler in place of the API: what reaches the handler (and
what never does), the console's files, the operator's door."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from http.client import RemoteDisconnected
from pathlib import Path
from typing import Any

import pytest
from local_front.console_headers import console_headers
from local_front.events import ApiResource
from local_front.server import OPERATOR_ROLE, LocalFront
from local_front.tokens import TokenSigner
from msgspec import Struct, field

from tests.support.content_security_policy import console_headers_policy, directives
from tests.support.http_client import http
from tests.support.log_capture import captured_log

NOW = datetime(2026, 9, 14, 8, 0, tzinfo=UTC)
SIGNER = TokenSigner(b"front-secret")
UAI = "0750001U"
API_ORIGIN = "http://127.0.0.1:8000"
UPLOADS_ORIGIN = "http://127.0.0.1:5000"


class Recorder(Struct):
    events: list[dict[str, Any]] = field(default_factory=list)
    registered: list[dict[str, Any]] = field(default_factory=list)

    def handle(self, event: dict[str, Any], _context: Any) -> dict[str, Any]:
        self.events.append(event)
        return {"statusCode": 200, "multiValueHeaders": {"Content-Type": ["application/json"]}, "body": '{"ok": 1}'}

    def register(self, payload: dict[str, Any]) -> dict[str, Any]:
        self.registered.append(payload)
        return {"status": 201, "uai": payload["uai"]}


@pytest.fixture
def front(tmp_path: Path) -> Iterator[tuple[LocalFront, Recorder, Path]]:
    console = tmp_path / "console"
    console.mkdir()
    (console / "index.html").write_text("<!doctype html><title>console</title>", encoding="utf-8")
    (console / "app.mjs").write_text("export const a = 1;", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not served", encoding="utf-8")
    recorder = Recorder()
    server = LocalFront(
        api_handler=recorder.handle,
        resources=[ApiResource("GET", "/establishments/{uai}/imports")],
        signer=SIGNER,
        now=lambda: NOW,
        console_dir=console,
        context=None,
        operator_actions={"POST /_local/establishments": recorder.register},
        console_headers=console_headers(console_headers_policy(), api_origin=API_ORIGIN, uploads_origin=UPLOADS_ORIGIN),
    )
    server.start()
    try:
        yield server, recorder, tmp_path
    finally:
        server.stop()


def _token(role: str = "admin") -> str:
    return SIGNER.mint(uais=[UAI], role=role, now=NOW)


def test_front_without_a_token_answers_401_and_never_calls_the_handler(
    front: tuple[LocalFront, Recorder, Path],
) -> None:
    server, recorder, _ = front
    answer = http("GET", f"{server.url}/establishments/{UAI}/imports")
    assert (answer.status, answer.json()["code"]) == (401, "unauthorized")
    assert http("GET", f"{server.url}/establishments/{UAI}/imports", token="a.b.c").status == 401  # noqa: S106 - a forged token
    assert recorder.events == []


def test_front_hands_the_handler_the_claims_and_the_template_resource(front: tuple[LocalFront, Recorder, Path]) -> None:
    server, recorder, _ = front
    answer = http("GET", f"{server.url}/establishments/{UAI}/imports?limit=5", token=_token())
    assert (answer.status, answer.json()) == (200, {"ok": 1})
    (event,) = recorder.events
    assert event["resource"] == "/establishments/{uai}/imports"
    assert event["pathParameters"] == {"uai": UAI}
    assert event["queryStringParameters"] == {"limit": "5"}
    assert event["requestContext"]["authorizer"]["claims"]["custom:uais"] == UAI


def test_front_routes_only_what_the_template_declares(front: tuple[LocalFront, Recorder, Path]) -> None:
    server, recorder, _ = front
    answer = http("POST", f"{server.url}/establishments/{UAI}/imports", token=_token(), body={"kind": "manual"})
    assert (answer.status, answer.json()["code"]) == (404, "not_found")
    assert recorder.events == []


def test_front_passes_a_cors_preflight_without_a_token(front: tuple[LocalFront, Recorder, Path]) -> None:
    server, recorder, _ = front
    assert http("OPTIONS", f"{server.url}/establishments/{UAI}/imports").status == 200
    assert [e["httpMethod"] for e in recorder.events] == ["OPTIONS"]


def test_front_serves_the_console_files_with_their_types_and_nothing_outside(
    front: tuple[LocalFront, Recorder, Path],
) -> None:
    server, _, _ = front
    index = http("GET", f"{server.url}/")
    assert (index.status, index.headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert "console" in index.text
    module = http("GET", f"{server.url}/app.mjs")
    assert module.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert http("GET", f"{server.url}/../secret.txt").status == 404
    raw = urllib.request.Request(f"{server.url}/%2e%2e/secret.txt")  # noqa: S310 - the local front
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(raw, timeout=10)  # noqa: S310
    assert refused.value.code == 404


def test_front_serves_the_console_under_cloudfronts_content_security_policy_with_local_origins(
    front: tuple[LocalFront, Recorder, Path],
) -> None:
    # Given the front, its console headers taken from template.yaml's CloudFront policy
    server, _, _ = front
    # When the console's page and a module are fetched, and the API answers
    page, module = http("GET", f"{server.url}/"), http("GET", f"{server.url}/app.mjs")
    api = http("GET", f"{server.url}/establishments/{UAI}/imports", token=_token())
    # Then the console files carry the template's policy, its API and upload hosts being the local ones
    for answer in (page, module):
        policy = directives(answer.headers["Content-Security-Policy"])
        assert policy["connect-src"] == ("'self'", API_ORIGIN, UPLOADS_ORIGIN)
        assert (policy["script-src"], policy["style-src"], policy["frame-ancestors"]) == (
            ("'self'",),
            ("'self'",),
            ("'none'",),
        )
        assert (answer.headers["X-Frame-Options"], answer.headers["Referrer-Policy"]) == ("DENY", "no-referrer")
    # And the API's answers are the API's own (CloudFront serves only the console)
    assert "Content-Security-Policy" not in api.headers


def test_local_front_console_headers_refuse_a_policy_naming_an_origin_they_do_not_know() -> None:
    # Given the template's policy with one more variable in its connect-src
    policy = console_headers_policy()
    csp = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    text, origins = csp["ContentSecurityPolicy"]["Fn::Sub"]
    csp["ContentSecurityPolicy"]["Fn::Sub"] = [text.replace("connect-src", "connect-src ${SignInOrigin}"), origins]
    # When the local front reads it / Then it says which origin it would have to fill in
    with pytest.raises(ValueError, match="SignInOrigin"):
        console_headers(policy, api_origin=API_ORIGIN, uploads_origin=UPLOADS_ORIGIN)


def test_front_operator_door_needs_an_operator_token(front: tuple[LocalFront, Recorder, Path]) -> None:
    server, recorder, _ = front
    url = f"{server.url}/_local/establishments"
    assert http("POST", url, token=_token(), body={"uai": UAI}).status == 401
    answer = http("POST", url, token=_token(OPERATOR_ROLE), body={"uai": UAI})
    assert (answer.status, answer.json()) == (201, {"uai": UAI})
    assert recorder.registered == [{"uai": UAI}]


def test_front_failing_request_logs_the_error_type_and_frames_but_not_its_message(
    front: tuple[LocalFront, Recorder, Path], capfd: pytest.CaptureFixture[str]
) -> None:
    # Given an operator action failing with a message that names a person
    server, _, _ = front

    def failing(payload: dict[str, Any]) -> dict[str, Any]:
        raise LookupError(f"no directory entry for {payload['name']}")

    server.operator_actions["POST /_local/establishments"] = failing
    # When it is called
    with captured_log("local_front") as log, pytest.raises(RemoteDisconnected):
        http("POST", f"{server.url}/_local/establishments", token=_token(OPERATOR_ROLE), body={"name": "Dupont Marie"})
    # Then the log says which error and where, and nothing printed names the person
    [entry] = log.entries()
    assert entry["message"].startswith("request failed: LookupError at ")
    assert "in failing" in entry["message"]
    printed = capfd.readouterr()
    assert "Dupont" not in log.text + printed.out + printed.err
