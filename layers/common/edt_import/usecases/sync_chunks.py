"""A sync cut into chunks that can run apart (one Lambda each, side by side in a Map state), then finalized.

``split_plan`` cuts a plan into chunks of whole courses: every dependency the sync knows (a member or an event
needs its course; a course is deleted only once emptied) stays inside one course, so chunks never wait for each
other. Each chunk is applied by ``apply_chunk`` against its own copy of the applied state and answers what
itslearning ``Confirmed``; ``finalize_sync`` folds every chunk's confirmations into the stored state at once, so
chunks running side by side never write the state concurrently. A chunk run again (a retry, a re-run) is given
what it had confirmed before and sends only the rest; sending an item again is harmless anyway (upserts by key).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from msgspec import Struct, structs

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.plan import APPLY_ORDER, Action, ActionType, CourseSpec, EventSpec, MemberSpec, Plan
from edt_import.domain.ports import BATCH_SIZE, AppliedStateStore, LmsGateway
from edt_import.usecases.apply_plan import SyncReport, apply_plan, store_pronote_ids

_ORDER = {action_type: index for index, action_type in enumerate(APPLY_ORDER)}


class Confirmed(Struct, frozen=True, kw_only=True):
    """What itslearning confirmed of a plan: its year node, and each action by (type, key). Keys only: no data."""

    year_node: bool = False
    actions: frozenset[tuple[ActionType, str]] = frozenset()

    def __or__(self, other: Confirmed) -> Confirmed:
        return Confirmed(year_node=self.year_node or other.year_node, actions=self.actions | other.actions)

    def __contains__(self, action: Action) -> bool:
        return (action.type, action.key) in self.actions

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form, for a chunk's progress saved between retries."""
        keys: dict[str, list[str]] = {}
        for action_type, key in sorted(self.actions):
            keys.setdefault(action_type.value, []).append(key)
        return {"year_node": self.year_node, "actions": keys}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Confirmed:
        actions = data.get("actions", {})
        return cls(
            year_node=bool(data.get("year_node", False)),
            actions=frozenset((ActionType(name), str(key)) for name, keys in actions.items() for key in keys),
        )


NOTHING_CONFIRMED = Confirmed()


class ChunkOutcome(Struct, frozen=True, kw_only=True):
    report: SyncReport  # this run's counts (what was confirmed before it is not sent again, nor counted)
    confirmed: Confirmed  # everything confirmed of the chunk so far, earlier runs included


def split_plan(plan: Plan, *, max_actions: int) -> tuple[Plan, ...]:
    """Cut ``plan`` into chunks of whole courses, each about ``max_actions`` long, in the plan's order.

    A course is never cut, so a chunk may hold more than ``max_actions`` when one course does; a plan without
    actions is still one (empty) chunk, which applies the year node. Chunks carry the plan's year node and no
    IDPN mappings: ``finalize_sync`` stores those from the whole plan.
    """
    if max_actions < 1:
        raise ValueError("max_actions must be at least 1")
    if plan.hold is not None:
        raise ValueError("a held plan must be approved before it is applied")
    by_course: dict[str, list[Action]] = {}
    for action in plan.actions:
        by_course.setdefault(_course_of(action), []).append(action)
    groups: list[list[Action]] = [[]]
    for actions in by_course.values():
        if groups[-1] and len(groups[-1]) + len(actions) > max_actions:
            groups.append([])
        groups[-1].extend(actions)
    return tuple(
        Plan(
            uai=plan.uai,
            year_node=plan.year_node,
            actions=tuple(sorted(group, key=lambda action: _ORDER[action.type])),
        )
        for group in groups
    )


def _course_of(action: Action) -> str:
    target = action.target
    return target.key if isinstance(target, CourseSpec) else target.course_key


def apply_chunk(
    chunk: Plan,
    state: AppliedState,
    *,
    lms: LmsGateway,
    batch_size: int = BATCH_SIZE,
    confirmed_before: Confirmed = NOTHING_CONFIRMED,
    progress: Callable[[Confirmed], None] | None = None,
) -> ChunkOutcome:
    """Send the chunk's actions not in ``confirmed_before``, against ``state`` (the applied state the chunk starts
    from: what ``apply_plan`` folds into it is only for its own dependency checks; ``finalize_sync`` writes the
    stored state).

    ``progress(confirmed)`` is called after the year node and after each batch, with everything confirmed so far
    (for the caller to save, as often as it sees fit).
    """
    pending = Plan(
        uai=chunk.uai,
        year_node=chunk.year_node,
        actions=tuple(action for action in chunk.actions if action not in confirmed_before),
    )
    confirmed = confirmed_before
    done: list[tuple[ActionType, str]] = []

    def collect(actions: Sequence[Action]) -> None:
        done.extend((action.type, action.key) for action in actions)

    def current(now: AppliedState) -> Confirmed:
        return confirmed | Confirmed(year_node=now.year_node == chunk.year_node, actions=frozenset(done))

    report, final = apply_plan(
        pending,
        state,
        lms,
        batch_size=batch_size,
        on_confirmed=collect,
        checkpoint=None if progress is None else lambda now: progress(current(now)),
    )
    return ChunkOutcome(report=report, confirmed=current(final))


def unconfirmed_courses(plan: Plan, confirmed: Confirmed) -> set[str]:
    """The courses with a member or event action itslearning did not confirm: they keep no fingerprint."""
    return {
        action.target.course_key
        for action in plan.actions
        if isinstance(action.target, (MemberSpec, EventSpec)) and action not in confirmed
    }


def finalize_sync(
    plan: Plan, confirmed: Iterable[Confirmed], *, store: AppliedStateStore, completed: bool = True
) -> AppliedState:
    """Fold what itslearning confirmed of ``plan`` (every chunk's) into the stored state, and save it once.

    The plan's selection becomes the state's, the one automatic imports re-apply and the wizard proposes, only
    when the import ``completed`` (done, even with item errors): a failed one keeps what itslearning confirmed of
    it, under the selection of the last import that completed."""
    if plan.hold is not None:
        raise ValueError("a held plan must be approved before it is applied")
    everything = Confirmed()
    for each in confirmed:
        everything |= each
    state = store.load(plan.uai) or AppliedState(uai=plan.uai)
    if everything.year_node:
        state = structs.replace(state, year_node=plan.year_node)
    state = state.recorded(action for action in plan.actions if action in everything)
    state = store_pronote_ids(plan, state.settled(plan, open_courses=unconfirmed_courses(plan, everything)))
    if completed and plan.selection is not None:
        state = structs.replace(state, selection=plan.selection)
    store.save(state)
    return state
