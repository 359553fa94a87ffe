"""The SOAP side of the stand-in: read a request envelope, apply it to the state, write the answer envelope.

Namespaces and element names are written out here again on purpose: the stand-in must not share code with the
client it checks, or a mistake on both sides would cancel out.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable
from datetime import datetime
from xml.sax.saxutils import escape

from lxml import etree
from msgspec import Struct, field

from itslearning_standin.state import NO_GROUP_WITH_KEY, EventInput, GroupInput, Membership, Outcome, StandinState

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PMS = "http://www.imsglobal.org/services/pms/xsd/imsPersonManMessSchema_v1p0"
GMS = "http://www.imsglobal.org/services/gms/xsd/imsGroupManMessSchema_v1p0"
MMS = "http://www.imsglobal.org/services/mms/xsd/imsMemberManMessSchema_v1p0"
DS = "http://www.itslearning.com/integration/dataservice/v1"

MESSAGE_TYPES = {
    "11": "Create.Course",
    "12": "Update.Course",
    "101": "Create.Calendar.Event",
    "102": "Update.Calendar.Event",
    "103": "Delete.Calendar.Event",
}
MAX_PAGE_SIZE = 100

_CALENDAR_EVENT = f"{{{DS}}}CalendarEvent"
_SYNC_KEY = f"{{{DS}}}SyncKey"
_COURSE_SYNC_KEY = f"{{{DS}}}CourseSyncKey"
_USER_SYNC_KEY = f"{{{DS}}}UserSyncKey"
_TITLE = f"{{{DS}}}Title"
_START = f"{{{DS}}}StartDateTime"
_END = f"{{{DS}}}EndDateTime"
_DESCRIPTION = f"{{{DS}}}Description"
_LOCATION = f"{{{DS}}}Location"
_TITLE_READ_ONLY = f"{{{DS}}}TitleReadOnlyInUi"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


class SoapFaultError(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class Message(Struct, kw_only=True):
    keys: list[str]
    outcomes: list[Outcome]
    polls_before_done: int


class Context(Struct, kw_only=True):
    """Everything an operation may touch; the server holds ``lock`` around ``handle``."""

    state: StandinState
    username: str
    password: str
    locked_before: datetime | None = None
    queue_polls: int = 0  # GetMessageResult answers InQueue this many times before Finished
    messages: dict[str, Message] = field(default_factory=dict)


class Answer(Struct, frozen=True, kw_only=True):
    body: bytes
    items: int
    changed: bool


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def parse_request(data: bytes) -> etree._Element:
    """The envelope's root; anything else is a client fault."""
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise SoapFaultError("soap:Client", "The request is not well-formed XML.") from exc
    if root.tag != q(SOAP, "Envelope"):
        raise SoapFaultError("soap:Client", "The request is not a SOAP 1.1 envelope.")
    return root


def handle(root: etree._Element, context: Context) -> Answer:
    """Authenticate, dispatch on the body's first element, and build the answer (or raise ``SoapFaultError``)."""
    _authenticate(root, context)
    body = root.find(q(SOAP, "Body"))
    payload = None if body is None else next((c for c in body if isinstance(c.tag, str)), None)
    if payload is None:
        raise SoapFaultError("soap:Client", "The request has no body.")
    operation = _OPERATIONS.get(payload.tag)
    if operation is None:
        raise SoapFaultError("soap:Client", "The operation is not supported.")
    return operation(root, payload, context)


def fault_envelope(code: str, reason: str) -> bytes:
    envelope = etree.Element(q(SOAP, "Envelope"), nsmap={"soap": SOAP, "wsse": WSSE})
    fault = etree.SubElement(etree.SubElement(envelope, q(SOAP, "Body")), q(SOAP, "Fault"))
    etree.SubElement(fault, "faultcode").text = code
    etree.SubElement(fault, "faultstring").text = reason
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def _authenticate(root: etree._Element, context: Context) -> None:
    token = root.find(f"{q(SOAP, 'Header')}/{q(WSSE, 'Security')}/{q(WSSE, 'UsernameToken')}")
    if token is None:
        raise SoapFaultError("wsse:InvalidSecurity", "The request carries no security token.")
    username = (token.findtext(q(WSSE, "Username")) or "").strip()
    password = token.findtext(q(WSSE, "Password")) or ""
    same_user = hmac.compare_digest(username.encode(), context.username.encode())
    same_password = hmac.compare_digest(password.encode(), context.password.encode())
    if not (same_user and same_password):
        raise SoapFaultError(
            "wsse:FailedAuthentication", "The security token could not be authenticated or authorized."
        )


