"""What the stand-in remembers, and itslearning's rules for changing it. No HTTP, no XML: callers hold the lock.

Every plural operation returns one ``Outcome`` per item, in request order. Deleting something that is not there
succeeds: a client that lost an answer and sends the call again must not be told it failed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from msgspec import Struct, field, structs

MAX_KEY = 64
MAX_EVENT_TITLE = 80
COURSE = "Course"
SCHOOL = "School"
# itslearning's words for each refusal; the in-memory fake of the tests answers the same (a contract test pins it).
KEY_REFUSED = "The sync key is missing or longer than 64 characters."
PARENT_NOT_FOUND = "The parent group does not exist."
OWN_PARENT = "A group cannot be its own parent."
COURSE_TITLE_MISSING = "A course group needs a course title."
GROUP_NOT_FOUND = "The group does not exist."
NO_GROUP_WITH_KEY = "No group has this sync key."
PERSON_NOT_FOUND = "No integration-managed person has this sync key."
ROLE_UNKNOWN = "The role is not one itslearning knows."
EVENT_NOT_FOUND = "No calendar event has this sync key."
COURSE_NOT_FOUND = "No course has this sync key."
EVENT_TITLE_REFUSED = f"The title must have between 1 and {MAX_EVENT_TITLE} characters."
TIMES_NOT_UTC = "Start and end must be UTC date-times (ending in Z)."
END_NOT_AFTER_START = "The event must end after it starts."
LOCKED_REASON = "The event cannot be deleted because the period is locked."


class Outcome(Struct, frozen=True):
    ok: bool
    reason: str = ""


OK = Outcome(ok=True)


class Group(Struct, kw_only=True):
    key: str
    parent_key: str | None
    title: str
    group_type: str | None = None
    course_id: int | None = None  # the connected course of a Course group


class Course(Struct, kw_only=True):
    id: int
    title: str
    code: str
    group_key: str | None  # None once detached: a manual course the integration no longer owns


class Person(Struct, kw_only=True):
    id: int
    key: str  # "" for a person created by hand
    role: str  # Learner | Instructor | Staff
    first_name: str
    last_name: str
    birth_date: str = ""
    cas_id: str = ""


class Membership(Struct, kw_only=True):
    key: str
    group_key: str
    person_key: str
    role: str


class Event(Struct, kw_only=True):
    key: str
    course_id: int
    title: str
    start: str  # ISO, UTC with Z, as received
    end: str
    description: str = ""
    location: str = ""
    user_key: str = ""
    title_read_only: bool = False  # TitleReadOnlyInUi: the product's events cannot be edited by hand


class GroupInput(Struct, kw_only=True):
    key: str
    parent_key: str
    title: str
    group_type: str | None
    course_title: str = ""
    course_code: str = ""


class EventInput(Struct, kw_only=True):
    key: str
    course_key: str
    title: str = ""
    start: str = ""
    end: str = ""
    description: str = ""
    location: str = ""
    user_key: str = ""
    title_read_only: bool = False


class StandinState(Struct, kw_only=True):
    groups: dict[str, Group] = field(default_factory=dict)
    courses: dict[int, Course] = field(default_factory=dict)
    persons: list[Person] = field(default_factory=list)
    memberships: dict[str, Membership] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    duplicates: int = 0
    next_id: int = 1
    # (group, person) -> membership key, and (course, start, end, title) -> event key: to notice duplicates
    _member_index: dict[tuple[str, str], str] = field(default_factory=dict)
    _person_keys: set[str] = field(default_factory=set)

    def new_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    # Seeding ---------------------------------------------------------------------------------------------------
    def add_school(self, key: str, title: str = "") -> None:
        self.groups.setdefault(key, Group(key=key, parent_key=None, title=title or key, group_type=SCHOOL))

    def add_person(
        self,
        *,
        key: str,
        role: str,
        first_name: str,
        last_name: str,
        birth_date: str,
        cas_id: str,
        schools: Sequence[str] = (),
    ) -> None:
        """A person, member of each of ``schools`` (a person with no sync key is never a member by key).

        A key already held is the same person seen from another school: only the memberships are added.
        """
        if key and key in self._person_keys:
            self._add_school_memberships(key, role, schools)
            return
        person = Person(
            id=self.new_id(),
            key=key,
            role=role,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            cas_id=cas_id,
        )
        self.persons.append(person)
        if key:
            self._person_keys.add(key)
            self._add_school_memberships(key, role, schools)

    def _add_school_memberships(self, person_key: str, role: str, schools: Sequence[str]) -> None:
        for school in schools:
            self.add_school(school)
            key = f"{school}|{person_key}"
            self.memberships[key] = Membership(key=key, group_key=school, person_key=person_key, role=role)
            self._member_index[(school, person_key)] = key

    def memberships_of(self, group_key: str) -> list[Membership] | None:
        """The group's own memberships, in the order they were made; ``None`` when no group has this key."""
        if group_key not in self.groups:
            return None
        return [membership for membership in self.memberships.values() if membership.group_key == group_key]

    # GroupManagement -------------------------------------------------------------------------------------------
    def put_groups(self, items: list[GroupInput], *, create: bool, update: bool) -> list[Outcome]:
        return [self._put_group(item, create=create, update=update) for item in items]

    def _group_refusal(self, item: GroupInput) -> str | None:
        if not item.key or len(item.key) > MAX_KEY:
            return KEY_REFUSED
        if not item.parent_key or item.parent_key not in self.groups:
            return PARENT_NOT_FOUND
        if item.parent_key == item.key:
            return OWN_PARENT
        if item.group_type == COURSE and not item.course_title:
            return COURSE_TITLE_MISSING
        return None

    def _put_group(self, item: GroupInput, *, create: bool, update: bool) -> Outcome:
        refusal = self._group_refusal(item)
        if refusal is not None:
            return Outcome(ok=False, reason=refusal)
        existing = self.groups.get(item.key)
        if existing is None:
            if not create:
                return Outcome(ok=False, reason=NO_GROUP_WITH_KEY)
            group = Group(key=item.key, parent_key=item.parent_key, title=item.title, group_type=item.group_type)
            if item.group_type == COURSE:
                course = Course(id=self.new_id(), title=item.course_title, code=item.course_code, group_key=item.key)
                self.courses[course.id] = course
                group.course_id = course.id
            self.groups[item.key] = group
            return OK
        if not update:
            return Outcome(ok=False, reason="A group with this sync key already exists.")
        existing.parent_key = item.parent_key
        existing.title = item.title
        if existing.course_id is not None and item.group_type == COURSE:
            course = self.courses[existing.course_id]
            course.title = item.course_title
            course.code = item.course_code
        return OK

    def delete_groups(self, keys: list[str]) -> list[Outcome]:
        return [self._delete_group(key) for key in keys]

    def _delete_group(self, key: str) -> Outcome:
        group = self.groups.get(key)
        if group is None:
            return OK
        if group.group_type == SCHOOL:
            return Outcome(ok=False, reason="A school cannot be deleted through the integration.")
        if any(other.parent_key == key for other in self.groups.values()):
            return Outcome(ok=False, reason="The group still has child groups.")
        if group.course_id is not None:
            self.courses[group.course_id].group_key = None
        for member_key in [k for k, m in self.memberships.items() if m.group_key == key]:
            self._drop_membership(member_key)
        del self.groups[key]
        return OK

    # MembershipManagement --------------------------------------------------------------------------------------
    def put_memberships(self, items: list[Membership]) -> list[Outcome]:
        return [self._put_membership(item) for item in items]

    def _put_membership(self, item: Membership) -> Outcome:
        if not item.key or len(item.key) > MAX_KEY:
            return Outcome(ok=False, reason=KEY_REFUSED)
        if item.group_key not in self.groups:
            return Outcome(ok=False, reason=GROUP_NOT_FOUND)
        if item.person_key not in self._person_keys:
            return Outcome(ok=False, reason=PERSON_NOT_FOUND)
        if item.role not in {"Learner", "Instructor"}:
            return Outcome(ok=False, reason=ROLE_UNKNOWN)
        previous = self.memberships.get(item.key)
        if previous is not None:
            self._drop_membership(item.key)
        pair = (item.group_key, item.person_key)
        if self._member_index.get(pair, item.key) != item.key:
            self.duplicates += 1
        self._member_index[pair] = item.key
        self.memberships[item.key] = Membership(
            key=item.key, group_key=item.group_key, person_key=item.person_key, role=item.role
        )
        return OK

    def delete_memberships(self, keys: list[str]) -> list[Outcome]:
        for key in keys:
            self._drop_membership(key)
        return [OK] * len(keys)

    def _drop_membership(self, key: str) -> None:
        membership = self.memberships.pop(key, None)
        if membership is not None:
            pair = (membership.group_key, membership.person_key)
            if self._member_index.get(pair) == key:
                del self._member_index[pair]

    # DataService: calendar events ------------------------------------------------------------------------------
    def put_events(self, items: list[EventInput], *, create: bool) -> list[Outcome]:
        return [self._put_event(item, create=create) for item in items]

    def _event_refusal(self, item: EventInput, *, create: bool) -> str | None:
        if not item.key or len(item.key) > MAX_KEY:
            # The documentation gives the limit for IMS sourcedIds; the stand-in holds event keys to it too.
            return KEY_REFUSED
        if not create and item.key not in self.events:
            return EVENT_NOT_FOUND
        group = self.groups.get(item.course_key)
        if group is None or group.course_id is None:
            return COURSE_NOT_FOUND
        if not item.title or len(item.title) > MAX_EVENT_TITLE:
            return EVENT_TITLE_REFUSED
        return _time_refusal(item)

    def _put_event(self, item: EventInput, *, create: bool) -> Outcome:
        refusal = self._event_refusal(item, create=create)
        if refusal is not None:
            return Outcome(ok=False, reason=refusal)
        group = self.groups[item.course_key]
        assert group.course_id is not None  # noqa: S101 - checked by _event_refusal
        self.events[item.key] = Event(
            key=item.key,
            course_id=group.course_id,
            title=item.title,
            start=item.start,
            end=item.end,
            description=item.description,
            location=item.location,
            user_key=item.user_key,
            title_read_only=item.title_read_only,
        )
        return OK

    def delete_events(self, keys: list[str], *, locked_before: datetime | None) -> list[Outcome]:
        outcomes = []
        for key in keys:
            event = self.events.get(key)
            if event is None:
                outcomes.append(OK)
                continue
            start = _utc(event.start)
            if locked_before is not None and start is not None and start < locked_before:
                outcomes.append(Outcome(ok=False, reason=LOCKED_REASON))
                continue
            del self.events[key]
            outcomes.append(OK)
        return outcomes

    # Reading ---------------------------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        course_groups = {key for key, group in self.groups.items() if group.course_id is not None}
        # Two keys for one lesson (same course, slot, title, room and teacher) is what unstable keys produce.
        events_by_slot = itertools.groupby(
            sorted((e.course_id, e.start, e.end, e.title, e.location, e.user_key) for e in self.events.values())
        )
        event_duplicates = sum(len(list(same)) - 1 for _, same in events_by_slot)
        return {
            "courses": len(course_groups),
            "memberships": sum(1 for m in self.memberships.values() if m.group_key in course_groups),
            "events": len(self.events),
            "groups": len(self.groups),
            "detached_courses": sum(1 for c in self.courses.values() if c.group_key is None),
            "persons": len(self.persons),
            "duplicates": self.duplicates + event_duplicates,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": 1,
            "groups": [structs.asdict(g) for g in self.groups.values()],
            "courses": [structs.asdict(c) for c in self.courses.values()],
            "persons": [structs.asdict(p) for p in self.persons],
            "memberships": [structs.asdict(m) for m in self.memberships.values()],
            "events": [structs.asdict(e) for e in self.events.values()],
            "duplicates": self.duplicates,
            "next_id": self.next_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StandinState:
        state = cls(
            groups={g["key"]: Group(**g) for g in data.get("groups", [])},
            courses={c["id"]: Course(**c) for c in data.get("courses", [])},
            persons=[Person(**p) for p in data.get("persons", [])],
            events={e["key"]: Event(**e) for e in data.get("events", [])},
            duplicates=int(data.get("duplicates", 0)),
            next_id=int(data.get("next_id", 1)),
        )
        state._person_keys = {p.key for p in state.persons if p.key}
        for raw in data.get("memberships", []):
            membership = Membership(**raw)
            state.memberships[membership.key] = membership
            state._member_index[(membership.group_key, membership.person_key)] = membership.key
        return state


def _time_refusal(item: EventInput) -> str | None:
    start, end = _utc(item.start), _utc(item.end)
    if start is None or end is None:
        return TIMES_NOT_UTC
    if end <= start:
        return END_NOT_AFTER_START
    return None


def _utc(text: str) -> datetime | None:
    if not text.endswith("Z"):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.astimezone(UTC)
