"""What a long sync is doing, told on stderr: the stage, items done out of the total, and each retry.

``edt-import sync`` talks to itslearning for minutes; without a word an operator cannot tell a slow service
from a dead one. The lines go to stderr (stdout keeps the one JSON summary), on a terminal or with
``--progress``. ``ProgressGateway`` wraps the itslearning gateway to count what it sent and what was
confirmed, and keeps the error that stopped the sync so the summary can say it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import TextIO, TypeVar

from edt_import.domain.directory import DirectoryPerson
from edt_import.domain.errors import EdtImportError
from edt_import.domain.plan import ActionType, CourseSpec, EventSpec, MemberSpec, Plan, YearNode
from edt_import.domain.ports import ItemResult, LmsGateway

T = TypeVar("T")

# What each gateway call sends, in the words of the progress lines, and the action types it carries.
_COURSES = "courses"
_MEMBERS = "memberships"
_NEW_EVENTS = "new events"
_CHANGED_EVENTS = "changed events"
_EVENTS_REMOVED = "events removed"
_MEMBERS_REMOVED = "memberships removed"
_COURSES_REMOVED = "courses removed"
_TYPES = {
    _COURSES: (ActionType.CREATE_COURSE, ActionType.UPDATE_COURSE),
    _MEMBERS: (ActionType.ADD_MEMBER,),
    _NEW_EVENTS: (ActionType.CREATE_EVENT,),
    _CHANGED_EVENTS: (ActionType.UPDATE_EVENT,),
    _EVENTS_REMOVED: (ActionType.DELETE_EVENT,),
    _MEMBERS_REMOVED: (ActionType.REMOVE_MEMBER,),
    _COURSES_REMOVED: (ActionType.DELETE_COURSE,),
}


class Progress:
    """Progress lines, at most one a second per stage besides its first and last; silent without a stream."""

    def __init__(
        self, stream: TextIO | None, *, interval_s: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._stream = stream
        self._interval_s = interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._last_at = float("-inf")

    def stage(self, text: str) -> None:
        self._say(text, force=True)

    def count(self, label: str, done: int, total: int) -> None:
        self._say(f"sending {label}: {done:,}/{total:,}", force=done >= total)

    def retry(self, attempt: int, reason: str, pause_s: float) -> None:
        self._say(f"itslearning: {reason}; retry {attempt} in {pause_s:.1f} s", force=True)

    def _say(self, text: str, *, force: bool) -> None:
        if self._stream is None:
            return
        with self._lock:
            now = self._clock()
            if not force and now - self._last_at < self._interval_s:
                return
            self._last_at = now
            self._stream.write(f"sync: {text}\n")
            self._stream.flush()


class ProgressGateway:
    """An ``LmsGateway`` that tells ``progress`` what it sends, counts what itslearning confirmed, and keeps the
    error that stopped a call (the sync's summary says it)."""

    def __init__(self, inner: LmsGateway, progress: Progress) -> None:
        self._inner = inner
        self._progress = progress
        self._totals: Counter[str] = Counter()
        self._done: Counter[str] = Counter()
        self.confirmed = 0
        self.last_error: EdtImportError | None = None

    def expect(self, plan: Plan) -> None:
        """Totals per stage, from the plan about to be applied."""
        by_type = Counter(action.type for action in plan.actions)
        self._totals = Counter({label: sum(by_type[t] for t in types) for label, types in _TYPES.items()})

    @property
    def total(self) -> int:
        return sum(self._totals.values())

    def read_persons(self, school_key: str) -> Iterator[DirectoryPerson]:
        self._progress.stage(f"reading the people of school node {school_key} from itslearning")
        yield from self._guarded(lambda: list(self._inner.read_persons(school_key)))

    def school_node_exists(self, school_key: str) -> bool:
        return self._guarded(lambda: self._inner.school_node_exists(school_key))

    def upsert_year_node(self, node: YearNode) -> ItemResult:
        self._progress.stage("sending the school year")
        result = self._guarded(lambda: self._inner.upsert_year_node(node))
        self.confirmed += result.ok
        return result

    def upsert_courses(self, courses: Sequence[CourseSpec]) -> list[ItemResult]:
        return self._sent(_COURSES, lambda: self._inner.upsert_courses(courses))

    def delete_courses(self, courses: Sequence[CourseSpec]) -> list[ItemResult]:
        return self._sent(_COURSES_REMOVED, lambda: self._inner.delete_courses(courses))

    def add_members(self, members: Sequence[MemberSpec]) -> list[ItemResult]:
        return self._sent(_MEMBERS, lambda: self._inner.add_members(members))

    def remove_members(self, members: Sequence[MemberSpec]) -> list[ItemResult]:
        return self._sent(_MEMBERS_REMOVED, lambda: self._inner.remove_members(members))

    def create_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        return self._sent(_NEW_EVENTS, lambda: self._inner.create_events(events))

    def update_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        return self._sent(_CHANGED_EVENTS, lambda: self._inner.update_events(events))

    def delete_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        return self._sent(_EVENTS_REMOVED, lambda: self._inner.delete_events(events))

    def _sent(self, label: str, call: Callable[[], list[ItemResult]]) -> list[ItemResult]:
        results = self._guarded(call)
        self._done[label] += len(results)
        self.confirmed += sum(result.ok for result in results)
        self._progress.count(label, self._done[label], max(self._totals[label], self._done[label]))
        return results

    def _guarded(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except EdtImportError as exc:
            self.last_error = exc
            raise