def _envelope(payload: etree._Element, header_info: etree._Element | None = None) -> bytes:
    envelope = etree.Element(q(SOAP, "Envelope"), nsmap={"soap": SOAP})
    header = etree.SubElement(envelope, q(SOAP, "Header"))
    if header_info is not None:
        header.append(header_info)
    etree.SubElement(envelope, q(SOAP, "Body")).append(payload)
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def _element(namespace: str, name: str) -> etree._Element:
    return etree.Element(q(namespace, name), nsmap={None: namespace})  # type: ignore[dict-item]


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    return (element.findtext(path) or "").strip()


# IMS ES -----------------------------------------------------------------------------------------------------------
def _ims_answer(
    root: etree._Element, namespace: str, operation: str, keys: list[str], outcomes: list[Outcome]
) -> etree._Element:
    """``imsx_syncResponseHeaderInfo`` with one ``imsx_statusInfo`` per item, in request order."""
    request_id = _text(root, f"{q(SOAP, 'Header')}/{q(namespace, 'imsx_syncRequestHeaderInfo')}/"
                       f"{q(namespace, 'imsx_messageIdentifier')}")  # fmt: skip
    info = _element(namespace, "imsx_syncResponseHeaderInfo")
    sub = etree.SubElement
    sub(info, q(namespace, "imsx_version")).text = "V1.0"
    sub(info, q(namespace, "imsx_messageIdentifier")).text = str(uuid.uuid4())
    overall = sub(info, q(namespace, "imsx_statusInfo"))
    all_ok = all(outcome.ok for outcome in outcomes)
    sub(overall, q(namespace, "imsx_codeMajor")).text = "success" if all_ok else "failure"
    sub(overall, q(namespace, "imsx_severity")).text = "status" if all_ok else "error"
    sub(overall, q(namespace, "imsx_messageRefIdentifier")).text = request_id
    sub(overall, q(namespace, "imsx_operationRefIdentifier")).text = operation
    status_set = sub(info, q(namespace, "imsx_statusInfoSet"))
    for key, outcome in zip(keys, outcomes, strict=True):
        status = sub(status_set, q(namespace, "imsx_statusInfo"))
        sub(status, q(namespace, "imsx_codeMajor")).text = "success" if outcome.ok else "failure"
        sub(status, q(namespace, "imsx_severity")).text = "status" if outcome.ok else "error"
        sub(status, q(namespace, "imsx_operationRefIdentifier")).text = key
        if not outcome.ok:
            sub(status, q(namespace, "imsx_description")).text = outcome.reason
            minor = sub(sub(status, q(namespace, "imsx_codeMinor")), q(namespace, "imsx_codeMinorField"))
            sub(minor, q(namespace, "imsx_codeMinorFieldName")).text = "TargetEndSystem"
            sub(minor, q(namespace, "imsx_codeMinorFieldValue")).text = "invaliddata"
    return info


def _read_groups(payload: etree._Element) -> list[GroupInput]:
    items = []
    for pair in payload.iter(q(GMS, "groupIdPair")):
        group = pair.find(q(GMS, "group"))
        group_type = None
        if group is not None:
            for kind in group.iter(q(GMS, "groupType")):
                if _text(kind, q(GMS, "scheme")) == "ItslearningOrganisationTypes":
                    group_type = _text(kind, f"{q(GMS, 'typeValue')}/{q(GMS, 'type')}") or None
        parent = ""
        fields: dict[str, str] = {}
        if group is not None:
            for relationship in group.iter(q(GMS, "relationship")):
                if _text(relationship, q(GMS, "relation")) == "Parent":
                    parent = _text(relationship, f"{q(GMS, 'sourcedId')}/{q(GMS, 'identifier')}")
            for extension_field in group.iter(q(GMS, "extensionField")):
                fields[_text(extension_field, q(GMS, "fieldName"))] = _text(extension_field, q(GMS, "fieldValue"))
        items.append(
            GroupInput(
                key=_text(pair, f"{q(GMS, 'sourcedId')}/{q(GMS, 'identifier')}"),
                parent_key=parent,
                title=_text(group, f"{q(GMS, 'description')}/{q(GMS, 'descShort')}"),
                group_type=group_type,
                course_title=fields.get("course", ""),
                course_code=fields.get("course/code", ""),
            )
        )
    return items


