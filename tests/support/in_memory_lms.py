"""An in-memory itslearning behind the ``LmsGateway`` port, for tests of the sync (``InMemoryLmsGateway``).

It keeps itslearning's semantics that the sync relies on, as the stand-in (``infra/itslearning_standin``) does and
in its words (the LMS contract suite runs both): upsert by sync key, one status per item in request order, a course
needs its parent node and a title, a membership needs its course and an integration-managed person, an event needs
its course, a title of 1 to 80 characters and an end after its start, an update needs the event, a locked period
(events starting before ``locked_before``, UTC) refuses deletions, deleting a course group deletes its memberships
and leaves its events in a (now manual) course we no longer own. Deleting something already gone succeeds, as an
idempotent delete should.

Faults are injected by the test: ``refuse(operation, key)`` refuses an item with a reason,
``before_call(operation, call_number)`` may raise before anything is applied (a transient failure),
``after_call(operation, call_number)`` may raise after the batch is applied (a lost answer, a kill).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from msgspec import Struct

from edt_import.domain.directory import DirectoryPerson, PersonKey
from edt_import.domain.plan import CourseSpec, EventSpec, MemberSpec, YearNode
from edt_import.domain.ports import ItemResult, unknown_school_node
from itslearning_standin.state import (
    COURSE_NOT_FOUND,
    COURSE_TITLE_MISSING,
    END_NOT_AFTER_START,
    EVENT_NOT_FOUND,
    EVENT_TITLE_REFUSED,
    GROUP_NOT_FOUND,
    LOCKED_REASON,
    MAX_EVENT_TITLE,
    PARENT_NOT_FOUND,
    PERSON_NOT_FOUND,
)

Refusal = Callable[[str, str], str | None]
CallHook = Callable[[str, int], None]
_T = TypeVar("_T", CourseSpec, MemberSpec, EventSpec)
_I = TypeVar("_I", YearNode, CourseSpec, MemberSpec, EventSpec)


class LmsContent(Struct, frozen=True, kw_only=True):
    """A comparable snapshot of what the fake holds for us."""

    year_nodes: dict[str, YearNode]
    courses: dict[str, CourseSpec]
    members: dict[str, MemberSpec]
    events: dict[str, EventSpec]


class InMemoryLmsGateway:
    def __init__(
        self,
        *,
        persons: Iterable[DirectoryPerson] = (),
        school_node_keys: Iterable[str] | None = None,
        school_persons: Mapping[str, Iterable[DirectoryPerson]] | None = None,
        locked_before: datetime | None = None,
        refuse: Refusal | None = None,
        before_call: CallHook | None = None,
        after_call: CallHook | None = None,
    ) -> None:
        self.persons = list(persons)
        # ``persons`` are members of every school node; ``school_persons`` only of their own school: a site hosting
        # several establishments.
        self.school_persons = {school: list(people) for school, people in (school_persons or {}).items()}
        everyone = self.persons + [p for people in self.school_persons.values() for p in people]
        # A person made by hand has no sync key: nobody can make them a member by key.
        self._known_people: set[PersonKey] | None = {p.person_key for p in everyone if p.integration_managed} or None
        # Without school nodes nor ``school_persons``, any node is taken to exist (tests about other things).
        self._school_nodes = (
            None
            if school_node_keys is None and not self.school_persons
            else set(school_node_keys or ()) | set(self.school_persons)
        )
        self.locked_before = locked_before
        self.refuse = refuse
        self.before_call = before_call
        self.after_call = after_call
        self.year_nodes: dict[str, YearNode] = {}
        self.courses: dict[str, CourseSpec] = {}
        self.members: dict[str, MemberSpec] = {}
        self.events: dict[str, EventSpec] = {}
        self.detached_events: dict[str, EventSpec] = {}  # events left in a course whose group we deleted
        self.calls: list[tuple[str, int]] = []  # (operation, items) of every write call, in order
        # Writes that changed nothing (the object was already there as sent): upserted, never duplicated,
        # but a sync that retries exactly its failures sends none.
        self.redundant_writes = 0

    # --- what tests read -------------------------------------------------------------------------

    @property
    def items(self) -> int:
        return sum(n for _, n in self.calls)

    def content(self) -> LmsContent:
        return LmsContent(
            year_nodes=dict(self.year_nodes),
            courses=dict(self.courses),
            members=dict(self.members),
            events=dict(self.events),
        )

    # --- the port --------------------------------------------------------------------------------

    def read_persons(self, school_key: str) -> Iterator[DirectoryPerson]:
        if self._school_nodes is not None and school_key not in self._school_nodes:
            raise unknown_school_node(school_key)
        members = [*self.persons, *self.school_persons.get(school_key, ())]
        return (p for p in members if p.integration_managed)

    def school_node_exists(self, school_key: str) -> bool:
        return self._school_nodes is None or school_key in self._school_nodes

    def upsert_year_node(self, node: YearNode) -> ItemResult:
        return self._batch("upsert_year_node", [node], self._upsert_year_node)[0]

    def upsert_courses(self, courses: Sequence[CourseSpec]) -> list[ItemResult]:
        return self._batch("upsert_courses", courses, self._upsert_course)

    def delete_courses(self, courses: Sequence[CourseSpec]) -> list[ItemResult]:
        return self._batch("delete_courses", courses, self._delete_course)

    def add_members(self, members: Sequence[MemberSpec]) -> list[ItemResult]:
        return self._batch("add_members", members, self._add_member)

    def remove_members(self, members: Sequence[MemberSpec]) -> list[ItemResult]:
        return self._batch("remove_members", members, self._remove_member)

    def create_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        return self._batch("create_events", events, self._create_event)

    def update_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        return self._batch("update_events", events, self._update_event)

    def delete_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        return self._batch("delete_events", events, self._delete_event)

    # --- semantics -------------------------------------------------------------------------------

    def _batch(self, operation: str, items: Sequence[_I], apply: Callable[[_I], str | None]) -> list[ItemResult]:
        call_number = len(self.calls) + 1
        if self.before_call is not None:
            self.before_call(operation, call_number)
        self.calls.append((operation, len(items)))
        results = []
        for item in items:
            reason = None if self.refuse is None else self.refuse(operation, item.key)
            if reason is None:
                reason = apply(item)
            results.append(ItemResult(key=item.key, ok=reason is None, reason=reason))
        if self.after_call is not None:
            self.after_call(operation, call_number)
        return results

    def _upsert_year_node(self, node: YearNode) -> str | None:
        if self._school_nodes is not None and node.parent_key not in self._school_nodes:
            return PARENT_NOT_FOUND
        if self.year_nodes.get(node.key) == node:
            self.redundant_writes += 1
        self.year_nodes[node.key] = node
        return None

    def _upsert_course(self, course: CourseSpec) -> str | None:
        if course.parent_key not in self.year_nodes:
            return PARENT_NOT_FOUND
        if not course.title:
            return COURSE_TITLE_MISSING
        self._store(self.courses, course)
        return None

    def _delete_course(self, course: CourseSpec) -> str | None:
        if self.courses.pop(course.key, None) is None:
            return None
        for key in [k for k, m in self.members.items() if m.course_key == course.key]:
            del self.members[key]
        for key in [k for k, e in self.events.items() if e.course_key == course.key]:
            self.detached_events[key] = self.events.pop(key)
        return None

    def _add_member(self, member: MemberSpec) -> str | None:
        if member.course_key not in self.courses:
            return GROUP_NOT_FOUND
        if self._known_people is not None and member.person_key not in self._known_people:
            return PERSON_NOT_FOUND
        self._store(self.members, member)
        return None

    def _remove_member(self, member: MemberSpec) -> str | None:
        self.members.pop(member.key, None)
        return None

    def _create_event(self, event: EventSpec) -> str | None:
        reason = self._event_refusal(event)
        if reason is None:
            self._store(self.events, event)
        return reason

    def _update_event(self, event: EventSpec) -> str | None:
        if event.key not in self.events:
            return EVENT_NOT_FOUND
        reason = self._event_refusal(event)
        if reason is None:
            self._store(self.events, event)
        return reason

    def _delete_event(self, event: EventSpec) -> str | None:
        stored = self.events.get(event.key)
        if stored is None:
            return None
        if self.locked_before is not None and stored.start < self.locked_before:
            return LOCKED_REASON
        del self.events[event.key]
        return None

    def _event_refusal(self, event: EventSpec) -> str | None:
        if event.course_key not in self.courses:
            return COURSE_NOT_FOUND
        if not 1 <= len(event.title) <= MAX_EVENT_TITLE:
            return EVENT_TITLE_REFUSED
        if event.end <= event.start:
            return END_NOT_AFTER_START
        return None

    def _store(self, table: dict[str, _T], item: _T) -> None:
        if table.get(item.key) == item:
            self.redundant_writes += 1
        table[item.key] = item
