"""Apply a planned sync in one run, saving the applied state as it goes: the command line's sync.

What itslearning confirmed is folded into the state batch after batch and saved through a throttled checkpoint,
then once more however the run ends (done, failed, interrupted), so an interrupted sync resumes: the next plan
re-sends only what was not confirmed. The plan's selection is recorded only by a run that went to its end.
"""

from __future__ import annotations

from msgspec import structs

from edt_import.domain.ports import BATCH_SIZE, AppliedStateStore, LmsGateway
from edt_import.usecases.apply_plan import SyncReport, ThrottledCheckpoint, apply_plan
from edt_import.usecases.plan_sync import PlannedSync


def apply_sync(
    planned: PlannedSync,
    *,
    lms: LmsGateway,
    store: AppliedStateStore,
    batch_size: int = BATCH_SIZE,
    min_checkpoint_interval_s: float = 5.0,
) -> SyncReport:
    """Send the plan, save ``planned.state`` with what succeeded folded in; a held plan is refused (ValueError)."""
    if planned.held:
        raise ValueError("a held plan must be approved before it is applied")
    checkpoint = ThrottledCheckpoint(store.save, min_interval_s=min_checkpoint_interval_s)
    state = planned.state
    report: SyncReport | None = None
    try:
        report = apply_plan(planned.plan, state, lms, batch_size=batch_size, checkpoint=checkpoint).report
        return report
    finally:  # stopped, failed or done: what itslearning confirmed is kept
        latest = checkpoint.latest if checkpoint.latest is not None else state
        if report is not None and report.stopped is None and planned.plan.selection is not None:
            # A run that went to its end (item refusals included) records the selection it ran with, for the
            # automatic imports after it; a stopped one leaves the previous selection.
            latest = structs.replace(latest, selection=planned.plan.selection)
        checkpoint.flush(latest)
