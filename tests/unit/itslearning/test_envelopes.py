"""SOAP envelopes, answer interpretation and per-item status reading, without any network."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree

from edt_import.adapters.itslearning.envelopes import (
    GMS_NS,
    SOAP_NS,
    WSSE_NS,
    UnreadableReplyError,
    build_envelope,
    ims_request_header,
    q,
    read_envelope,
    root_element,
)
from edt_import.adapters.itslearning.ims import read_item_statuses
from edt_import.adapters.itslearning.retry import TransientError
from edt_import.adapters.itslearning.soap_channel import _interpret
from edt_import.adapters.itslearning.transport import HttpReply, KeepAliveTransport, retry_after_seconds
from edt_import.domain.errors import ConfigError, LmsProtocolError
from edt_import.domain.ports import ItemResult

ACTION = "http://www.imsglobal.org/soap/gms/createGroups"


def an_answer(statuses: list[tuple[str, str]], *, payload: str = "<g:createGroupsResponse/>") -> bytes:
    items = "".join(
        f"<g:imsx_statusInfo><g:imsx_codeMajor>{code}</g:imsx_codeMajor>"
        f"<g:imsx_operationRefIdentifier>k</g:imsx_operationRefIdentifier>"
        f"<g:imsx_description>{reason}</g:imsx_description></g:imsx_statusInfo>"
        for code, reason in statuses
    )
    return (
        f'<s:Envelope xmlns:s="{SOAP_NS}" xmlns:g="{GMS_NS}"><s:Header><g:imsx_syncResponseHeaderInfo>'
        f"<g:imsx_statusInfoSet>{items}</g:imsx_statusInfoSet></g:imsx_syncResponseHeaderInfo></s:Header>"
        f"<s:Body>{payload}</s:Body></s:Envelope>"
    ).encode()


def a_fault(code: str) -> bytes:
    return (
        f'<s:Envelope xmlns:s="{SOAP_NS}"><s:Body><s:Fault><faultcode>{code}</faultcode>'
        f"<faultstring>no</faultstring></s:Fault></s:Body></s:Envelope>"
    ).encode()


def test_envelope_carries_username_token_and_ims_header() -> None:
    # Given a payload and an IMS header
    payload = root_element(GMS_NS, "deleteGroupsRequest")

    # When the envelope is built
    secret = "s3cret"  # noqa: S105
    data = build_envelope(
        username="edt", password=secret, payload=payload, header_info=ims_request_header(GMS_NS, "m-1")
    )

    # Then the security header, the message identifier and the payload are where SOAP 1.1 puts them
    root = etree.fromstring(data)
    token = root.find(f"{q(SOAP_NS, 'Header')}/{q(WSSE_NS, 'Security')}/{q(WSSE_NS, 'UsernameToken')}")
    assert token is not None
    assert token.findtext(q(WSSE_NS, "Username")) == "edt"
    assert token.findtext(q(WSSE_NS, "Password")) == "s3cret"
    header_id = (
        f"{q(SOAP_NS, 'Header')}/{q(GMS_NS, 'imsx_syncRequestHeaderInfo')}/{q(GMS_NS, 'imsx_messageIdentifier')}"
    )
    assert root.findtext(header_id) == "m-1"
    body = root.find(q(SOAP_NS, "Body"))
    assert body is not None
    assert [child.tag for child in body] == [q(GMS_NS, "deleteGroupsRequest")]


@pytest.mark.parametrize("data", [b"", b"not xml", b"<a/>", f'<s:Envelope xmlns:s="{SOAP_NS}"/>'.encode()])
def test_read_envelope_not_a_soap_answer_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadableReplyError):
        read_envelope(data)


def test_read_envelope_entities_not_expanded() -> None:
    # Given an answer declaring an external entity
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + f'<s:Envelope xmlns:s="{SOAP_NS}"><s:Body><p>&x;</p></s:Body></s:Envelope>'.encode()
    )

    # When it is read, then the entity is left unresolved
    reply = read_envelope(hostile)
    assert reply.payload is not None
    assert "root:" not in etree.tostring(reply.payload).decode()


def test_item_statuses_read_by_position() -> None:
    # Given an answer with a success, a failure and a success
    reply = read_envelope(an_answer([("success", ""), ("failure", "Locked."), ("success", "")]))

    # When it is read against the three keys sent
    results = read_item_statuses(reply, GMS_NS, ["a", "b", "c"], "createGroups")

    # Then each key gets its own verdict, in order
    assert results == [
        ItemResult(key="a", ok=True),
        ItemResult(key="b", ok=False, reason="Locked."),
        ItemResult(key="c", ok=True),
    ]


def test_item_statuses_count_mismatch_protocol_error() -> None:
    # Given an answer with two statuses for three items
    reply = read_envelope(an_answer([("success", ""), ("success", "")]))

    # When it is read, then the mismatch is refused rather than guessed
    with pytest.raises(LmsProtocolError) as raised:
        read_item_statuses(reply, GMS_NS, ["a", "b", "c"], "createGroups")
    assert raised.value.details == {"operation": "createGroups", "sent": 3, "answered": 2}


@pytest.mark.parametrize("status", [429, 408, 500, 502, 503, 504])
def test_interpret_outage_statuses_transient(status: int) -> None:
    with pytest.raises(TransientError) as raised:
        _interpret(HttpReply(status=status, body=b"<html/>"), ACTION)
    assert raised.value.reason == f"http {status}"


def test_interpret_soap_fault_with_http_500_protocol_error() -> None:
    with pytest.raises(LmsProtocolError) as raised:
        _interpret(HttpReply(status=500, body=a_fault("soap:Client")), ACTION)
    assert raised.value.details == {"operation": "createGroups", "fault": "soap:Client"}


@pytest.mark.parametrize(
    ("status", "code", "reason"),
    [
        (500, "soap:Server", "http 500 Server fault"),
        (500, "s:Server.Busy", "http 500 Server fault"),
        (503, "soap:Client", "http 503 Client fault"),
        (504, "soap:Server", "http 504 Server fault"),
    ],
)
def test_interpret_server_fault_or_fault_behind_gateway_error_transient(status: int, code: str, reason: str) -> None:
    # Given a SOAP fault the service raised on its side, or one relayed with a 502-504 status
    reply = HttpReply(status=status, body=a_fault(code))

    # When it is interpreted, then it is an outage worth retrying, not a refusal
    with pytest.raises(TransientError) as raised:
        _interpret(reply, ACTION)
    assert raised.value.reason == reason


@pytest.mark.parametrize(
    ("status", "body"),
    [(500, a_fault("wsse:FailedAuthentication")), (401, b""), (403, a_fault("wsse:InvalidSecurity"))],
)
def test_interpret_authentication_refused_protocol_error(status: int, body: bytes) -> None:
    with pytest.raises(LmsProtocolError) as raised:
        _interpret(HttpReply(status=status, body=body), ACTION)
    assert raised.value.details == {"operation": "createGroups", "fault": "FailedAuthentication"}
    assert "credentials" in raised.value.message


@pytest.mark.parametrize("status", [200, 404, 405])
def test_interpret_web_page_instead_of_soap_blames_the_address(status: int) -> None:
    # Given a web server that is not the integration services (a wrong path, a portal page)
    reply = HttpReply(status=status, body=b"<html>not here</html>")
    # When the answer is interpreted, Then the address is named as the suspect, not the credentials
    with pytest.raises(LmsProtocolError) as raised:
        _interpret(reply, ACTION)
    assert raised.value.details == {"operation": "createGroups", "status": status}
    assert raised.value.message.endswith("check the address.")


def test_interpret_forbidden_without_soap_names_address_then_credentials() -> None:
    with pytest.raises(LmsProtocolError) as raised:
        _interpret(HttpReply(status=403, body=b"forbidden"), ACTION)
    assert raised.value.details == {"operation": "createGroups", "status": 403}
    assert raised.value.message.endswith("check the address, then the integration's credentials.")


def test_interpret_ok_answer_returned() -> None:
    reply = _interpret(HttpReply(status=200, body=an_answer([])), ACTION)
    assert reply.payload is not None
    assert reply.payload.tag == q(GMS_NS, "createGroupsResponse")


@pytest.mark.parametrize(
    "url", ["ftp://ims.example.org", "https://", "http://ims.example.org:99999", "ims.example.org"]
)
def test_transport_address_not_http_config_error(url: str) -> None:
    with pytest.raises(ConfigError):
        KeepAliveTransport(url, timeout_s=1.0)


def test_interpret_throttled_keeps_the_servers_retry_after() -> None:
    # Given a 429 asking to wait 7 seconds
    reply = HttpReply(status=429, body=b"", retry_after_s=7.0)

    # When it is interpreted, then the pause travels with the transient error (the back-off takes it as a floor)
    with pytest.raises(TransientError) as raised:
        _interpret(reply, ACTION)
    assert (raised.value.reason, raised.value.retry_after_s) == ("http 429", 7.0)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("-5", 0.0),
        ("Sun, 29 Nov 2026 18:00:30 GMT", 30.0),
        ("Sun, 29 Nov 2026 17:59:00 GMT", 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_header_seconds_or_http_date(header: str | None, seconds: float | None) -> None:
    # Given the moment the answer came, and a Retry-After header in either of its HTTP forms
    now = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)

    # When it is read, then it is a pause in seconds, never negative, or nothing when unreadable
    assert retry_after_seconds(header, now=now) == seconds


def test_item_statuses_answer_to_another_request_protocol_error() -> None:
    # Given an answer whose overall status refers to another request's message identifier
    data = an_answer([("success", "")]).replace(
        b"<g:imsx_statusInfoSet>",
        b"<g:imsx_statusInfo><g:imsx_codeMajor>success</g:imsx_codeMajor>"
        b"<g:imsx_messageRefIdentifier>m-other</g:imsx_messageRefIdentifier></g:imsx_statusInfo>"
        b"<g:imsx_statusInfoSet>",
    )
    reply = read_envelope(data)

    # When it is read for request m-1, then it is refused; for m-other, it is read
    with pytest.raises(LmsProtocolError, match="another request"):
        read_item_statuses(reply, GMS_NS, ["a"], "createGroups", "m-1")
    assert read_item_statuses(reply, GMS_NS, ["a"], "createGroups", "m-other") == [ItemResult(key="a", ok=True)]
