"""Whole-process `edt-import plan` on the largest generated establishment, next to a bare lxml parse of its XML.

Targets: plan within 3x the bare parse, peak memory within 512 MB, an unchanged re-plan (``--previous`` from
``--write-state``) no slower than the first plan, and the automatic import's path (plan against the previous
state and write the next, four times a day) within 3x too. That path is also timed with the state's course
fingerprints removed (every event built and compared, every block re-encoded): what the fingerprints save.
Every figure is a separate subprocess, best of ``--runs``; peak RSS is the largest child's ``ru_maxrss``.
Run: `.venv/bin/python benchmarks/plan_bench.py [--size cite] [--runs 3]`.
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

from msgspec import structs

import edt_import
from edt_import.domain.state_encoding import decode_state, encode_state
from edt_import.generator.establishment import Size
from edt_import.generator.files import write_establishment

TODAY = "2026-09-14"  # the Monday of week 3 of the generated school year
BARE_PARSE = "import sys; from lxml import etree; etree.fromstring(open(sys.argv[1], 'rb').read())"


def timed(argv: list[str], runs: int) -> tuple[float, float, float, str]:
    """Best wall time (s), best CPU time (s, user + system: steadier on a busy machine), the peak RSS of the
    largest child so far (MB), and the last run's stdout."""
    best_wall = best_cpu = float("inf")
    out = ""
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(argv, check=True, capture_output=True, text=True)
        best_wall = min(best_wall, time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best_cpu = min(best_cpu, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        out = done.stdout
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
    return best_wall, best_cpu, peak_mb, out


PHASES = """
import gc, sys, time
gc.disable()
started = time.process_time()
from datetime import date
from pathlib import Path
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=[s.value for s in Size], default=Size.CITE.value)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
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
        bare, bare_cpu, bare_rss, _ = timed([sys.executable, "-c", BARE_PARSE, str(paths["inner"])], args.runs)
        first, first_cpu, first_rss, out = timed(plan, args.runs)
        written, written_cpu, written_rss, _ = timed([*plan, "--write-state", str(state)], args.runs)
        again, again_cpu, again_rss, again_out = timed([*plan, "--previous", str(state)], args.runs)
        auto, auto_cpu, auto_rss, _ = timed(
            [*plan, "--previous", str(state), "--write-state", str(next_state)], args.runs
        )
        unprinted = Path(folder) / "state-without-fingerprints.json"
        unprinted.write_bytes(
            encode_state(structs.replace(decode_state(state.read_bytes()), fingerprints={}, planned_on=None))
        )
        full, full_cpu, full_rss, _ = timed(
            [*plan, "--previous", str(unprinted), "--write-state", str(next_state)], args.runs
        )
        state_mb = state.stat().st_size / 1e6
        summary = json.loads(out)
        events = summary["actions"]["create_event"]
        leftover = sum(json.loads(again_out)["actions"].values())
        phases = subprocess.run(
            [sys.executable, "-c", PHASES, str(paths["export"]), str(paths["key"]), str(paths["directory"])],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    print(f"establishment: {args.size} seed {args.seed}, inner XML {paths['inner'].name}, {events} events planned")
    print("                               wall (s)  ratio    CPU (s)  ratio")
    print(f"bare lxml parse (process)      {bare:8.3f}  {1:5.1f}x  {bare_cpu:8.3f}  {1:5.1f}x")
    print(
        f"plan (process)                 {first:8.3f}  {first / bare:5.1f}x  {first_cpu:8.3f}  "
        f"{first_cpu / bare_cpu:5.1f}x"
    )
    print(
        f"plan --write-state (process)   {written:8.3f}  {written / bare:5.1f}x  {written_cpu:8.3f}  "
        f"{written_cpu / bare_cpu:5.1f}x"
    )
    print(
        f"re-plan --previous (process)   {again:8.3f}  {again / bare:5.1f}x  {again_cpu:8.3f}  "
        f"{again_cpu / bare_cpu:5.1f}x"
    )
    print(
        f"automatic import (process)     {auto:8.3f}  {auto / bare:5.1f}x  {auto_cpu:8.3f}  "
        f"{auto_cpu / bare_cpu:5.1f}x   plan --previous S --write-state S2"
    )
    print(
        f"  without fingerprints         {full:8.3f}  {full / bare:5.1f}x  {full_cpu:8.3f}  "
        f"{full_cpu / bare_cpu:5.1f}x   fingerprints save {1 - auto_cpu / full_cpu:.0%} of its CPU time"
    )
    print(
        "targets: plan and automatic import <= 3x the bare parse; re-plan no slower than the first plan "
        "(which wrote the state)"
    )
    print(f"state file                     {state_mb:7.1f} MB")
    print(f"re-plan actions (must be 0)    {leftover:7d}")
    peak_rss = max(bare_rss, first_rss, written_rss, again_rss, auto_rss, full_rss)
    print(f"peak RSS of any child          {peak_rss:7.0f} MB (target <= 512 MB)")
    print(f"courses                        {len(summary['courses']):7d}")
    print("CPU time by phase of one plan process (in process, GC paused as in the command):")
    print(phases, end="")
    return 0 if leftover == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