def _groups_operation(create: bool, update: bool) -> Callable[[etree._Element, etree._Element, Context], Answer]:
    def operation(root: etree._Element, payload: etree._Element, context: Context) -> Answer:
        name = etree.QName(payload).localname.removesuffix("Request")
        items = _read_groups(payload)
        outcomes = context.state.put_groups(items, create=create, update=update)
        keys = [item.key for item in items]
        header = _ims_answer(root, GMS, name, keys, outcomes)
        return Answer(body=_envelope(_element(GMS, f"{name}Response"), header), items=len(items), changed=True)

    return operation


def _sourced_ids(payload: etree._Element, namespace: str) -> list[str]:
    ids = payload.find(q(namespace, "sourcedIdSet"))
    return [] if ids is None else [(i.text or "").strip() for i in ids.iter(q(namespace, "identifier"))]


def _delete_groups(root: etree._Element, payload: etree._Element, context: Context) -> Answer:
    keys = _sourced_ids(payload, GMS)
    header = _ims_answer(root, GMS, "deleteGroups", keys, context.state.delete_groups(keys))
    return Answer(body=_envelope(_element(GMS, "deleteGroupsResponse"), header), items=len(keys), changed=True)


def _create_memberships(root: etree._Element, payload: etree._Element, context: Context) -> Answer:
    items = []
    for pair in payload.iter(q(MMS, "membershipIdPair")):
        membership = pair.find(q(MMS, "membership"))
        items.append(
            Membership(
                key=_text(pair, f"{q(MMS, 'sourcedId')}/{q(MMS, 'identifier')}"),
                group_key=_text(membership, f"{q(MMS, 'groupSourcedId')}/{q(MMS, 'identifier')}"),
                person_key=_text(membership, f"{q(MMS, 'member')}/{q(MMS, 'personSourcedId')}/{q(MMS, 'identifier')}"),
                role=_text(membership, f"{q(MMS, 'member')}/{q(MMS, 'role')}/{q(MMS, 'roleType')}"),
            )
        )
    outcomes = context.state.put_memberships(items)
    header = _ims_answer(root, MMS, "createMemberships", [item.key for item in items], outcomes)
    return Answer(body=_envelope(_element(MMS, "createMembershipsResponse"), header), items=len(items), changed=True)


def _delete_memberships(root: etree._Element, payload: etree._Element, context: Context) -> Answer:
    keys = _sourced_ids(payload, MMS)
    header = _ims_answer(root, MMS, "deleteMemberships", keys, context.state.delete_memberships(keys))
    return Answer(body=_envelope(_element(MMS, "deleteMembershipsResponse"), header), items=len(keys), changed=True)


def _read_memberships_for_group(root: etree._Element, payload: etree._Element, context: Context) -> Answer:
    """The group's own memberships, unpaged as in IMS ES; an unknown group fails the whole request."""
    group_key = _text(payload, f"{q(MMS, 'groupSourcedId')}/{q(MMS, 'identifier')}")
    memberships = context.state.memberships_of(group_key)
    answer = _element(MMS, "readMembershipsForGroupResponse")
    if memberships is None:
        return _no_such_group(root, MMS, "readMembershipsForGroup", answer)
    sub = etree.SubElement
    pairs = sub(answer, q(MMS, "membershipIdPairSet"))
    for item in memberships:
        pair = sub(pairs, q(MMS, "membershipIdPair"))
        sub(sub(pair, q(MMS, "sourcedId")), q(MMS, "identifier")).text = item.key
        membership = sub(pair, q(MMS, "membership"))
        sub(sub(membership, q(MMS, "groupSourcedId")), q(MMS, "identifier")).text = item.group_key
        member = sub(membership, q(MMS, "member"))
        sub(sub(member, q(MMS, "personSourcedId")), q(MMS, "identifier")).text = item.person_key
        role = sub(member, q(MMS, "role"))
        sub(role, q(MMS, "roleType")).text = item.role
        sub(role, q(MMS, "status")).text = "Active"
    header = _ims_answer(root, MMS, "readMembershipsForGroup", [], [])
    return Answer(body=_envelope(answer, header), items=len(memberships), changed=False)


def _read_group(root: etree._Element, payload: etree._Element, context: Context) -> Answer:
    """One group by its sync key; an unknown group fails the whole request, as for a membership read."""
    group = context.state.groups.get(_text(payload, f"{q(GMS, 'sourcedId')}/{q(GMS, 'identifier')}"))
    answer = _element(GMS, "readGroupResponse")
    if group is None:
        return _no_such_group(root, GMS, "readGroup", answer)
    sub = etree.SubElement
    found = sub(answer, q(GMS, "group"))
    sub(sub(found, q(GMS, "sourcedId")), q(GMS, "identifier")).text = group.key
    sub(sub(found, q(GMS, "description")), q(GMS, "descShort")).text = group.title
    header = _ims_answer(root, GMS, "readGroup", [], [])
    return Answer(body=_envelope(answer, header), items=1, changed=False)


