"""Apply a plan to itslearning in dependency order and keep, in the applied state, only what succeeded.

Order: the year node, courses (created/updated), memberships added, events created/updated, then the
deletions (events, memberships, courses). Each phase is sent in batches; after each batch the state
absorbs the confirmed actions and the caller's ``checkpoint`` saves it, so a sync killed at any point
and planned again later re-sends exactly what was not confirmed. Re-sending something itslearning had
already applied is harmless: every write is an upsert (or a delete) by sync key.

Dependents of a failure are not sent: a course whose creation failed takes its members and events
with it, and a course whose events or members could not be removed is not deleted (deleting the group
would strand them in a manual course, out of our reach). When itslearning stays unavailable after the
client's retries, the sync stops: the batch in flight counts as failed, the rest as skipped.

IDPN mappings (``plan.pronote_ids``) are stored only for people the state holds after this run, in a
membership or as an event's teacher, i.e. accounts actually synchronised. A mapping for someone whose
every action failed is left for the next run, which matches them again from the directory: storing it
early would make the mapping outlive a person that never reached itslearning.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import Any, NamedTuple

from msgspec import Struct, field, structs

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import ErrorCode, LmsProtocolError, LmsUnavailableError
from edt_import.domain.plan import APPLY_ORDER, Action, ActionType, CourseSpec, EventSpec, MemberSpec, Plan
from edt_import.domain.ports import BATCH_SIZE, ItemResult, LmsGateway, unknown_school_node

SAMPLE_KEYS = 5


SKIP_YEAR_NODE_FAILED = "year node not created"
SKIP_COURSE_NOT_CREATED = "course not created"
SKIP_CONTENT_NOT_REMOVED = "course still holds events or members that could not be removed"
SKIP_NOT_ATTEMPTED = "not attempted: the sync stopped"
REASON_UNKNOWN = "refused without a reason"

Checkpoint = Callable[[AppliedState], None]
Confirmation = Callable[[Sequence[Action]], None]


class TypeCounts(Struct, frozen=True, kw_only=True):
    succeeded: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.succeeded + self.failed + self.skipped


class ReasonGroup(Struct, frozen=True, kw_only=True):
    """Items that failed (or were skipped) for one reason; the sample keys carry no personal data."""

    reason: str
    count: int
    sample_keys: tuple[str, ...]


class YearNodeOutcome(StrEnum):
    UNCHANGED = "unchanged"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    NOT_ATTEMPTED = "not_attempted"


class SyncReport(Struct, frozen=True, kw_only=True):
    uai: str
    year_node: YearNodeOutcome
    counts: dict[ActionType, TypeCounts]  # every ActionType, zeros included
    failures: tuple[ReasonGroup, ...] = ()
    skips: tuple[ReasonGroup, ...] = ()
    stopped: ErrorCode | None = None  # set when itslearning stayed unavailable and the sync stopped early

    @property
    def succeeded(self) -> int:
        return sum(c.succeeded for c in self.counts.values())

    @property
    def failed(self) -> int:
        return sum(c.failed for c in self.counts.values())

    @property
    def skipped(self) -> int:
        return sum(c.skipped for c in self.counts.values())

    @property
    def complete(self) -> bool:
        """Everything planned is now in itslearning (and in the state)."""
        return (
            self.failed == 0
            and self.skipped == 0
            and self.year_node in {YearNodeOutcome.UNCHANGED, YearNodeOutcome.SUCCEEDED}
        )

    def as_dict(self) -> dict[str, Any]:
        actions: dict[str, Any] = {"succeeded": self.succeeded, "failed": self.failed, "skipped": self.skipped}
        for action_type in ActionType:
            c = self.counts[action_type]
            actions[action_type.value] = {"succeeded": c.succeeded, "failed": c.failed, "skipped": c.skipped}
        return {
            "uai": self.uai,
            "year_node": self.year_node.value,
            "actions": actions,
            "failures": [_group_dict(g) for g in self.failures],
            "skips": [_group_dict(g) for g in self.skips],
            "stopped": None if self.stopped is None else self.stopped.value,
        }


def _group_dict(group: ReasonGroup) -> dict[str, Any]:
    return {"reason": group.reason, "count": group.count, "sample_keys": list(group.sample_keys)}


class _Tally(Struct):
    """Outcomes as they come, grouped by reason with a bounded sample of keys."""

    succeeded: Counter[ActionType] = field(default_factory=Counter)
    failed: Counter[ActionType] = field(default_factory=Counter)
    skipped: Counter[ActionType] = field(default_factory=Counter)
    failure_counts: Counter[str] = field(default_factory=Counter)
    failure_samples: dict[str, list[str]] = field(default_factory=dict)
    skip_counts: Counter[str] = field(default_factory=Counter)
    skip_samples: dict[str, list[str]] = field(default_factory=dict)
    open_courses: set[str] = field(default_factory=set)  # with a member or event action not confirmed

    def fail(self, action: Action, reason: str) -> None:
        self.failed[action.type] += 1
        _note(self.failure_counts, self.failure_samples, reason, action.key)
        self._left_open(action)

    def skip(self, action: Action, reason: str) -> None:
        self.skipped[action.type] += 1
        _note(self.skip_counts, self.skip_samples, reason, action.key)
        self._left_open(action)

    def _left_open(self, action: Action) -> None:
        if isinstance(action.target, (MemberSpec, EventSpec)):
            self.open_courses.add(action.target.course_key)

    def groups(self, counts: Counter[str], samples: dict[str, list[str]]) -> tuple[ReasonGroup, ...]:
        return tuple(
            ReasonGroup(reason=reason, count=count, sample_keys=tuple(samples[reason]))
            for reason, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        )


def _note(counts: Counter[str], samples: dict[str, list[str]], reason: str, key: str) -> None:
    counts[reason] += 1
    sample = samples.setdefault(reason, [])
    if len(sample) < SAMPLE_KEYS:
        sample.append(key)


class _SyncStoppedError(Exception):
    def __init__(self, code: ErrorCode) -> None:
        super().__init__(code.value)
        self.code = code


class _Run(Struct):
    plan: Plan
    state: AppliedState
    gateway: LmsGateway
    batch_size: int
    checkpoint: Checkpoint | None
    on_confirmed: Confirmation | None = None
    tally: _Tally = field(default_factory=_Tally)
    year_node: YearNodeOutcome = YearNodeOutcome.UNCHANGED
    year_node_failed: bool = False
    courses_not_created: set[str] = field(default_factory=set)
    courses_not_emptied: set[str] = field(default_factory=set)

    def apply(self) -> ErrorCode | None:
        by_type: dict[ActionType, list[Action]] = {t: [] for t in APPLY_ORDER}
        for action in self.plan.actions:
            by_type[action.type].append(action)
        try:
            self._apply_year_node()
        except _SyncStoppedError as stop:
            self._skip_all(action for t in APPLY_ORDER for action in by_type[t])
            return stop.code
        for index, action_type in enumerate(APPLY_ORDER):
            try:
                self._apply_phase(by_type[action_type])
            except _SyncStoppedError as stop:
                self._skip_all(action for t in APPLY_ORDER[index + 1 :] for action in by_type[t])
                return stop.code
        return None

    def _skip_all(self, actions: Iterable[Action]) -> None:
        for action in actions:
            self.tally.skip(action, SKIP_NOT_ATTEMPTED)

    def _apply_year_node(self) -> None:
        node = self.plan.year_node
        if self.state.year_node == node:
            return
        try:
            result = self.gateway.upsert_year_node(node)
        except (LmsUnavailableError, LmsProtocolError) as exc:
            self.year_node = YearNodeOutcome.NOT_ATTEMPTED
            self.year_node_failed = True
            raise _SyncStoppedError(exc.code) from exc
        if result.ok:
            self.year_node = YearNodeOutcome.SUCCEEDED
            self.state = structs.replace(self.state, year_node=node)
            self.save()
        else:
            if not self._school_node_exists(node.parent_key):
                raise unknown_school_node(node.parent_key)
            self.year_node = YearNodeOutcome.FAILED
            self.year_node_failed = True
            _note(self.tally.failure_counts, self.tally.failure_samples, result.reason or REASON_UNKNOWN, node.key)

    def _school_node_exists(self, key: str) -> bool:
        """Asked once the year node is refused; if itslearning cannot say, the refusal stands as it is."""
        try:
            return self.gateway.school_node_exists(key)
        except (LmsUnavailableError, LmsProtocolError):
            return True

    def _apply_phase(self, actions: list[Action]) -> None:
        sendable = [action for action in actions if not self._skipped_for_dependency(action)]
        for start in range(0, len(sendable), self.batch_size):
            batch = sendable[start : start + self.batch_size]
            try:
                results = _send(self.gateway, batch)
            except (LmsUnavailableError, LmsProtocolError) as exc:
                for action in batch:
                    self._failed(action, exc.message)
                for action in sendable[start + self.batch_size :]:
                    self.tally.skip(action, SKIP_NOT_ATTEMPTED)
                raise _SyncStoppedError(exc.code) from exc
            succeeded = []
            for action, result in zip(batch, results, strict=True):
                if result.ok:
                    succeeded.append(action)
                else:
                    self._failed(action, result.reason or REASON_UNKNOWN)
            self.tally.succeeded[batch[0].type] += len(succeeded)
            self.state = self.state.recorded(succeeded)
            if self.on_confirmed is not None:
                self.on_confirmed(succeeded)
            self.save()

    def _skipped_for_dependency(self, action: Action) -> bool:
        reason = self._dependency_failure(action)
        if reason is None:
            return False
        self.tally.skip(action, reason)
        self._cascade(action)
        return True

    def _dependency_failure(self, action: Action) -> str | None:
        target = action.target
        if isinstance(target, CourseSpec):
            if action.type is ActionType.DELETE_COURSE:
                return SKIP_CONTENT_NOT_REMOVED if target.key in self.courses_not_emptied else None
            if self.year_node_failed and target.parent_key == self.plan.year_node.key:
                return SKIP_YEAR_NODE_FAILED
            return None
        if action.type in {ActionType.ADD_MEMBER, ActionType.CREATE_EVENT, ActionType.UPDATE_EVENT}:
            return SKIP_COURSE_NOT_CREATED if target.course_key in self.courses_not_created else None
        return None

    def _failed(self, action: Action, reason: str) -> None:
        self.tally.fail(action, reason)
        self._cascade(action)

    def _cascade(self, action: Action) -> None:
        """Remember what a failed or skipped action means for the phases after it."""
        target = action.target
        if action.type is ActionType.CREATE_COURSE:
            self.courses_not_created.add(target.key)
        elif isinstance(target, EventSpec | MemberSpec) and action.type in {
            ActionType.DELETE_EVENT,
            ActionType.REMOVE_MEMBER,
        }:
            self.courses_not_emptied.add(target.course_key)

    def save(self) -> None:
        if self.checkpoint is not None:
            self.checkpoint(self.state)

    def report(self, stopped: ErrorCode | None) -> SyncReport:
        t = self.tally
        return SyncReport(
            uai=self.plan.uai,
            year_node=self.year_node,
            counts={
                action_type: TypeCounts(
                    succeeded=t.succeeded[action_type], failed=t.failed[action_type], skipped=t.skipped[action_type]
                )
                for action_type in ActionType
            },
            failures=t.groups(t.failure_counts, t.failure_samples),
            skips=t.groups(t.skip_counts, t.skip_samples),
            stopped=stopped,
        )


def _send(gateway: LmsGateway, batch: Sequence[Action]) -> list[ItemResult]:
    action_type = batch[0].type
    targets: list[Any] = [action.target for action in batch]
    operations: dict[ActionType, Callable[[Any], list[ItemResult]]] = {
        ActionType.CREATE_COURSE: gateway.upsert_courses,
        ActionType.UPDATE_COURSE: gateway.upsert_courses,
        ActionType.DELETE_COURSE: gateway.delete_courses,
        ActionType.ADD_MEMBER: gateway.add_members,
        ActionType.REMOVE_MEMBER: gateway.remove_members,
        ActionType.CREATE_EVENT: gateway.create_events,
        ActionType.UPDATE_EVENT: gateway.update_events,
        ActionType.DELETE_EVENT: gateway.delete_events,
    }
    call = operations[action_type]
    results = call(targets)
    if len(results) != len(batch) or any(r.key != a.key for r, a in zip(results, batch, strict=False)):
        raise LmsProtocolError(
            "itslearning answered a batch with statuses that do not match the items sent.",
            {"operation": action_type.value, "sent": len(batch), "answered": len(results)},
        )
    return results


def synchronised_people(state: AppliedState) -> set[PersonKey]:
    """Accounts the state holds: members of our courses and teachers named on our events."""
    people = {person for group in state.member_groups.values() for persons in group for person in persons}
    for block in state.course_events.values():
        people.update(*block.teachers)
    return people


def store_pronote_ids(plan: Plan, state: AppliedState) -> AppliedState:
    """``state`` with the plan's IDPN mappings of accounts it holds (``state`` itself when none is new)."""
    pending = {idpn: key for idpn, key in plan.pronote_ids.items() if state.pronote_ids.get(idpn) != key}
    if not pending:  # the usual re-sync: every mapping is known, no need to walk the state
        return state
    people = synchronised_people(state)
    new = {idpn: key for idpn, key in pending.items() if key in people}
    return structs.replace(state, pronote_ids={**state.pronote_ids, **new}) if new else state


