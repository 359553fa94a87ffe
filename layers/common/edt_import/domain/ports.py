"""The interfaces the use cases need from the outside world; adapters implement them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from msgspec import Struct

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.directory import DirectoryPerson
from edt_import.domain.errors import ConfigError
from edt_import.domain.plan import CourseSpec, EventSpec, MemberSpec, YearNode
from edt_import.domain.selection import StoredSelection

BATCH_SIZE = 500  # items per itslearning call (a plural IMS call, a DataService message); a sync batch by default


class ItemResult(Struct, frozen=True, kw_only=True):
    """itslearning's verdict on one item of a batch, in request order."""

    key: str
    ok: bool
    reason: str | None = None  # itslearning's own words when refused (no personal data)


class LmsGateway(Protocol):
    """What the sync needs from itslearning. Batch methods return one result per item, in order.

    Transient trouble (connection, timeout, 5xx, throttling) that outlasts the retry budget raises
    ``LmsUnavailableError``; a refused item is an ``ItemResult`` with ``ok=False``.
    """

    def read_persons(self, school_key: str) -> Iterator[DirectoryPerson]:
        """The integration-managed persons who are members of the school node ``school_key``.

        An itslearning site hosts many establishments: only the school's own people may be matched. A school
        node that does not exist raises ``unknown_school_node(school_key)``.
        """
        ...

    def school_node_exists(self, school_key: str) -> bool:
        """Whether itslearning has the school node ``school_key``, the parent of the establishment's year node.

        Asked when the year node is refused: a missing school node is a configuration fault to report as such, not
        a refusal to retry at every sync (a sync given a directory file has not read the node before).
        """
        ...

    def upsert_year_node(self, node: YearNode) -> ItemResult: ...

    def upsert_courses(self, courses: Sequence[CourseSpec]) -> list[ItemResult]: ...

    def delete_courses(self, courses: Sequence[CourseSpec]) -> list[ItemResult]: ...

    def add_members(self, members: Sequence[MemberSpec]) -> list[ItemResult]: ...

    def remove_members(self, members: Sequence[MemberSpec]) -> list[ItemResult]: ...

    def create_events(self, events: Sequence[EventSpec]) -> list[ItemResult]: ...

    def update_events(self, events: Sequence[EventSpec]) -> list[ItemResult]: ...

    def delete_events(self, events: Sequence[EventSpec]) -> list[ItemResult]: ...


class AppliedStateStore(Protocol):
    """Where each establishment's applied state lives between syncs: what itslearning confirmed, and nothing else.

    A file per establishment for the command line, S3 with a DynamoDB index in AWS. A store keeps whole values: a
    saved state is not changed by later changes to the object it was saved from, and ``load`` returns a state of
    its own. Saving replaces the previous state atomically (a crash mid-save leaves the previous one whole).
    """

    def load(self, uai: str) -> AppliedState | None:
        """The last state saved for ``uai``, or None before its first sync."""
        ...

    def load_selection(self, uai: str) -> StoredSelection | None:
        """The selection of the last state saved for ``uai`` (that of its last manual import), or None: read without
        the rest of the state, which the wizard does not need (a large establishment's state runs to megabytes)."""
        ...

    def save(self, state: AppliedState) -> None:
        """Replace the state saved for ``state.uai``."""
        ...


def unknown_school_node(school_key: str) -> ConfigError:
    """What ``read_persons`` raises for a school node itslearning does not have (a UAI is not personal data)."""
    return ConfigError(
        f"The establishment's school node {school_key} does not exist in itslearning.", {"school_node": school_key}
    )
