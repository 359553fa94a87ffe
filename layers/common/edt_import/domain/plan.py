"""What itslearning must receive: the specs of the objects we own and the keyed actions on them.

Keys are stable across imports and carry no personal data (see itslearning-api.md, "Sync keys").
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from msgspec import Struct, field

from edt_import.domain.directory import PersonKey
from edt_import.domain.selection import StoredSelection


class ActionType(StrEnum):
    CREATE_COURSE = "create_course"
    UPDATE_COURSE = "update_course"
    DELETE_COURSE = "delete_course"
    ADD_MEMBER = "add_member"
    REMOVE_MEMBER = "remove_member"
    CREATE_EVENT = "create_event"
    UPDATE_EVENT = "update_event"
    DELETE_EVENT = "delete_event"


# Dependency order: what a later type refers to exists before it is sent, and nothing is removed
# before everything new is in place. Plans list their actions in it; the sync applies them in it.
APPLY_ORDER: tuple[ActionType, ...] = (
    ActionType.CREATE_COURSE,
    ActionType.UPDATE_COURSE,
    ActionType.ADD_MEMBER,
    ActionType.CREATE_EVENT,
    ActionType.UPDATE_EVENT,
    ActionType.DELETE_EVENT,
    ActionType.REMOVE_MEMBER,
    ActionType.DELETE_COURSE,
)


class Role(StrEnum):
    LEARNER = "Learner"
    INSTRUCTOR = "Instructor"


class YearNode(Struct, frozen=True, kw_only=True):
    """The per-year hierarchy node every imported course hangs under (``Cours 2025 - 2026``)."""

    key: str  # edt:{uai}:{school_year}
    title: str
    parent_key: str  # the establishment's school node in itslearning


class CourseSpec(Struct, frozen=True, kw_only=True):
    key: str  # edt:{uai}:{school_year}:{subject_code}:{class_or_group_ident}
    title: str  # SUBJECT_LABEL - CLASS_OR_GROUP_NAME, within itslearning's limit
    code: str  # the subject's code
    parent_key: str  # the year node


class MemberSpec(Struct, frozen=True, kw_only=True):
    key: str  # {course_key}|{person_key}|{role}
    course_key: str
    person_key: PersonKey
    role: Role


class EventSpec(Struct, frozen=True, kw_only=True):
    key: str  # {course_key}:{local_date}:{start_place}[:n]
    course_key: str
    title: str  # at most 80 characters
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    local_date: date
    rooms: tuple[str, ...] = ()
    teachers: tuple[PersonKey, ...] = ()  # matched teachers present that week
    description: str = ""


class Action(Struct, frozen=True, kw_only=True):
    type: ActionType
    target: CourseSpec | MemberSpec | EventSpec

    @property
    def key(self) -> str:
        return self.target.key


class Hold(Struct, frozen=True, kw_only=True):
    """Why a plan waits for an administrator: deletions above the guard, or an empty export."""

    reasons: tuple[str, ...]
    figures: dict[str, int] = field(default_factory=dict)


class Plan(Struct, frozen=True, kw_only=True):
    """Everything a sync applies: the year node, the actions in any order, the mappings to remember."""

    uai: str
    year_node: YearNode
    actions: tuple[Action, ...]
    pronote_ids: dict[str, PersonKey] = field(default_factory=dict)  # IDPN -> account, to store once synced
    hold: Hold | None = None
    selection: StoredSelection | None = None  # the selection planned with, kept in the state by the sync
    planned_on: date | None = None  # the import date, and each planned course's fingerprint (``AppliedState.settle``)
    fingerprints: dict[str, str] = field(default_factory=dict)
