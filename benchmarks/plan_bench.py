"""Whole-process `edt-import plan` on the largest generated establishment, next to a bare lxml parse of its XML.

Targets: plan within 3x the bare parse, peak memory within 512 MB, an unchanged re-plan (``--previous`` from
``--write-state``) no slower than the first plan, and the automatic import's path (plan against the previous
state and write the next, four times a day) within 3x too. That path is also timed with the state's course
fingerprints removed (every member and event worked out and compared, every block re-encoded): what the
fingerprints save.
Every figure is a separate subprocess, the best of ``--runs`` rounds that each run every command once (the
baseline swings most on a busy machine: timed in the same rounds, it swings with them); peak RSS is the largest
child's ``ru_maxrss``.
Run: `.venv/bin/python benchmarks/plan_bench.py [--size cite] [--runs 5]`.
"""

from __future__ import annotations

import argparse
import compileall
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from msgspec import structs

import edt_import
from edt_import.domain.state_encoding import decode_state, encode_state
from edt_import.generator.establishment import Size
from edt_import.generator.files import write_establishment

TODAY = "2026-09-14"  # the Monday of week 3 of the generated school year
BARE_PARSE = "import sys; from lxml import etree; etree.fromstring(open(sys.argv[1], 'rb').read())"


class Timing(NamedTuple):
    wall: float  # best wall time (s)
    cpu: float  # best CPU time (s, user + system: steadier on a busy machine)
    stdout: str  # the last run's


def timed_round_robin(commands: dict[str, list[str]], rounds: int) -> dict[str, Timing]:
    """Each command's best of ``rounds`` runs, one run of every command per round: a slow spell of the machine
    then slows the bare parse as much as the commands measured against it."""
    best: dict[str, Timing] = {name: Timing(float("inf"), float("inf"), "") for name in commands}
    for _ in range(rounds):
        for name, argv in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(argv, check=True, capture_output=True, text=True)
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            best[name] = Timing(min(best[name].wall, wall), min(best[name].cpu, cpu), done.stdout)
    return best


PHASES = """
import gc, sys, time
gc.disable()
started = time.process_time()
from datetime import date
from pathlib import Path
from typing import NamedTuple
import edt_import.cli.main
from edt_import.cli.plan_cmd import plan_summary
from edt_import.domain.directory_csv import read_directory_csv
from edt_import.domain.export_reader import read_export
from edt_import.domain.planning import PlanSettings, plan_import
from edt_import.domain.private_key import load_private_key
marks = [("imports", time.process_time())]
export, key, directory = (Path(p).read_bytes() for p in sys.argv[1:4])
private_key = load_private_key(key)
marks.append(("private key", time.process_time()))
timetable = read_export(export, private_key=private_key).timetable
marks.append(("read_export", time.process_time()))
people = read_directory_csv(directory)
marks.append(("directory CSV", time.process_time()))
result = plan_import(timetable, people, previous=None, selection=None, settings=PlanSettings(today=date(2026, 9, 14)))
marks.append(("plan_import", time.process_time()))
plan_summary(result, timetable)
marks.append(("summary", time.process_time()))
before = started
for name, at in marks:
    print(f"  {name:<28} {at - before:7.3f} s")
    before = at
"""


ROWS = (
    ("bare", "bare lxml parse (process)", ""),
    ("plan", "plan (process)", ""),
    ("written", "plan --write-state (process)", ""),
    ("again", "re-plan --previous (process)", ""),
    ("auto", "automatic import (process)", "plan --previous S --write-state S2"),
    ("full", "  without fingerprints", "the same with the state's fingerprints removed"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=[s.value for s in Size], default=Size.CITE.value)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    # A deployed layer ships compiled bytecode; with PYTHONDONTWRITEBYTECODE set (as on this machine) the
    # children would otherwise compile every module of the package on each run and time that instead.
    compileall.compile_dir(Path(edt_import.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        paths = write_establishment(Path(folder), Size(args.size), args.seed)
        state = Path(folder) / "state.json"
        next_state = Path(folder) / "next-state.json"
        plan = [
            sys.executable, "-m", "edt_import.cli.main", "plan", str(paths["export"]), "--key", str(paths["key"]),
            "--directory", str(paths["directory"]), "--today", TODAY,
        ]  # fmt: skip
        subprocess.run([*plan, "--write-state", str(state)], check=True, capture_output=True)
        unprinted = Path(folder) / "state-without-fingerprints.json"
        stripped = structs.replace(decode_state(state.read_bytes()), fingerprints={}, planned_on=None)
        unprinted.write_bytes(encode_state(stripped))
        runs = timed_round_robin(
            {
                "bare": [sys.executable, "-c", BARE_PARSE, str(paths["inner"])],
                "plan": plan,
                "written": [*plan, "--write-state", str(Path(folder) / "first-state.json")],
                "again": [*plan, "--previous", str(state)],
                "auto": [*plan, "--previous", str(state), "--write-state", str(next_state)],
                "full": [*plan, "--previous", str(unprinted), "--write-state", str(next_state)],
            },
            args.runs,
        )
        peak_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
        state_mb = state.stat().st_size / 1e6
        summary = json.loads(runs["plan"].stdout)
        events = summary["actions"]["create_event"]
        leftover = sum(json.loads(runs["again"].stdout)["actions"].values())
        phases = subprocess.run(
            [sys.executable, "-c", PHASES, str(paths["export"]), str(paths["key"]), str(paths["directory"])],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    print(f"establishment: {args.size} seed {args.seed}, inner XML {paths['inner'].name}, {events} events planned")
    print(f"best of {args.runs} rounds, each running every command once")
    print("                               wall (s)  ratio    CPU (s)  ratio")
    bare = runs["bare"]
    for name, label, note in ROWS:
        run = runs[name]
        print(
            f"{label:<30} {run.wall:8.3f}  {run.wall / bare.wall:5.1f}x  {run.cpu:8.3f}  {run.cpu / bare.cpu:5.1f}x   "
            f"{note}".rstrip()
        )
    print(f"fingerprints save {1 - runs['auto'].cpu / runs['full'].cpu:.0%} of the automatic import's CPU time")
    print(
        "targets: plan and automatic import <= 3x the bare parse; re-plan no slower than the first plan "
        "(which wrote the state)"
    )
    print(f"state file                     {state_mb:7.1f} MB")
    print(f"re-plan actions (must be 0)    {leftover:7d}")
    print(f"peak RSS of any child          {peak_rss:7.0f} MB (target <= 512 MB)")
    print(f"courses                        {len(summary['courses']):7d}")
    print("CPU time by phase of one plan process (in process, GC paused as in the command):")
    print(phases, end="")
    return 0 if leftover == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
