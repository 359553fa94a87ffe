"""What the client puts on the wire, read back from the bytes it sent to the stand-in: the IMS ES and DataService
shapes itslearning expects, the credentials only where WS-Security puts them, and nothing of them anywhere else."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from edt_import.adapters.itslearning import ItslearningSettings, SoapLmsGateway
from edt_import.adapters.itslearning.transport import HttpReply, KeepAliveTransport
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import LmsProtocolError, LmsUnavailableError
from edt_import.domain.plan import EventSpec
from itslearning_standin import SANDBOX_PASSWORD, SANDBOX_USERNAME, StandinServer, protocol
from tests.support.clock import FakeClock
from tests.support.lms_builders import (
    UAI,
    YEAR_KEY,
    a_course,
    a_member,
    a_person,
    a_year,
    an_event,
)

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
GMS = "http://www.imsglobal.org/services/gms/xsd/imsGroupManMessSchema_v1p0"
MMS = "http://www.imsglobal.org/services/mms/xsd/imsMemberManMessSchema_v1p0"
DS = "http://www.itslearning.com/integration/dataservice/v1"
PASSWORD_TEXT = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"  # noqa: S105 - a URI
NS = {"s": SOAP, "wsse": WSSE, "g": GMS, "m": MMS, "d": DS}


class RecordingTransport:
    """A real kept-alive connection to the stand-in that keeps a copy of every request body."""

    def __init__(self, base_url: str) -> None:
        self.inner = KeepAliveTransport(base_url, timeout_s=10.0)
        self.sent: list[tuple[str, etree._Element]] = []

    def post(self, path: str, body: bytes, soap_action: str) -> HttpReply:
        self.sent.append((soap_action, etree.fromstring(body)))
        return self.inner.post(path, body, soap_action)

    def close(self) -> None:
        self.inner.close()

    def bodies(self, operation: str) -> list[etree._Element]:
        return [body for action, body in self.sent if action.endswith(f"/{operation}")]


def a_recording_gateway(standin: StandinServer, clock: FakeClock) -> tuple[SoapLmsGateway, RecordingTransport]:
    transport = RecordingTransport(standin.base_url)
    settings = ItslearningSettings(base_url=standin.base_url, username=SANDBOX_USERNAME, password=SANDBOX_PASSWORD)
    return SoapLmsGateway(settings, transport=transport, sleep=clock.sleep, clock=clock), transport


def one(element: etree._Element, path: str) -> str:
    found = element.xpath(path, namespaces=NS)
    assert isinstance(found, list)
    assert len(found) == 1, path
    return str(found[0])


def test_gateway_ims_requests_carry_security_header_and_unique_message_ids(
    standin: StandinServer, clock: FakeClock
) -> None:
    # Given a recording gateway
    gateway, transport = a_recording_gateway(standin, clock)
    course = a_course(0)

    # When the year node, a course and a membership are sent
    with gateway:
        gateway.upsert_year_node(a_year())
        gateway.upsert_courses([course])
        gateway.add_members([a_member(course, a_person(1))])

    # Then each envelope has a WS-Security UsernameToken (PasswordText, mustUnderstand) and an IMS sync header
    # with version V1.0 and its own message identifier
    ids = []
    for _, body in transport.sent:
        assert one(body, "/s:Envelope/s:Header/wsse:Security/@s:mustUnderstand") == "1"
        token = "/s:Envelope/s:Header/wsse:Security/wsse:UsernameToken"  # noqa: S105 - a path
        assert one(body, f"{token}/wsse:Username/text()") == SANDBOX_USERNAME
        assert one(body, f"{token}/wsse:Password/text()") == SANDBOX_PASSWORD
        assert one(body, f"{token}/wsse:Password/@Type") == PASSWORD_TEXT
        header = body.xpath("/s:Envelope/s:Header/*[local-name()='imsx_syncRequestHeaderInfo']", namespaces=NS)
        assert isinstance(header, list)
        assert len(header) == 1
        info = header[0]
        assert isinstance(info, etree._Element)
        assert info.findtext(f"{{{etree.QName(info).namespace}}}imsx_version") == "V1.0"
        ids.append(info.findtext(f"{{{etree.QName(info).namespace}}}imsx_messageIdentifier"))
    assert len(ids) == 3
    assert len(set(ids)) == 3
    assert all(ids)


def test_gateway_course_group_has_type_parent_and_course_fields(standin: StandinServer, clock: FakeClock) -> None:
    # Given a recording gateway and a course
    gateway, transport = a_recording_gateway(standin, clock)
    course = a_course(3)

    # When the course is sent
    with gateway:
        gateway.upsert_year_node(a_year())
        gateway.upsert_courses([course])

    # Then it is a group of type Course in itslearning's scheme, under the year node, with the course's title and code
    group = "/s:Envelope/s:Body/g:createGroupsRequest/g:groupIdPairSet/g:groupIdPair"
    body = transport.bodies("createGroups")[1]
    assert one(body, f"{group}/g:sourcedId/g:identifier/text()") == course.key
    assert one(body, f"{group}/g:group/g:groupType/g:scheme/text()") == "ItslearningOrganisationTypes"
    assert one(body, f"{group}/g:group/g:groupType/g:typeValue/g:type/text()") == "Course"
    assert one(body, f"{group}/g:group/g:relationship/g:relation/text()") == "Parent"
    assert one(body, f"{group}/g:group/g:relationship/g:sourcedId/g:identifier/text()") == YEAR_KEY
    assert one(body, f"{group}/g:group/g:description/g:descShort/text()") == course.title
    fields = f"{group}/g:group/g:extension/g:extensionField"
    assert one(body, f"{fields}[g:fieldName='course']/g:fieldValue/text()") == course.title
    assert one(body, f"{fields}[g:fieldName='course/code']/g:fieldValue/text()") == "MATHS"
    # And the year node hangs under the school, as a plain hierarchy node
    year = transport.bodies("createGroups")[0]
    assert one(year, f"{group}/g:group/g:relationship/g:sourcedId/g:identifier/text()") == UAI
    assert year.xpath(f"{group}/g:group/g:groupType", namespaces=NS) == []


def test_gateway_events_are_read_only_utc_with_course_and_user_keys(standin: StandinServer, clock: FakeClock) -> None:
    # Given a recording gateway and an event whose times are given in Paris time (summer: UTC+2)
    gateway, transport = a_recording_gateway(standin, clock)
    course = a_course(0)
    paris = ZoneInfo("Europe/Paris")
    start = datetime(2025, 9, 1, 10, 0, tzinfo=paris)
    event = EventSpec(
        key=f"{course.key}:2025-09-01:3",
        course_key=course.key,
        title="MATHEMATIQUES - 3A0",
        start=start,
        end=start + timedelta(minutes=55),
        local_date=start.date(),
        rooms=("S101", "S102"),
        teachers=(PersonKey("p0007"),),
        description="Salles S101, S102",
    )

    # When it is created
    with gateway:
        gateway.upsert_year_node(a_year())
        gateway.upsert_courses([course])
        results = gateway.create_events([event])

    # Then the message carries one calendar event in UTC (Z), read-only in itslearning's UI, with its keys
    assert [result.ok for result in results] == [True]
    item = "/s:Envelope/s:Body/d:AddMessage/d:message/d:Data/d:CalendarEvents/d:CalendarEvent"
    body = transport.bodies("AddMessage")[0]
    assert one(body, f"{item}/d:SyncKey/text()") == event.key
    assert one(body, f"{item}/d:CourseSyncKey/text()") == course.key
    assert one(body, f"{item}/d:UserSyncKey/text()") == "p0007"
    assert one(body, f"{item}/d:Title/text()") == "MATHEMATIQUES - 3A0"
    assert one(body, f"{item}/d:TitleReadOnlyInUi/text()") == "true"
    assert one(body, f"{item}/d:Description/text()") == "Salles S101, S102"
    assert one(body, f"{item}/d:StartDateTime/text()") == "2025-09-01T08:00:00Z"
    assert one(body, f"{item}/d:EndDateTime/text()") == "2025-09-01T08:55:00Z"
    stored = standin.dump()["events"][0]
    assert (stored["start"], stored["end"], stored["title_read_only"]) == (
        "2025-09-01T08:00:00Z",
        "2025-09-01T08:55:00Z",
        True,
    )


def test_gateway_naive_event_time_refused_before_sending(gateway: SoapLmsGateway, standin: StandinServer) -> None:
    # Given an event whose start has no time zone (a bug upstream: the machine's zone would be guessed)
    course = a_course(0)
    naive = an_event(course, 0)
    naive = EventSpec(
        key=naive.key,
        course_key=naive.course_key,
        title=naive.title,
        start=naive.start.replace(tzinfo=None),
        end=naive.end,
        local_date=naive.local_date,
    )
    calls = standin.stats()["calls"]

    # When it is sent, then it is refused before anything goes out
    with pytest.raises(ValueError, match="time zone"):
        gateway.create_events([naive])
    assert standin.stats()["calls"] - calls <= 1  # at most the message-type look-up


def test_gateway_message_types_resolved_by_name(
    standin: StandinServer, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an itslearning whose calendar message types have other ids than usual
    monkeypatch.setattr(
        protocol,
        "MESSAGE_TYPES",
        {"7": "Delete.Calendar.Event", "8": "Create.Calendar.Event", "9": "Update.Calendar.Event", "3": "Other"},
    )
    course = a_course(0)
    event = an_event(course, 0)
    gateway, transport = a_recording_gateway(standin, clock)

    # When an event is created, updated, then deleted
    with gateway:
        gateway.upsert_year_node(a_year())
        gateway.upsert_courses([course])
        created = gateway.create_events([event])
        after_create = standin.stats()["events"]
        updated = gateway.update_events([an_event(course, 0, title="MATHS")])
        deleted = gateway.delete_events([event])

    # Then each went out with the id itslearning gave that name, looked up once
    assert [created[0].ok, updated[0].ok, deleted[0].ok] == [True, True, True]
    assert (after_create, standin.stats()["events"]) == (1, 0)
    type_ids = [
        one(body, "/s:Envelope/s:Body/d:AddMessage/d:message/d:MessageTypeIdentifier/text()")
        for body in transport.bodies("AddMessage")
    ]
    assert type_ids == ["8", "9", "7"]
    assert len(transport.bodies("GetMessageTypes")) == 1


def test_gateway_credentials_never_in_logs_errors_or_reprs(
    standin: StandinServer, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    # Given distinctive credentials, every logger at DEBUG, and a stand-in failing every call
    secret = "Zq9-very-secret-pw"  # noqa: S105
    standin.fault_rate = 1.0
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []

    # When calls fail for every reason the client knows: outage past the budget, then refused credentials
    settings = ItslearningSettings(
        base_url=standin.base_url, username=SANDBOX_USERNAME, password=secret, retry_budget_s=2.0
    )
    with SoapLmsGateway(settings, sleep=clock.sleep, clock=clock) as gateway:
        with pytest.raises(LmsUnavailableError) as outage:
            gateway.upsert_year_node(a_year())
        errors.append(outage.value)
        standin.fault_rate = 0.0
        with pytest.raises(LmsProtocolError) as refused:
            gateway.create_events([an_event(a_course(0), 0)])
        errors.append(refused.value)
        shown = [repr(gateway), repr(settings), str(settings)]

    # Then the secret appears in no log line, no error (message, details, causes) and no repr
    for error in errors:
        chain: BaseException | None = error
        while chain is not None:
            shown += [str(chain), repr(chain), repr(getattr(chain, "details", ""))]
            chain = chain.__cause__ or chain.__context__
    shown.append(caplog.text)
    assert [text for text in shown if secret in text] == []
