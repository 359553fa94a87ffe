"""Sync throughput against the itslearning stand-in (a separate process, over real HTTP), for the largest size.

For each stand-in latency: actions per second, items per call (stand-in ``items / calls``; target >= 100),
and the share of the sync's wall time spent waiting on HTTP (measured by the client's transport meter).
The plan is the first import of a generated ``cite`` (all events from the first school day on), applied as
``edt-import sync`` applies it: engine batches of ``batch_size x connections``, throttled state checkpoints.

Run: `.venv/bin/python benchmarks/sync_bench.py [--size cite] [--latency 0 20]`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from edt_import.adapters.itslearning import ItslearningSettings, SoapLmsGateway
from edt_import.adapters.state_files import FileAppliedStateStore
from edt_import.domain.applied_state import AppliedState
from edt_import.domain.directory import DirectoryPerson
from edt_import.domain.directory_csv import read_directory_csv
from edt_import.domain.planning import PlanSettings, plan_import
from edt_import.domain.timetable import Timetable
from edt_import.generator.establishment import Size
from edt_import.generator.files import write_establishment
from edt_import.generator.school_calendar import SCHOOL_YEAR
from edt_import.usecases.apply_plan import ThrottledCheckpoint, apply_plan
from edt_import.usecases.plan_inputs import RawPlanInputs, open_plan_inputs
from itslearning_standin import SANDBOX_PASSWORD, SANDBOX_USERNAME


@contextmanager
def standin(directory: Path, uai: str, latency_ms: int) -> Iterator[str]:
    """``edt-import sandbox serve`` on a free port, in its own process; yields its base URL."""
    command = [sys.executable, "-m", "edt_import.cli.main", "sandbox", "serve", "--port", "0"]
    command += ["--persons", str(directory), "--uai", uai, "--latency-ms", str(latency_ms)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None  # noqa: S101 - piped above
        banner = process.stdout.readline()  # "itslearning stand-in on http://127.0.0.1:PORT (user ...)"
        yield banner.split(" on ", 1)[1].split(" ", 1)[0]
    finally:
        process.terminate()
        process.wait(timeout=30)


def stats(base_url: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{base_url}/_sandbox/stats", timeout=30) as answer:  # noqa: S310 - our own http URL
        figures: dict[str, int] = json.loads(answer.read())
        return figures


def run(size: Size, latencies: list[int], seed: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        paths = write_establishment(work / "establishment", size, seed)
        inputs = open_plan_inputs(RawPlanInputs(export=paths["inner"].read_bytes()))
        persons = read_directory_csv(paths["directory"].read_bytes())
        timetable = inputs.export.timetable
        started = time.perf_counter()
        plan = plan_import(
            timetable, persons, previous=None, selection=None, settings=PlanSettings(today=SCHOOL_YEAR.start)
        ).plan
        planning_s = time.perf_counter() - started
        actions = len(plan.actions)
        print(f"{size.value}: {actions} actions planned in {planning_s:.1f} s (uai {timetable.uai})")
        for latency in latencies:
            with standin(paths["directory"], timetable.uai, latency) as base_url:
                settings = ItslearningSettings(base_url=base_url, username=SANDBOX_USERNAME, password=SANDBOX_PASSWORD)
                store = FileAppliedStateStore(work / f"state-{latency}")
                state = AppliedState(uai=timetable.uai)
                checkpoint = ThrottledCheckpoint(store.save)
                with SoapLmsGateway(settings) as gateway:
                    started = time.perf_counter()
                    report, state = apply_plan(
                        plan,
                        state,
                        gateway,
                        batch_size=settings.batch_size * settings.connections,
                        checkpoint=checkpoint,
                    )
                    checkpoint.flush(state)
                    wall_s = time.perf_counter() - started
                    http = gateway.http_figures()
                figures = stats(base_url)
                again_s, again_actions, again_calls = resync(timetable, persons, store, base_url, settings)
            print(
                f"  latency {latency:>3} ms: {report.succeeded} succeeded, {report.failed} failed in {wall_s:.1f} s"
                f" -> {report.succeeded / wall_s:,.0f} actions/s;"
                f" {figures['items']} items / {figures['calls']} calls = {figures['items'] / figures['calls']:.0f}"
                f" items per call; HTTP wait {http.waiting_s:.1f} s = {http.waiting_s / wall_s:.0%} of wall time"
                f" ({http.exchanges} exchanges); {checkpoint.saves} state saves; duplicates {figures['duplicates']};"
                f" unchanged re-sync (load state, plan, apply): {again_actions} actions, {again_calls} calls,"
                f" {again_s:.1f} s",
                flush=True,
            )


def resync(
    timetable: Timetable,
    persons: Sequence[DirectoryPerson],
    store: FileAppliedStateStore,
    base_url: str,
    settings: ItslearningSettings,
) -> tuple[float, int, int]:
    """The same export synced again from the saved state: (seconds, actions, calls)."""
    calls_before = stats(base_url)["calls"]
    started = time.perf_counter()
    state = store.load(timetable.uai)
    plan = plan_import(
        timetable, persons, previous=state, selection=None, settings=PlanSettings(today=SCHOOL_YEAR.start)
    ).plan
    assert state is not None  # noqa: S101 - saved by the first sync
    with SoapLmsGateway(settings) as gateway:
        state = apply_plan(plan, state, gateway).state
    store.save(state)
    return time.perf_counter() - started, len(plan.actions), stats(base_url)["calls"] - calls_before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=[s.value for s in Size], default=Size.CITE.value)
    parser.add_argument("--latency", type=int, nargs="+", default=[0, 20], help="stand-in latencies, ms")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    run(Size(args.size), args.latency, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
