"""``SoapLmsGateway``: the ``LmsGateway`` port over itslearning's IMS ES and DataService SOAP interfaces."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import TypeVar
from urllib.parse import urlsplit

from msgspec import Struct

from edt_import.adapters.itslearning.dataservice import CREATE_EVENT, DELETE_EVENT, UPDATE_EVENT, DataServiceClient
from edt_import.adapters.itslearning.fan_out import fan_out
from edt_import.adapters.itslearning.ims import MAX_PAGE_SIZE, ImsClient, ImsGroup, ImsMembership, ImsPerson
from edt_import.adapters.itslearning.retry import RetryPolicy
from edt_import.adapters.itslearning.soap_channel import SoapChannel
from edt_import.adapters.itslearning.sync_keys import wire_key
from edt_import.adapters.itslearning.transport import HttpFigures, HttpMeter, KeepAliveTransport, SoapTransport
from edt_import.domain.directory import DirectoryPerson, PersonKey, Profile, Source
from edt_import.domain.errors import ConfigError, LmsProtocolError
from edt_import.domain.plan import CourseSpec, EventSpec, MemberSpec, YearNode
from edt_import.domain.ports import BATCH_SIZE, ItemResult, unknown_school_node

T = TypeVar("T")

_PROFILES = {"learner": Profile.STUDENT, "student": Profile.STUDENT, "instructor": Profile.TEACHER}


class ItslearningSettings(Struct, frozen=True, kw_only=True):
    """Where and how to reach itslearning. The credentials come from Secrets Manager in AWS, never from code.

    ``base_url`` is the address the services hang under: ``{base_url}/GroupManagement.svc``,
    ``/MembershipManagement.svc``, ``/PersonManagement.svc`` and ``/DataService.svc``.
    """

    base_url: str
    username: str
    password: str
    timeout_s: float = 30.0  # one HTTP exchange
    batch_size: int = BATCH_SIZE  # items per plural call and events per message
    retry_budget_s: float = 120.0  # transient trouble is retried this long per call
    poll_interval_s: float = 1.0  # between two GetMessageResult of one message
    message_budget_s: float = 600.0  # a message not Finished after this long makes the call unavailable
    page_size: int = MAX_PAGE_SIZE  # readAllPersons (itslearning's limit is 100)
    connections: int = 4  # batches of one call sent in parallel over this many kept-alive connections

    def __repr__(self) -> str:
        # The password never shows in a repr, hence in a log line or a traceback.
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__struct_fields__ if name != "password")
        return f"ItslearningSettings({shown}, password=<hidden>)"

    @property
    def sync_batch_size(self) -> int:
        """Actions per batch of the sync: one batch fills every connection the client spreads a call over."""
        return self.batch_size * self.connections

    def __post_init__(self) -> None:
        address = urlsplit(self.base_url)
        if address.username is not None or address.password is not None:
            # The address shows in reprs and logs; credentials belong in username/password only.
            raise ConfigError("The itslearning address must not carry a user name or password.")
        if not self.username or not self.password:
            raise ConfigError("The itslearning user name and password must both be configured.")
        if self.batch_size < 1 or self.connections < 1 or self.timeout_s <= 0 or self.retry_budget_s < 0:
            raise ConfigError(
                "The itslearning batch size and time limits must be positive.", {"batch_size": self.batch_size}
            )


class SoapLmsGateway:
    """Writes the plan's objects into itslearning; one result per item, in request order.

    Not meant to be shared between threads: calls are serialised on one kept-alive connection anyway.
    """

    def __init__(
        self,
        settings: ItslearningSettings,
        *,
        transport: SoapTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] | None = None,
        on_retry: Callable[[int, str, float], None] | None = None,
    ) -> None:
        self._settings = settings
        retry = RetryPolicy(
            budget_s=settings.retry_budget_s,
            sleep=sleep,
            clock=clock,
            rand=rand or random.Random().random,  # noqa: S311 - jitter, not crypto
            on_retry=on_retry,
        )
        self._meter = HttpMeter()
        transports: list[SoapTransport] = (
            [transport]
            if transport is not None
            else [
                KeepAliveTransport(settings.base_url, timeout_s=settings.timeout_s, meter=self._meter)
                for _ in range(settings.connections)
            ]
        )
        self._transports = transports
        self._channels = [
            SoapChannel(each, retry, username=settings.username, password=settings.password) for each in transports
        ]
        self._ims = [ImsClient(channel) for channel in self._channels]
        self._data = DataServiceClient(
            self._channels,
            poll_interval_s=settings.poll_interval_s,
            message_budget_s=settings.message_budget_s,
            sleep=sleep,
            clock=clock,
        )

    def __enter__(self) -> SoapLmsGateway:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        for channel in self._channels:
            channel.close()

    def http_figures(self) -> HttpFigures:
        """Requests sent and wall-clock time spent waiting on itslearning (for benchmarks and metrics)."""
        return self._meter.figures()

    def read_persons(self, school_key: str) -> Iterator[DirectoryPerson]:
        """The school node's members among the integration-managed persons (one with no sync key was made by hand).

        A site hosts many establishments: the school's memberships are read first (so an unknown school node fails
        at the call), then one lazy pass over every person keeps those whose key is in that set.
        """
        memberships = self._ims[0].read_memberships_for_group(wire_key(school_key))
        if memberships is None:
            raise unknown_school_node(school_key)
        members = {membership.person_key for membership in memberships if membership.person_key}
        if not members:
            return iter(())
        persons = self._ims[0].read_all_persons(self._settings.page_size)
        return (_directory_person(person) for person in persons if person.key and person.key in members)

    def school_node_exists(self, school_key: str) -> bool:
        return self._ims[0].group_exists(wire_key(school_key))

    def upsert_year_node(self, node: YearNode) -> ItemResult:
        group = ImsGroup(key=wire_key(node.key), parent_key=wire_key(node.parent_key), title=node.title)
        return _planned_keys(self._ims[0].create_groups([group]), [node.key])[0]

    def upsert_courses(self, courses: Sequence[CourseSpec]) -> list[ItemResult]:
        groups = [
            ImsGroup(
                key=wire_key(c.key),
                parent_key=wire_key(c.parent_key),
                title=c.title,
                group_type="Course",
                course_code=c.code,
            )
            for c in courses
        ]
        return _planned_keys(self._batched(groups, ImsClient.create_groups, _group_key), [c.key for c in courses])

    def delete_courses(self, courses: Sequence[CourseSpec]) -> list[ItemResult]:
        keys = [wire_key(course.key) for course in courses]
        return _planned_keys(self._batched(keys, ImsClient.delete_groups, str), [c.key for c in courses])

    def add_members(self, members: Sequence[MemberSpec]) -> list[ItemResult]:
        memberships = [
            ImsMembership(
                key=wire_key(m.key), group_key=wire_key(m.course_key), person_key=m.person_key, role=m.role.value
            )
            for m in members
        ]
        results = self._batched(memberships, ImsClient.create_memberships, _membership_key)
        return _planned_keys(results, [m.key for m in members])

    def remove_members(self, members: Sequence[MemberSpec]) -> list[ItemResult]:
        keys = [wire_key(member.key) for member in members]
        return _planned_keys(self._batched(keys, ImsClient.delete_memberships, str), [m.key for m in members])

    def create_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        return self._data.send_events(CREATE_EVENT, events, self._settings.batch_size)

    def update_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        return self._data.send_events(UPDATE_EVENT, events, self._settings.batch_size)

    def delete_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        return self._data.send_events(DELETE_EVENT, events, self._settings.batch_size)

    def _batched(
        self,
        items: Sequence[T],
        send: Callable[[ImsClient, Sequence[T]], list[ItemResult]],
        key_of: Callable[[T], str],
    ) -> list[ItemResult]:
        size = self._settings.batch_size
        chunks = [items[start : start + size] for start in range(0, len(items), size)]

        def stripe(client: ImsClient, mine: Sequence[Sequence[T]]) -> list[list[ItemResult]]:
            return [send(client, chunk) for chunk in mine]

        distinct = len({key_of(item) for item in items}) == len(items)
        chunk_results = fan_out(self._ims, chunks, stripe, parallel=distinct)
        return [result for results in chunk_results for result in results]


def _planned_keys(results: list[ItemResult], keys: list[str]) -> list[ItemResult]:
    """The results under the plan's keys (itslearning saw their wire form), by position."""
    if len(results) != len(keys):
        raise LmsProtocolError(
            "itslearning answered for a different number of items than were sent.",
            {"sent": len(keys), "answered": len(results)},
        )
    return [
        result if result.key == key else ItemResult(key=key, ok=result.ok, reason=result.reason)
        for result, key in zip(results, keys, strict=True)
    ]


def _group_key(group: ImsGroup) -> str:
    return group.key


def _membership_key(membership: ImsMembership) -> str:
    return membership.key


def _directory_person(person: ImsPerson) -> DirectoryPerson:
    return DirectoryPerson(
        person_key=PersonKey(person.key),
        profile=_PROFILES.get(person.role.lower(), Profile.STAFF),
        last_name=person.last_name,
        first_name=person.first_name,
        birth_date=person.birth_date,
        cas_id=person.cas_id,
        source=Source.AAF,
    )
