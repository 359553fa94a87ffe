"""Plan a sync: load the establishment's applied state, find its people, and plan the export against that state.

The first step of every sync, from the command line or the pipeline's plan step. Nothing is sent to itslearning
here but the reading of people, and only when no directory file is given.
"""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct, structs

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.directory import DirectoryPerson
from edt_import.domain.hold_approval import released
from edt_import.domain.plan import Plan
from edt_import.domain.planning import PlanResult, PlanSettings, plan_import
from edt_import.domain.ports import AppliedStateStore, LmsGateway
from edt_import.domain.selection import AnySelection
from edt_import.domain.timetable import Timetable


class PlannedSync(Struct, frozen=True, kw_only=True):
    """A plan and the applied state it was made against (empty before the first sync), which applying it updates."""

    result: PlanResult
    state: AppliedState
    approved_plan: Plan | None = None  # the plan released from its hold by an administrator's approval

    @property
    def plan(self) -> Plan:
        return self.approved_plan if self.approved_plan is not None else self.result.plan

    @property
    def held(self) -> bool:
        """The deletion guard held the plan: nothing may be sent until an administrator approves it."""
        return self.plan.hold is not None

    def approve(self, code: str) -> PlannedSync:
        """This sync released from its hold when ``code`` is the approval code of its deletions; else unchanged."""
        plan = released(self.plan, code)
        return self if plan is self.plan else structs.replace(self, approved_plan=plan)


def plan_sync(
    timetable: Timetable,
    *,
    directory: Sequence[DirectoryPerson] | None,
    selection: AnySelection | None,
    store: AppliedStateStore,
    lms: LmsGateway,
    settings: PlanSettings,
) -> PlannedSync:
    """Plan ``timetable`` against the state ``store`` holds for its establishment.

    Without a ``directory``, the people matched are the members of the establishment's school node in itslearning
    (a site hosts several establishments); an unknown school node is then a ``ConfigError``. With a ``directory``,
    itslearning is not read here: applying the plan finds out (``apply_plan``'s year node).
    """
    previous = store.load(timetable.uai)
    people = directory if directory is not None else tuple(lms.read_persons(settings.school_node_key or timetable.uai))
    result = plan_import(timetable, people, previous=previous, selection=selection, settings=settings)
    return PlannedSync(result=result, state=previous if previous is not None else AppliedState(uai=timetable.uai))