class AppliedPlan(NamedTuple):
    report: SyncReport
    state: AppliedState  # the state it was applied to, with what itslearning confirmed


def apply_plan(
    plan: Plan,
    state: AppliedState,
    gateway: LmsGateway,
    *,
    batch_size: int = BATCH_SIZE,
    checkpoint: Checkpoint | None = None,
    on_confirmed: Confirmation | None = None,
) -> AppliedPlan:
    """Send ``plan`` to itslearning through ``gateway``; the report, and ``state`` with what succeeded folded in.

    ``checkpoint(state)`` is called with the state so far after the year node, after every batch and once at the
    end if settling the plan's fingerprints or IDPN mappings changed it;
    ``on_confirmed(actions)`` receives each batch's confirmed actions before its checkpoint. Errors
    other than itslearning being unavailable or unreadable (a bug, a kill) propagate; the state then
    holds exactly what was confirmed before, which is what the last checkpoint saved. A year node refused
    because its school node does not exist raises that ``ConfigError`` (nothing else is sent).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if plan.hold is not None:
        raise ValueError("a held plan must be approved before it is applied")
    if plan.uai != state.uai:
        raise ValueError("the plan and the applied state belong to different establishments")
    run = _Run(
        plan=plan, state=state, gateway=gateway, batch_size=batch_size, checkpoint=checkpoint, on_confirmed=on_confirmed
    )
    stopped = run.apply()
    final = store_pronote_ids(plan, run.state.settled(plan, open_courses=run.tally.open_courses))
    if final is not run.state:
        run.state = final
        run.save()
    return AppliedPlan(run.report(stopped), final)


class ThrottledCheckpoint:
    """A checkpoint saving at most every ``min_interval_s`` and spending at most ~1/``cost_ratio`` of the time saving.

    Serialising a large state takes about a second (120k events), so saving after each of hundreds of
    batches would dominate a sync. Skipping some saves is safe: what a killed run confirmed but did not
    save is planned and sent again, and itslearning upserts it by key. The caller saves once at the end.
    """

    def __init__(
        self,
        save: Checkpoint,
        *,
        min_interval_s: float = 5.0,
        cost_ratio: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._save = save
        self._min_interval_s = min_interval_s
        self._cost_ratio = cost_ratio
        self._clock = clock
        self._last_end: float | None = None
        self._last_cost = 0.0
        self.saves = 0
        self.latest: AppliedState | None = None  # the last state given, saved or not

    def __call__(self, state: AppliedState) -> None:
        self.latest = state
        now = self._clock()
        wait = max(self._min_interval_s, self._cost_ratio * self._last_cost)
        if self._last_end is None or now - self._last_end >= wait:
            self.flush(state)

    def flush(self, state: AppliedState) -> None:
        started = self._clock()
        self._save(state)
        self._last_end = self._clock()
        self._last_cost = self._last_end - started
        self.saves += 1


__all__ = [
    "AppliedPlan",
    "ReasonGroup",
    "SyncReport",
    "ThrottledCheckpoint",
    "TypeCounts",
    "YearNodeOutcome",
    "apply_plan",
    "store_pronote_ids",
    "synchronised_people",
]
