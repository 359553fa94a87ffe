"""``edt-import sync``: plan against the saved state, apply to itslearning, save what succeeded.

The applied state of each establishment lives in ``--state-dir`` as ``{UAI}.json``, replaced atomically and
checkpointed during the sync, so an interrupted sync simply resumes: the next run re-plans what was not
confirmed. Credentials come from ``ITSLEARNING_USERNAME`` / ``ITSLEARNING_PASSWORD`` (never logged); against a
stand-in on this machine they default to the stand-in's demo account.

Prints one JSON object (counts and keys only, no personal data). Exit status: 0 when every action
succeeded, 3 when some failed or were skipped (they are retried by the next sync), 4 when the deletion
guard held the plan (nothing is sent: review it with ``edt-import plan``), 2 when an input is refused,
another sync of the same establishment is running (``import_in_progress``), or itslearning cannot be
reached before anything was applied.
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
from edt_import.cli.collector import collector_paused
from edt_import.cli.plan_inputs import import_date, load_plan_inputs
from edt_import.domain.errors import ConfigError
from edt_import.domain.planning import PlanResult, PlanSettings
from edt_import.usecases.apply_plan import SyncReport
from edt_import.usecases.apply_sync import apply_sync
from edt_import.usecases.plan_sync import plan_sync

EXIT_SOME_FAILED = 3
EXIT_HELD = 4
USERNAME_VARIABLE = "ITSLEARNING_USERNAME"
PASSWORD_VARIABLE = "ITSLEARNING_PASSWORD"  # noqa: S105 - the variable's name, not a password
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def run(args: argparse.Namespace) -> int:
    today = import_date(args.today, args.timezone)
    settings = itslearning_settings(args.itslearning_url, os.environ)
    store = FileAppliedStateStore(Path(args.state_dir))
    plan_settings = PlanSettings(today=today, timezone=args.timezone)
    with collector_paused():
        inputs = load_plan_inputs(args)
    uai = inputs.export.timetable.uai
    with store.exclusive(uai), SoapLmsGateway(settings) as lms:
        with collector_paused():
            planned = plan_sync(
                inputs.export.timetable,
                directory=inputs.directory,
                selection=inputs.selection,
                store=store,
                lms=lms,
                settings=plan_settings,
            )
        if planned.held:
            _print(held_summary(planned.result))
            return EXIT_HELD
        with _terminate_as_interrupt():
            report = apply_sync(planned, lms=lms, store=store, batch_size=settings.sync_batch_size)
    _print({**sync_summary(planned.result, report), "state_file": str(store.path_for(uai))})
    return 0 if report.complete else EXIT_SOME_FAILED


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


def held_summary(result: PlanResult) -> dict[str, Any]:
    plan_report = result.report
    hold = result.plan.hold
    return {
        "uai": result.plan.uai,
        "held": True,
        "hold": {"reasons": list(hold.reasons) if hold is not None else [], "figures": plan_report.guard_figures},
        "planned": plan_report.actions,
        "actions": {"succeeded": 0, "failed": 0, "skipped": 0},
        "courses": len(plan_report.courses),
        "unmatched": len(plan_report.unmatched),
        "conflicts": len(plan_report.conflicts),
    }


def _print(summary: dict[str, Any]) -> None:
    json.dump(summary, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