def _no_such_group(root: etree._Element, namespace: str, operation: str, answer: etree._Element) -> Answer:
    header = _ims_request_failure(root, namespace, operation, NO_GROUP_WITH_KEY)
    return Answer(body=_envelope(answer, header), items=0, changed=False)


def _ims_request_failure(root: etree._Element, namespace: str, operation: str, reason: str) -> etree._Element:
    """A failure of the whole request (no per-item statuses): the object it names does not exist."""
    info = _ims_answer(root, namespace, operation, [], [])
    status = info.find(q(namespace, "imsx_statusInfo"))
    assert status is not None  # noqa: S101 - _ims_answer always writes it
    sub = etree.SubElement
    status.find(q(namespace, "imsx_codeMajor")).text = "failure"  # type: ignore[union-attr]
    status.find(q(namespace, "imsx_severity")).text = "error"  # type: ignore[union-attr]
    sub(status, q(namespace, "imsx_description")).text = reason
    minor = sub(sub(status, q(namespace, "imsx_codeMinor")), q(namespace, "imsx_codeMinorField"))
    sub(minor, q(namespace, "imsx_codeMinorFieldName")).text = "TargetEndSystem"
    sub(minor, q(namespace, "imsx_codeMinorFieldValue")).text = "unknownobject"
    status_set = info.find(q(namespace, "imsx_statusInfoSet"))
    if status_set is not None:
        info.remove(status_set)
    return info


def _read_all_persons(root: etree._Element, payload: etree._Element, context: Context) -> Answer:
    try:
        page = int(_text(payload, q(PMS, "pageIndex")) or "1")
        size = int(_text(payload, q(PMS, "pageSize")) or str(MAX_PAGE_SIZE))
    except ValueError as exc:
        raise SoapFaultError("soap:Client", "pageIndex and pageSize must be numbers.") from exc
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise SoapFaultError("soap:Client", "pageIndex starts at 1 and pageSize is between 1 and 100.")
    only_manual = _text(payload, q(PMS, "onlyManuallyCreatedUsers")).lower() == "true"
    persons = [p for p in context.state.persons if not only_manual or not p.key]
    chunk = persons[(page - 1) * size : page * size]
    answer = _element(PMS, "readAllPersonsResponse")
    sub = etree.SubElement
    pairs = sub(answer, q(PMS, "personIdPairSet"))
    for person in chunk:
        pair = sub(pairs, q(PMS, "personIdPair"))
        sub(sub(pair, q(PMS, "sourcedId")), q(PMS, "identifier")).text = person.key
        element = sub(pair, q(PMS, "person"))
        name = sub(element, q(PMS, "name"))
        sub(name, q(PMS, "fn")).text = f"{person.first_name} {person.last_name}"
        for kind, value in (("First", person.first_name), ("Last", person.last_name)):
            part = sub(name, q(PMS, "partName"))
            sub(part, q(PMS, "namePartType")).text = kind
            sub(part, q(PMS, "namePartValue")).text = value
        if person.birth_date:
            sub(sub(element, q(PMS, "demographics")), q(PMS, "bday")).text = person.birth_date
        role = sub(element, q(PMS, "institutionRole"))
        sub(role, q(PMS, "institutionRoleType")).text = person.role
        sub(role, q(PMS, "primaryRoleType")).text = "true"
        sub(sub(element, q(PMS, "userId")), q(PMS, "userIdValue")).text = f"user{person.id}"
        if person.cas_id:
            extension_field = sub(sub(element, q(PMS, "extension")), q(PMS, "extensionField"))
            sub(extension_field, q(PMS, "fieldName")).text = "casId"
            sub(extension_field, q(PMS, "fieldType")).text = "String"
            sub(extension_field, q(PMS, "fieldValue")).text = person.cas_id
    sub(answer, q(PMS, "totalCount")).text = str(len(persons))
    header = _ims_answer(root, PMS, "readAllPersons", [], [])
    return Answer(body=_envelope(answer, header), items=len(chunk), changed=False)


# DataService ------------------------------------------------------------------------------------------------------
def _get_message_types(root: etree._Element, payload: etree._Element, context: Context) -> Answer:  # noqa: ARG001
    answer = _element(DS, "GetMessageTypesResponse")
    types = etree.SubElement(answer, q(DS, "MessageTypes"))
    for identifier, name in MESSAGE_TYPES.items():
        item = etree.SubElement(types, q(DS, "MessageType"))
        etree.SubElement(item, q(DS, "Identifier")).text = identifier
        etree.SubElement(item, q(DS, "Name")).text = name
    return Answer(body=_envelope(answer), items=0, changed=False)


