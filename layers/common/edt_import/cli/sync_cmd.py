"""``edt-import sync``: plan against the saved state, apply to itslearning, save what succeeded.

The applied state of each establishment lives in ``--state-dir`` as ``{UAI}.json``, replaced atomically and
checkpointed during the sync, so an interrupted sync simply resumes: the next run re-plans what was not
confirmed. Credentials come from ``ITSLEARNING_USERNAME`` / ``ITSLEARNING_PASSWORD`` (never logged); against a
stand-in on this machine they default to the stand-in's demo account.

Prints one JSON object (counts and keys only, no personal data); the exit statuses are ``exit_status``'s: 0 all
applied, 3 some actions failed (the next sync sends them again), 4 held by the deletion guard (nothing sent;
``--approve CODE`` releases it), 5 or 6 when itslearning stopped the sync (unreachable, or refusing), with one
``error:`` line on stderr saying why; 130 when interrupted, with one ``interrupted:`` line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from edt_import.adapters.itslearning import ItslearningSettings, SoapLmsGateway
from edt_import.adapters.itslearning.transport import checked_address
from edt_import.adapters.state_files import FileAppliedStateStore
from edt_import.cli import exit_status
from edt_import.cli.collector import collector_paused
from edt_import.cli.error_line import error_line
from edt_import.cli.hold_view import held_line, hold_summary
from edt_import.cli.plan_inputs import import_date, load_plan_inputs
from edt_import.cli.progress import Progress, ProgressGateway
from edt_import.domain.errors import ConfigError
from edt_import.domain.planning import PlanResult, PlanSettings
from edt_import.usecases.apply_plan import SyncReport
from edt_import.usecases.apply_sync import apply_sync
from edt_import.usecases.plan_sync import PlannedSync, plan_sync

USERNAME_VARIABLE = "ITSLEARNING_USERNAME"
PASSWORD_VARIABLE = "ITSLEARNING_PASSWORD"  # noqa: S105 - the variable's name, not a password
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def run(args: argparse.Namespace) -> int:
    today = import_date(args.today, args.timezone)
    settings = itslearning_settings(args.itslearning_url, os.environ)
    store = FileAppliedStateStore(Path(args.state_dir))
    plan_settings = PlanSettings(today=today, timezone=args.timezone)
    progress = Progress(sys.stderr if args.progress or sys.stderr.isatty() else None)
    progress.stage("reading the export")
    with collector_paused():
        inputs = load_plan_inputs(args)
    uai = inputs.export.timetable.uai
    with store.exclusive(uai), SoapLmsGateway(settings, on_retry=progress.retry) as client:
        lms = ProgressGateway(client, progress)
        with collector_paused():
            planned = plan_sync(
                inputs.export.timetable,
                directory=inputs.directory,
                selection=inputs.selection,
                store=store,
                lms=lms,
                settings=plan_settings,
            )
        if planned.held and args.approve:
            planned = planned.approve(args.approve)
        if planned.held:
            return _held(planned, args.approve)
        lms.expect(planned.plan)
        progress.stage(f"sending {lms.total:,} actions to itslearning")
        state_file = store.path_for(uai)
        try:
            with _terminate_as_interrupt():
                report = apply_sync(planned, lms=lms, store=store, batch_size=settings.sync_batch_size)
        except KeyboardInterrupt:
            print(
                f"interrupted: the sync of {uai} stopped after {lms.confirmed:,} of {lms.total:,} actions; what "
                f"itslearning confirmed is saved in {state_file}; run the same sync again to send the rest.",
                file=sys.stderr,
            )
            return exit_status.INTERRUPTED
    _print({**sync_summary(planned.result, report), "state_file": str(state_file)})
    if report.stopped is not None and lms.last_error is not None:
        # The call that stopped the sync says why; what was confirmed before it is saved.
        status = exit_status.status_for(lms.last_error)
        then = "later" if status == exit_status.LMS_UNAVAILABLE else "once that is fixed"
        print(
            f"{error_line(lms.last_error)} The sync stopped after {lms.confirmed:,} of {lms.total:,} actions "
            f"(saved); run it again {then}.",
            file=sys.stderr,
        )
        return status
    return exit_status.OK if report.complete else exit_status.SOME_FAILED


def _held(planned: PlannedSync, approval: str | None) -> int:
    summary = held_summary(planned)
    _print(summary)
    print(held_line(summary["hold"], approval_given=approval), file=sys.stderr)
    return exit_status.HELD


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """A SIGTERM (a stopped service, a timeout) unwinds like Ctrl-C, so the state is saved on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def itslearning_settings(url: str, environ: Mapping[str, str]) -> ItslearningSettings:
    """The client's settings; a stand-in on this machine accepts its demo account without configuration."""
    address = checked_address(url)  # a wrong address is said as such, before any word about credentials
    username = environ.get(USERNAME_VARIABLE, "")
    password = environ.get(PASSWORD_VARIABLE, "")
    if not (username and password):
        if address.host not in _LOCAL_HOSTS:
            raise ConfigError(
                f"Set {USERNAME_VARIABLE} and {PASSWORD_VARIABLE} to the credentials of the itslearning integration."
            )
        from itslearning_standin import SANDBOX_PASSWORD, SANDBOX_USERNAME  # noqa: PLC0415 - local tool only

        username = username or SANDBOX_USERNAME
        password = password or SANDBOX_PASSWORD
    return ItslearningSettings(base_url=url, username=username, password=password)


def sync_summary(result: PlanResult, report: SyncReport) -> dict[str, Any]:
    plan_report = result.report
    return {
        **report.as_dict(),
        "held": False,
        "complete": report.complete,
        "courses": len(plan_report.courses),
        "matched": {"teachers": plan_report.matched_teachers, "students": plan_report.matched_students},
        "unmatched": len(plan_report.unmatched),
        "conflicts": len(plan_report.conflicts),
    }


def held_summary(planned: PlannedSync) -> dict[str, Any]:
    result = planned.result
    plan_report = result.report
    return {
        "uai": planned.plan.uai,
        "held": True,
        "hold": hold_summary(result),
        "planned": plan_report.actions,
        "actions": {"succeeded": 0, "failed": 0, "skipped": 0},
        "courses": len(plan_report.courses),
        "unmatched": len(plan_report.unmatched),
        "conflicts": len(plan_report.conflicts),
    }


def _print(summary: dict[str, Any]) -> None:
    json.dump(summary, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
