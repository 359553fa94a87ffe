"""IMS Enterprise Services 1.0: GroupManagement, MembershipManagement and PersonManagement, plural operations.

Every plural answer carries one ``imsx_statusInfo`` per item in ``imsx_statusInfoSet``, in request order; they are
read by position, and a count that does not match the request is a protocol error (never guessed).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import date

from lxml import etree
from msgspec import Struct

from edt_import.adapters.itslearning.envelopes import (
    GMS_NS,
    MMS_NS,
    PMS_NS,
    SoapReply,
    ims_request_header,
    q,
    root_element,
)
from edt_import.adapters.itslearning.soap_channel import SoapChannel
from edt_import.domain.errors import LmsProtocolError
from edt_import.domain.ports import ItemResult

GROUP_PATH = "/GroupManagement.svc"
MEMBERSHIP_PATH = "/MembershipManagement.svc"
PERSON_PATH = "/PersonManagement.svc"
ORGANISATION_TYPES = "ItslearningOrganisationTypes"
MAX_PAGE_SIZE = 100
UNKNOWN_OBJECT = "unknownobject"  # IMS codeMinor: the request names an object the system does not have


class ImsGroup(Struct, frozen=True, kw_only=True):
    key: str
    parent_key: str
    title: str
    group_type: str | None = None  # "Course" makes a hierarchy node with a connected course; None: a plain node
    course_code: str | None = None


class ImsMembership(Struct, frozen=True, kw_only=True):
    key: str
    group_key: str
    person_key: str
    role: str  # "Learner" | "Instructor"


class ImsPerson(Struct, frozen=True, kw_only=True):
    key: str  # "" for a person created by hand (no sync key)
    role: str
    first_name: str
    last_name: str
    birth_date: date | None
    cas_id: str | None


class ImsClient:
    def __init__(self, channel: SoapChannel) -> None:
        self._channel = channel

    # GroupManagement -------------------------------------------------------------------------------------------
    def create_groups(self, groups: Sequence[ImsGroup]) -> list[ItemResult]:
        """Create or, when the sync key exists, update (itslearning upserts on create)."""
        return self._group_pairs("createGroups", groups)

    def delete_groups(self, keys: Sequence[str]) -> list[ItemResult]:
        return self._by_ids(GMS_NS, GROUP_PATH, "deleteGroups", keys)

    def _group_pairs(self, operation: str, groups: Sequence[ImsGroup]) -> list[ItemResult]:
        if not groups:
            return []
        request = root_element(GMS_NS, f"{operation}Request")
        pairs = etree.SubElement(request, q(GMS_NS, "groupIdPairSet"))
        for group in groups:
            _append_group(pairs, group)
        message_id = new_message_id()
        header = ims_request_header(GMS_NS, message_id)
        reply = self._channel.call(GROUP_PATH, _action("gms", operation), request, header)
        return read_item_statuses(reply, GMS_NS, [group.key for group in groups], operation, message_id)

    # MembershipManagement --------------------------------------------------------------------------------------
    def create_memberships(self, memberships: Sequence[ImsMembership]) -> list[ItemResult]:
        if not memberships:
            return []
        operation = "createMemberships"
        request = root_element(MMS_NS, f"{operation}Request")
        pairs = etree.SubElement(request, q(MMS_NS, "membershipIdPairSet"))
        sub = etree.SubElement
        for item in memberships:
            pair = sub(pairs, q(MMS_NS, "membershipIdPair"))
            sub(sub(pair, q(MMS_NS, "sourcedId")), q(MMS_NS, "identifier")).text = item.key
            membership = sub(pair, q(MMS_NS, "membership"))
            sub(sub(membership, q(MMS_NS, "groupSourcedId")), q(MMS_NS, "identifier")).text = item.group_key
            member = sub(membership, q(MMS_NS, "member"))
            sub(sub(member, q(MMS_NS, "personSourcedId")), q(MMS_NS, "identifier")).text = item.person_key
            role = sub(member, q(MMS_NS, "role"))
            sub(role, q(MMS_NS, "roleType")).text = item.role
            sub(role, q(MMS_NS, "status")).text = "Active"
        message_id = new_message_id()
        header = ims_request_header(MMS_NS, message_id)
        reply = self._channel.call(MEMBERSHIP_PATH, _action("mms", operation), request, header)
        return read_item_statuses(reply, MMS_NS, [item.key for item in memberships], operation, message_id)

    def delete_memberships(self, keys: Sequence[str]) -> list[ItemResult]:
        return self._by_ids(MMS_NS, MEMBERSHIP_PATH, "deleteMemberships", keys)

    def read_memberships_for_group(self, group_key: str) -> list[ImsMembership] | None:
        """Every membership of the group ``group_key`` (its own members, not those of its child groups).

        ``None`` when itslearning has no group with this key; any other refusal is a protocol error. IMS ES
        does not page this read: the whole answer comes at once.
        """
        operation = "readMembershipsForGroup"
        reply = self._read_one(MMS_NS, MEMBERSHIP_PATH, operation, "groupSourcedId", group_key)
        if reply is None:
            return None
        payload = reply.payload
        if payload is None:
            raise LmsProtocolError("itslearning sent an answer the import cannot read.", {"operation": operation})
        return [_read_membership(pair) for pair in payload.iter(q(MMS_NS, "membershipIdPair"))]

    def group_exists(self, group_key: str) -> bool:
        """Whether itslearning has a group with the sync key ``group_key`` (IMS ES ``readGroup``)."""
        return self._read_one(GMS_NS, GROUP_PATH, "readGroup", "sourcedId", group_key) is not None

    def _read_one(self, namespace: str, path: str, operation: str, id_element: str, key: str) -> SoapReply | None:
        """A read naming one object by its sync key; None when itslearning has no such object."""
        request = root_element(namespace, f"{operation}Request")
        etree.SubElement(etree.SubElement(request, q(namespace, id_element)), q(namespace, "identifier")).text = key
        message_id = new_message_id()
        header = ims_request_header(namespace, message_id)
        service = "gms" if namespace == GMS_NS else "mms"
        reply = self._channel.call(path, _action(service, operation), request, header)
        return reply if _read_request_status(reply, namespace, operation, message_id) else None

    def _by_ids(self, namespace: str, path: str, operation: str, keys: Sequence[str]) -> list[ItemResult]:
        if not keys:
            return []
        request = root_element(namespace, f"{operation}Request")
        ids = etree.SubElement(request, q(namespace, "sourcedIdSet"))
        tag = q(namespace, "identifier")
        for key in keys:
            etree.SubElement(ids, tag).text = key
        service = "gms" if namespace == GMS_NS else "mms"
        message_id = new_message_id()
        header = ims_request_header(namespace, message_id)
        reply = self._channel.call(path, _action(service, operation), request, header)
        return read_item_statuses(reply, namespace, list(keys), operation, message_id)

    # PersonManagement ------------------------------------------------------------------------------------------
    def read_all_persons(self, page_size: int = MAX_PAGE_SIZE) -> Iterator[ImsPerson]:
        """Every person, page by page (pages start at 1), integration-managed or not: the caller filters."""
        size = max(1, min(page_size, MAX_PAGE_SIZE))
        page = 1
        seen = 0
        while True:
            request = root_element(PMS_NS, "readAllPersonsRequest")
            etree.SubElement(request, q(PMS_NS, "pageIndex")).text = str(page)
            etree.SubElement(request, q(PMS_NS, "pageSize")).text = str(size)
            etree.SubElement(request, q(PMS_NS, "onlyManuallyCreatedUsers")).text = "false"
            reply = self._channel.call(
                PERSON_PATH, _action("pms", "readAllPersons"), request, ims_request_header(PMS_NS)
            )
            payload = reply.payload
            if payload is None:
                raise LmsProtocolError("itslearning sent an answer the import cannot read.", {"operation": "readAll"})
            total = _int_or_fail(payload.findtext(q(PMS_NS, "totalCount")), "readAllPersons")
            persons = [_read_person(pair) for pair in payload.iter(q(PMS_NS, "personIdPair"))]
            yield from persons
            seen += len(persons)
            if not persons or seen >= total:
                return
            page += 1


def _action(service: str, operation: str) -> str:
    return f"http://www.imsglobal.org/soap/{service}/{operation}"


def _append_group(pairs: etree._Element, group: ImsGroup) -> None:
    sub = etree.SubElement
    pair = sub(pairs, q(GMS_NS, "groupIdPair"))
    sub(sub(pair, q(GMS_NS, "sourcedId")), q(GMS_NS, "identifier")).text = group.key
    element = sub(pair, q(GMS_NS, "group"))
    if group.group_type is not None:
        group_type = sub(element, q(GMS_NS, "groupType"))
        sub(group_type, q(GMS_NS, "scheme")).text = ORGANISATION_TYPES
        type_value = sub(group_type, q(GMS_NS, "typeValue"))
        sub(type_value, q(GMS_NS, "type")).text = group.group_type
        sub(type_value, q(GMS_NS, "level")).text = "1"
    relationship = sub(element, q(GMS_NS, "relationship"))
    sub(relationship, q(GMS_NS, "relation")).text = "Parent"
    sub(sub(relationship, q(GMS_NS, "sourcedId")), q(GMS_NS, "identifier")).text = group.parent_key
    sub(relationship, q(GMS_NS, "label")).text = "Parent"
    sub(sub(element, q(GMS_NS, "description")), q(GMS_NS, "descShort")).text = group.title
    if group.group_type == "Course":
        extension = sub(element, q(GMS_NS, "extension"))
        _extension_field(extension, "course", group.title)
        _extension_field(extension, "course/code", group.course_code or "")


def _extension_field(extension: etree._Element, name: str, value: str) -> None:
    field = etree.SubElement(extension, q(GMS_NS, "extensionField"))
    etree.SubElement(field, q(GMS_NS, "fieldName")).text = name
    etree.SubElement(field, q(GMS_NS, "fieldType")).text = "String"
    etree.SubElement(field, q(GMS_NS, "fieldValue")).text = value


def new_message_id() -> str:
    return str(uuid.uuid4())


def read_item_statuses(
    reply: SoapReply, namespace: str, keys: Sequence[str], operation: str, message_id: str | None = None
) -> list[ItemResult]:
    """One result per requested key, by position; the answer's own count must match the request's.

    When the answer names the request it answers (``imsx_messageRefIdentifier``), it must be ``message_id``:
    statuses of another request would be read against the wrong items.
    """
    header = reply.header
    info = None if header is None else header.find(q(namespace, "imsx_syncResponseHeaderInfo"))
    if info is None:
        raise LmsProtocolError("itslearning sent an answer the import cannot read.", {"operation": operation})
    answered = info.findtext(f"{q(namespace, 'imsx_statusInfo')}/{q(namespace, 'imsx_messageRefIdentifier')}")
    if message_id is not None and answered and answered.strip() != message_id:
        raise LmsProtocolError(
            "itslearning answered another request than the one sent.", {"operation": operation, "field": "messageRef"}
        )
    status_set = info.find(q(namespace, "imsx_statusInfoSet"))
    code_tag, text_tag = q(namespace, "imsx_codeMajor"), q(namespace, "imsx_description")
    if status_set is None:
        overall = info.find(q(namespace, "imsx_statusInfo"))
        if overall is None:
            raise LmsProtocolError("itslearning sent an answer the import cannot read.", {"operation": operation})
        ok = (overall.findtext(code_tag) or "").strip() == "success"
        reason = None if ok else (overall.findtext(text_tag) or "refused").strip()
        return [ItemResult(key=key, ok=ok, reason=reason) for key in keys]
    statuses = status_set.findall(q(namespace, "imsx_statusInfo"))
    if len(statuses) != len(keys):
        raise LmsProtocolError(
            "itslearning answered for a different number of items than were sent.",
            {"operation": operation, "sent": len(keys), "answered": len(statuses)},
        )
    results = []
    for key, status in zip(keys, statuses, strict=True):
        if (status.findtext(code_tag) or "").strip() == "success":
            results.append(ItemResult(key=key, ok=True))
        else:
            results.append(ItemResult(key=key, ok=False, reason=(status.findtext(text_tag) or "refused").strip()))
    return results


def _read_request_status(reply: SoapReply, namespace: str, operation: str, message_id: str) -> bool:
    """The status of a whole read request: True on success, False when it names an unknown object."""
    header = reply.header
    info = None if header is None else header.find(q(namespace, "imsx_syncResponseHeaderInfo"))
    status = None if info is None else info.find(q(namespace, "imsx_statusInfo"))
    if status is None:
        raise LmsProtocolError("itslearning sent an answer the import cannot read.", {"operation": operation})
    answered = (status.findtext(q(namespace, "imsx_messageRefIdentifier")) or "").strip()
    if answered and answered != message_id:
        raise LmsProtocolError(
            "itslearning answered another request than the one sent.", {"operation": operation, "field": "messageRef"}
        )
    if (status.findtext(q(namespace, "imsx_codeMajor")) or "").strip() == "success":
        return True
    minor_path = f"{q(namespace, 'imsx_codeMinor')}/{q(namespace, 'imsx_codeMinorField')}"
    value_tag = q(namespace, "imsx_codeMinorFieldValue")
    minors = {(field.findtext(value_tag) or "").strip().lower() for field in status.iterfind(minor_path)}
    if UNKNOWN_OBJECT in minors:
        return False
    raise LmsProtocolError(
        "itslearning refused to read the establishment's school node or its members.",
        {"operation": operation, "reason": (status.findtext(q(namespace, "imsx_description")) or "refused").strip()},
    )


def _read_membership(pair: etree._Element) -> ImsMembership:
    membership = pair.find(q(MMS_NS, "membership"))
    member = None if membership is None else membership.find(q(MMS_NS, "member"))

    def text(element: etree._Element | None, *names: str) -> str:
        path = "/".join(q(MMS_NS, name) for name in names)
        return "" if element is None else (element.findtext(path) or "").strip()

    return ImsMembership(
        key=text(pair, "sourcedId", "identifier"),
        group_key=text(membership, "groupSourcedId", "identifier"),
        person_key=text(member, "personSourcedId", "identifier"),
        role=text(member, "role", "roleType"),
    )


def _read_person(pair: etree._Element) -> ImsPerson:
    key = (pair.findtext(f"{q(PMS_NS, 'sourcedId')}/{q(PMS_NS, 'identifier')}") or "").strip()
    person = pair.find(q(PMS_NS, "person"))
    first = last = role = ""
    birth: date | None = None
    cas_id: str | None = None
    if person is not None:
        for part in person.iter(q(PMS_NS, "partName")):
            kind = (part.findtext(q(PMS_NS, "namePartType")) or "").strip()
            value = (part.findtext(q(PMS_NS, "namePartValue")) or "").strip()
            if kind == "First":
                first = value
            elif kind == "Last":
                last = value
        role = (person.findtext(f"{q(PMS_NS, 'institutionRole')}/{q(PMS_NS, 'institutionRoleType')}") or "").strip()
        birth = _date_or_none(person.findtext(f"{q(PMS_NS, 'demographics')}/{q(PMS_NS, 'bday')}"))
        cas_id = _cas_id(person)
    return ImsPerson(key=key, role=role, first_name=first, last_name=last, birth_date=birth, cas_id=cas_id)


def _cas_id(person: etree._Element) -> str | None:
    for field in person.iter(q(PMS_NS, "extensionField")):
        if (field.findtext(q(PMS_NS, "fieldName")) or "").strip().lower() in {"casid", "cas_id"}:
            value = (field.findtext(q(PMS_NS, "fieldValue")) or "").strip()
            if value:
                return value
    user_id = (person.findtext(f"{q(PMS_NS, 'userId')}/{q(PMS_NS, 'userIdValue')}") or "").strip()
    return user_id or None


def _date_or_none(text: str | None) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _int_or_fail(text: str | None, operation: str) -> int:
    try:
        return int((text or "").strip())
    except ValueError as exc:
        raise LmsProtocolError(
            "itslearning sent an answer the import cannot read.", {"operation": operation, "field": "totalCount"}
        ) from exc
