"""One SOAP call end to end: envelope, transport, retry of transient trouble, and the meaning of each answer."""

from __future__ import annotations

from lxml import etree

from edt_import.adapters.itslearning.envelopes import SoapReply, UnreadableReplyError, build_envelope, read_envelope
from edt_import.adapters.itslearning.retry import RetryPolicy, TransientError
from edt_import.adapters.itslearning.transport import HttpReply, SoapTransport
from edt_import.domain.errors import LmsProtocolError

_THROTTLED = 429
_TIMED_OUT = 408
_SERVER_ERROR = 500
_OK = 200
_AUTH_STATUSES = {401, 403}
_FORBIDDEN = 403
# Answered without a SOAP envelope: a web server, but no itslearning service at this address.
_NOT_A_SERVICE = {_OK, 404, 405}


class SoapChannel:
    """Sends payloads with the integration's credentials; never logs a body (they hold the password)."""

    def __init__(self, transport: SoapTransport, retry: RetryPolicy, *, username: str, password: str) -> None:
        self._transport = transport
        self._retry = retry
        self._username = username
        self._password = password

    def call(
        self, path: str, soap_action: str, payload: etree._Element, header_info: etree._Element | None = None
    ) -> SoapReply:
        body = build_envelope(
            username=self._username, password=self._password, payload=payload, header_info=header_info
        )
        return self._retry.run(lambda: _interpret(self._transport.post(path, body, soap_action), soap_action))

    def close(self) -> None:
        self._transport.close()


def _interpret(reply: HttpReply, soap_action: str) -> SoapReply:
    operation = soap_action.rsplit("/", 1)[-1]
    if reply.status in {_THROTTLED, _TIMED_OUT}:
        raise TransientError(f"http {reply.status}", retry_after_s=reply.retry_after_s)
    parsed: SoapReply | None = None
    try:
        parsed = read_envelope(reply.body) if reply.body else None
    except UnreadableReplyError:
        parsed = None
    if parsed is None and reply.status in _NOT_A_SERVICE:
        raise _not_a_service(operation, reply.status)
    if parsed is None and reply.status == _FORBIDDEN:
        # A proxy or a web server refusing access: the address is as likely to be wrong as the credentials.
        raise LmsProtocolError(
            "The itslearning address refused access without a SOAP answer: check the address, then the "
            "integration's credentials.",
            {"operation": operation, "status": reply.status},
        )
    if reply.status in _AUTH_STATUSES:
        raise _auth_refused(operation)
    if parsed is not None and parsed.fault is not None:
        # SOAP 1.1 sends every fault with HTTP 500. A Client fault refuses the request itself: sending it again
        # cannot help. A Server fault, or a fault behind 502-504 (a busy or restarting service), is an outage.
        if "FailedAuthentication" in parsed.fault.code or "InvalidSecurity" in parsed.fault.code:
            raise _auth_refused(operation)
        kind = _fault_kind(parsed.fault.code)
        if reply.status > _SERVER_ERROR or kind == "Server":
            raise TransientError(f"http {reply.status} {kind} fault")
        raise LmsProtocolError(
            "itslearning refused a request from the import.", {"operation": operation, "fault": parsed.fault.code}
        )
    if reply.status >= _SERVER_ERROR:
        raise TransientError(f"http {reply.status}", retry_after_s=reply.retry_after_s)
    if reply.status != _OK or parsed is None or parsed.payload is None:
        raise LmsProtocolError(
            "itslearning sent an answer the import cannot read.", {"operation": operation, "status": reply.status}
        )
    return parsed


def _fault_kind(code: str) -> str:
    """``Client`` or ``Server`` from ``soap:Server``, ``s:Server.Busy`` and the like."""
    return code.rsplit(":", 1)[-1].split(".", 1)[0]


def _auth_refused(operation: str) -> LmsProtocolError:
    return LmsProtocolError(
        "itslearning refused the integration's credentials: check the configured user name and password.",
        {"operation": operation, "fault": "FailedAuthentication"},
    )


def _not_a_service(operation: str, status: int) -> LmsProtocolError:
    return LmsProtocolError(
        "Nothing at the itslearning address answers as the integration services (no SOAP answer): check the address.",
        {"operation": operation, "status": status},
    )
