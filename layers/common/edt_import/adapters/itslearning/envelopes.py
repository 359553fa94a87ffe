"""SOAP 1.1 envelopes with a WS-Security UsernameToken, built and read with lxml.

Building and reading are pure: the transport is someone else's business. A reply is parsed once; callers walk the
returned body element instead of re-parsing anything.
"""

from __future__ import annotations

import uuid

from lxml import etree
from msgspec import Struct

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"  # noqa: S105 - a token type URI

# IMS Enterprise Services 1.0: each service has its own message schema namespace (header types included).
PMS_NS = "http://www.imsglobal.org/services/pms/xsd/imsPersonManMessSchema_v1p0"
GMS_NS = "http://www.imsglobal.org/services/gms/xsd/imsGroupManMessSchema_v1p0"
MMS_NS = "http://www.imsglobal.org/services/mms/xsd/imsMemberManMessSchema_v1p0"
# itslearning's Organisation API (DataService).
DS_NS = "http://www.itslearning.com/integration/dataservice/v1"

_ENVELOPE = f"{{{SOAP_NS}}}Envelope"
_HEADER = f"{{{SOAP_NS}}}Header"
_BODY = f"{{{SOAP_NS}}}Body"
_FAULT = f"{{{SOAP_NS}}}Fault"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class UnreadableReplyError(Exception):
    """The bytes are not a SOAP 1.1 envelope with a body."""


class SoapFault(Struct, frozen=True, kw_only=True):
    code: str  # e.g. "soap:Client", "wsse:FailedAuthentication"
    reason: str


class SoapReply(Struct, frozen=True, kw_only=True):
    header: etree._Element | None
    payload: etree._Element | None  # the first child of Body
    fault: SoapFault | None = None


def q(namespace: str, name: str) -> str:
    """Clark notation ``{ns}name``, the tag form lxml uses."""
    return f"{{{namespace}}}{name}"


def root_element(namespace: str, name: str) -> etree._Element:
    """An element declaring ``namespace`` as the default one, so its children serialise without prefixes."""
    return etree.Element(q(namespace, name), nsmap={None: namespace})  # type: ignore[dict-item]


def build_envelope(
    *, username: str, password: str, payload: etree._Element, header_info: etree._Element | None = None
) -> bytes:
    """One request: the security header, an optional service header (IMS sync header info) and the payload."""
    envelope = etree.Element(_ENVELOPE, nsmap={"soap": SOAP_NS})
    header = etree.SubElement(envelope, _HEADER)
    security = etree.SubElement(header, q(WSSE_NS, "Security"), nsmap={"wsse": WSSE_NS})
    security.set(q(SOAP_NS, "mustUnderstand"), "1")
    token = etree.SubElement(security, q(WSSE_NS, "UsernameToken"))
    etree.SubElement(token, q(WSSE_NS, "Username")).text = username
    secret = etree.SubElement(token, q(WSSE_NS, "Password"))
    secret.set("Type", PASSWORD_TEXT)
    secret.text = password
    if header_info is not None:
        header.append(header_info)
    etree.SubElement(envelope, _BODY).append(payload)
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def ims_request_header(namespace: str, message_id: str | None = None) -> etree._Element:
    """``imsx_syncRequestHeaderInfo`` with a fresh message identifier, as the IMS ES binding requires."""
    info = root_element(namespace, "imsx_syncRequestHeaderInfo")
    etree.SubElement(info, q(namespace, "imsx_version")).text = "V1.0"
    etree.SubElement(info, q(namespace, "imsx_messageIdentifier")).text = message_id or str(uuid.uuid4())
    return info


def read_envelope(data: bytes) -> SoapReply:
    """Parse a reply once; a Fault is returned (not raised) so the caller decides what it means."""
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadableReplyError("not XML") from exc
    if root.tag != _ENVELOPE:
        raise UnreadableReplyError("not a SOAP envelope")
    header = root.find(_HEADER)
    body = root.find(_BODY)
    if body is None:
        raise UnreadableReplyError("no SOAP body")
    payload = next((child for child in body if isinstance(child.tag, str)), None)
    if payload is not None and payload.tag == _FAULT:
        return SoapReply(header=header, payload=None, fault=_read_fault(payload))
    return SoapReply(header=header, payload=payload)


def _read_fault(fault: etree._Element) -> SoapFault:
    return SoapFault(
        code=(fault.findtext("faultcode") or "").strip(), reason=(fault.findtext("faultstring") or "").strip()
    )
