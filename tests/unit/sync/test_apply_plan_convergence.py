"""Whatever fails along the way, re-planning against the saved state converges without duplicates."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import Struct, structs

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.errors import LmsUnavailableError
from edt_import.domain.state_encoding import decode_state, encode_state
from edt_import.usecases.apply_plan import apply_plan
from tests.support.in_memory_lms import InMemoryLmsGateway
from tests.support.sync_targets import UAI, YEAR_NODE, Target, a_course, a_member, an_event, plan_towards

FAULTY_ROUNDS = 4
MAX_ROUNDS = FAULTY_ROUNDS + 2


class SimulatedKillError(Exception):
    """The process dies after itslearning applied a call: its answer is lost."""


@st.composite
def targets(draw: st.DrawFn) -> Target:
    target = Target()
    if draw(st.booleans()):
        target.year_node = structs.replace(YEAR_NODE, title="Cours 2025-2026")
    for n in draw(st.sets(st.integers(0, 4), max_size=4)):
        course = a_course(n, title=draw(st.sampled_from(["Maths - 6e", "Maths - 6e (groupe)"])))
        target.courses[course.key] = course
        for person in draw(st.sets(st.integers(0, 3))):
            member = a_member(course, person)
            target.members[member.key] = member
        for day in draw(st.sets(st.integers(0, 5), max_size=4)):
            event = an_event(course, day, room=draw(st.sampled_from(["B12", "C01"])))
            target.events[event.key] = event
    return target


class Faults(Struct):
    """Seeded faults, active during the first rounds only (itslearning recovers eventually)."""

    rng: random.Random
    lms: InMemoryLmsGateway
    unavailable: float
    kill: float
    refusal: float
    active: bool = True
    lost_items: int = 0

    def before_call(self, operation: str, call: int) -> None:
        if self.active and self.rng.random() < self.unavailable:
            raise LmsUnavailableError("itslearning is unavailable.")

    def after_call(self, operation: str, call: int) -> None:
        if self.active and self.rng.random() < self.kill:
            self.lost_items += self.lms.calls[-1][1]
            raise SimulatedKillError

    def refuse(self, operation: str, key: str) -> str | None:
        return "Busy." if self.active and self.rng.random() < self.refusal else None


@settings(max_examples=60, deadline=None)
@given(
    previous=targets(),
    target=targets(),
    seed=st.integers(0, 2**32),
    unavailable=st.sampled_from([0.0, 0.2, 0.5]),
    kill=st.sampled_from([0.0, 0.1, 0.3]),
    refusal=st.sampled_from([0.0, 0.1, 0.4]),
    batch_size=st.integers(1, 4),
)
def test_apply_plan_any_failure_pattern_converges_without_duplicates(
    *,
    previous: Target,
    target: Target,
    seed: int,
    unavailable: float,
    kill: float,
    refusal: float,
    batch_size: int,
) -> None:
    # Given an LMS holding a previous sync, and faults of every kind for a few rounds
    lms = InMemoryLmsGateway()
    empty = AppliedState(uai=UAI)
    saved = [encode_state(apply_plan(plan_towards(previous, empty), empty, lms).state)]
    faults = Faults(random.Random(seed), lms, unavailable, kill, refusal)
    lms.before_call, lms.after_call, lms.refuse = faults.before_call, faults.after_call, faults.refuse
    lms.redundant_writes = 0

    # When each run re-plans against the last saved state, until a plan is empty
    for round_number in range(MAX_ROUNDS):
        faults.active = round_number < FAULTY_ROUNDS
        state = decode_state(saved[-1])
        plan = plan_towards(target, state)
        if not plan.actions and state.year_node == target.year_node:
            break
        try:
            state = apply_plan(
                plan, state, lms, batch_size=batch_size, checkpoint=lambda s: saved.append(encode_state(s))
            ).state
        except SimulatedKillError:
            continue
        saved.append(encode_state(state))

    # Then itslearning holds exactly the target, the state says so, and only lost answers were re-sent
    final = decode_state(saved[-1])
    assert lms.content() == target.content()
    assert (final.year_node, final.courses, final.members, final.events) == (
        target.year_node,
        target.courses,
        target.members,
        target.events,
    )
    assert lms.detached_events == {}
    assert lms.redundant_writes <= faults.lost_items