def _add_message(root: etree._Element, payload: etree._Element, context: Context) -> Answer:  # noqa: ARG001
    message = payload.find(q(DS, "message"))
    type_name = MESSAGE_TYPES.get(_text(message, q(DS, "MessageTypeIdentifier")))
    if message is None or type_name not in {"Create.Calendar.Event", "Update.Calendar.Event", "Delete.Calendar.Event"}:
        raise SoapFaultError("soap:Client", "The message type is unknown or not supported here.")
    events = []
    for element in message.iter(_CALENDAR_EVENT):
        values = {child.tag: child.text for child in element}
        events.append(
            EventInput(
                key=(values.get(_SYNC_KEY) or "").strip(),
                course_key=(values.get(_COURSE_SYNC_KEY) or "").strip(),
                title=(values.get(_TITLE) or "").strip(),
                start=(values.get(_START) or "").strip(),
                end=(values.get(_END) or "").strip(),
                description=values.get(_DESCRIPTION) or "",
                location=values.get(_LOCATION) or "",
                user_key=(values.get(_USER_SYNC_KEY) or "").strip(),
                title_read_only=(values.get(_TITLE_READ_ONLY) or "").strip().lower() == "true",
            )
        )
    state = context.state
    if type_name == "Delete.Calendar.Event":
        outcomes = state.delete_events([event.key for event in events], locked_before=context.locked_before)
    else:
        outcomes = state.put_events(events, create=type_name == "Create.Calendar.Event")
    message_id = str(uuid.uuid4())
    context.messages[message_id] = Message(
        keys=[event.key for event in events], outcomes=outcomes, polls_before_done=context.queue_polls
    )
    answer = _element(DS, "AddMessageResponse")
    etree.SubElement(answer, q(DS, "MessageId")).text = message_id
    return Answer(body=_envelope(answer), items=len(events), changed=True)


def _get_message_result(root: etree._Element, payload: etree._Element, context: Context) -> Answer:  # noqa: ARG001
    message_id = _text(payload, q(DS, "MessageId"))
    message = context.messages.get(message_id)
    if message is None:
        raise SoapFaultError("soap:Client", "No message has this id.")
    answer = _element(DS, "GetMessageResultResponse")
    sub = etree.SubElement
    result = sub(answer, q(DS, "MessageResult"))
    sub(result, q(DS, "MessageId")).text = message_id
    if message.polls_before_done > 0:
        message.polls_before_done -= 1
        sub(result, q(DS, "Status")).text = "InQueue"
        return Answer(body=_envelope(answer), items=0, changed=False)
    sub(result, q(DS, "Status")).text = "Finished"
    # Written as text and parsed once: a result carries hundreds of items and the stand-in must stay fast.
    parts = [f'<StatusDetails xmlns="{DS}">']
    for index, (key, outcome) in enumerate(zip(message.keys, message.outcomes, strict=True)):
        verdict = "Success" if outcome.ok else "Error"
        parts.append(
            f"<DataStatusDetail><Index>{index}</Index><SyncKey>{escape(key)}</SyncKey><Status>{verdict}</Status>"
        )
        if not outcome.ok:
            parts.append(f"<Message>{escape(outcome.reason)}</Message>")
        parts.append("</DataStatusDetail>")
    parts.append("</StatusDetails>")
    result.append(etree.fromstring("".join(parts).encode(), parser=_PARSER))
    return Answer(body=_envelope(answer), items=0, changed=False)


_OPERATIONS: dict[str, Callable[[etree._Element, etree._Element, Context], Answer]] = {
    q(GMS, "createGroupsRequest"): _groups_operation(create=True, update=True),
    q(GMS, "replaceGroupsRequest"): _groups_operation(create=True, update=True),
    q(GMS, "updateGroupsRequest"): _groups_operation(create=False, update=True),
    q(GMS, "deleteGroupsRequest"): _delete_groups,
    q(MMS, "createMembershipsRequest"): _create_memberships,
    q(MMS, "deleteMembershipsRequest"): _delete_memberships,
    q(GMS, "readGroupRequest"): _read_group,
    q(MMS, "readMembershipsForGroupRequest"): _read_memberships_for_group,
    q(PMS, "readAllPersonsRequest"): _read_all_persons,
    q(DS, "GetMessageTypes"): _get_message_types,
    q(DS, "AddMessage"): _add_message,
    q(DS, "GetMessageResult"): _get_message_result,
}
