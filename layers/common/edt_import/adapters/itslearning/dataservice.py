"""itslearning's Organisation API (DataService): calendar events as messages, their outcome polled per item.

Message type ids differ between environments, so they are resolved by name once per client. Each connection posts
all its messages first and polls them afterwards: itslearning works on them meanwhile, so polls mostly find them done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from lxml import etree

from edt_import.adapters.itslearning.envelopes import DS_NS, q, root_element
from edt_import.adapters.itslearning.fan_out import fan_out
from edt_import.adapters.itslearning.soap_channel import SoapChannel
from edt_import.adapters.itslearning.sync_keys import wire_key
from edt_import.domain.errors import LmsProtocolError, LmsUnavailableError
from edt_import.domain.plan import EventSpec
from edt_import.domain.ports import ItemResult

DATA_SERVICE_PATH = "/DataService.svc"
CREATE_EVENT = "Create.Calendar.Event"
UPDATE_EVENT = "Update.Calendar.Event"
DELETE_EVENT = "Delete.Calendar.Event"
_DONE = {"Finished", "Failed"}

_UNREADABLE = "itslearning sent an answer the import cannot read."
_STATUS_PATH = f"{q(DS_NS, 'StatusDetails')}/{q(DS_NS, 'DataStatusDetail')}/{q(DS_NS, 'Status')}"
_MESSAGE_TAG = q(DS_NS, "Message")
_BUILD_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


class DataServiceClient:
    def __init__(
        self,
        channels: Sequence[SoapChannel],
        *,
        poll_interval_s: float,
        message_budget_s: float,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._channels = list(channels)
        self._poll_interval_s = poll_interval_s
        self._message_budget_s = message_budget_s
        self._sleep = sleep
        self._clock = clock
        self._type_ids: dict[str, str] | None = None

    def message_type_id(self, name: str) -> str:
        if self._type_ids is None:
            request = root_element(DS_NS, "GetMessageTypes")
            channel = self._channels[0]
            payload = _payload(channel.call(DATA_SERVICE_PATH, _action("GetMessageTypes"), request).payload)
            self._type_ids = {
                (item.findtext(q(DS_NS, "Name")) or "").strip(): (item.findtext(q(DS_NS, "Identifier")) or "").strip()
                for item in payload.iter(q(DS_NS, "MessageType"))
            }
        type_id = self._type_ids.get(name)
        if not type_id:
            raise LmsProtocolError("itslearning does not offer a message type the import needs.", {"type": name})
        return type_id

    def send_events(self, type_name: str, events: Sequence[EventSpec], batch_size: int) -> list[ItemResult]:
        if not events:
            return []
        type_id = self.message_type_id(type_name)
        full = type_name != DELETE_EVENT
        chunks = [events[start : start + batch_size] for start in range(0, len(events), batch_size)]

        def stripe(channel: SoapChannel, mine: Sequence[Sequence[EventSpec]]) -> list[list[ItemResult]]:
            message_ids = [self._add_message(channel, type_id, chunk, full=full) for chunk in mine]
            return [
                self._await_result(channel, message_id, [event.key for event in chunk])
                for message_id, chunk in zip(message_ids, mine, strict=True)
            ]

        distinct = len({event.key for event in events}) == len(events)
        chunk_results = fan_out(self._channels, chunks, stripe, parallel=distinct)
        return [result for results in chunk_results for result in results]

    def _add_message(self, channel: SoapChannel, type_id: str, events: Sequence[EventSpec], *, full: bool) -> str:
        request = root_element(DS_NS, "AddMessage")
        message = etree.SubElement(request, q(DS_NS, "message"))
        etree.SubElement(message, q(DS_NS, "MessageTypeIdentifier")).text = type_id
        etree.SubElement(message, q(DS_NS, "Data")).append(_events_element(events, full=full))
        payload = _payload(channel.call(DATA_SERVICE_PATH, _action("AddMessage"), request).payload)
        message_id = (payload.findtext(q(DS_NS, "MessageId")) or "").strip()
        if not message_id:
            raise LmsProtocolError(_UNREADABLE, {"operation": "AddMessage"})
        return message_id

    def _await_result(self, channel: SoapChannel, message_id: str, keys: list[str]) -> list[ItemResult]:
        started = self._clock()
        while True:
            request = root_element(DS_NS, "GetMessageResult")
            etree.SubElement(request, q(DS_NS, "MessageId")).text = message_id
            payload = _payload(channel.call(DATA_SERVICE_PATH, _action("GetMessageResult"), request).payload)
            result = payload.find(q(DS_NS, "MessageResult"))
            if result is None:
                raise LmsProtocolError(_UNREADABLE, {"operation": "GetMessageResult"})
            status = (result.findtext(q(DS_NS, "Status")) or "").strip()
            if status in _DONE:
                return _read_details(result, keys, status)
            if self._clock() - started + self._poll_interval_s > self._message_budget_s:
                raise LmsUnavailableError(
                    "itslearning did not finish processing the calendar events within "
                    f"{self._message_budget_s:g} seconds.",
                    {"status": status, "items": len(keys)},
                )
            self._sleep(self._poll_interval_s)


def _action(operation: str) -> str:
    return f"{DS_NS}/IDataService/{operation}"


def _payload(payload: etree._Element | None) -> etree._Element:
    if payload is None:
        raise LmsProtocolError(_UNREADABLE, {"operation": "DataService"})
    return payload


# One pass per field: XML-escape, and drop the C0 controls XML 1.0 cannot carry (all but tab, LF, CR).
_ESCAPES: dict[int, str | None] = {code: None for code in range(32) if code not in {9, 10, 13}}
_ESCAPES.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"})


def _text(value: str) -> str:
    return value.translate(_ESCAPES)


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        # astimezone() would read a naive time in the machine's zone: an hour off in a Paris-run demo.
        raise ValueError("an event time has no time zone")
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="seconds")[:19] + "Z"


def _events_element(events: Sequence[EventSpec], *, full: bool) -> etree._Element:
    """``CalendarEvents`` for one message. The hot path of a large sync (about 100k events): the items are
    written as escaped text and parsed once by lxml, three times faster than building them node by node."""
    parts = [f'<CalendarEvents xmlns="{DS_NS}">']
    add = parts.append
    for event in events:
        add(f"<CalendarEvent><SyncKey>{_text(wire_key(event.key))}</SyncKey>")
        add(f"<CourseSyncKey>{_text(wire_key(event.course_key))}</CourseSyncKey>")
        if full:
            if event.teachers:
                add(f"<UserSyncKey>{_text(event.teachers[0])}</UserSyncKey>")
            add(
                f"<Title>{_text(event.title)}</Title><TitleReadOnlyInUi>true</TitleReadOnlyInUi>"
                f"<Description>{_text(event.description)}</Description>"
                f"<Location>{_text(', '.join(event.rooms))}</Location>"
                f"<StartDateTime>{_utc_text(event.start)}</StartDateTime>"
                f"<EndDateTime>{_utc_text(event.end)}</EndDateTime>"
            )
        add("</CalendarEvent>")
    add("</CalendarEvents>")
    return etree.fromstring("".join(parts).encode(), parser=_BUILD_PARSER)


def _read_details(result: etree._Element, keys: list[str], status: str) -> list[ItemResult]:
    details = result.findall(f"{q(DS_NS, 'StatusDetails')}/{q(DS_NS, 'DataStatusDetail')}")
    if not details:
        if status == "Finished":
            return [ItemResult(key=key, ok=True) for key in keys]
        reason = (result.findtext(q(DS_NS, "ErrorMessage")) or "the message failed").strip()
        return [ItemResult(key=key, ok=False, reason=reason) for key in keys]
    if len(details) != len(keys):
        raise LmsProtocolError(
            "itslearning answered for a different number of items than were sent.",
            {"operation": "GetMessageResult", "sent": len(keys), "answered": len(details)},
        )
    # One findall for every item's status instead of one lookup per item: answers carry hundreds of items.
    statuses = [(status.text or "").strip() for status in result.iterfind(_STATUS_PATH)]
    if len(statuses) != len(keys):
        raise LmsProtocolError(_UNREADABLE, {"operation": "GetMessageResult", "field": "Status"})
    results = []
    for index, (key, verdict) in enumerate(zip(keys, statuses, strict=True)):
        if verdict == "Success":
            results.append(ItemResult(key=key, ok=True))
        else:
            reason = (details[index].findtext(_MESSAGE_TAG) or "refused").strip()
            results.append(ItemResult(key=key, ok=False, reason=reason))
    return results
