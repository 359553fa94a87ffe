"""The pipeline end to end on the local stack, by stage, beside ``edt-import sync`` on the same data.

The largest generated establishment (a cité scolaire) is imported twice on fresh itslearning stand-ins: once
through the local stack (presigned upload, S3 trigger, Step Functions on moto, the handlers in-process, the
working data in S3 and DynamoDB on the moto server) and once with ``edt-import sync`` (the same use cases, files
and one process). Prints the wall time of each pipeline stage (from the status changes, polled every 50 ms),
the total, the CLI sync's time, and the pipeline's overhead as a ratio. Memory of each Lambda is not enforced
locally: ``benchmarks/plan_bench.py`` gives the plan's peak, the largest step.

Run: `.venv/bin/python benchmarks/pipeline_bench.py [--size cite] [--seed 2026]`.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from local_stack import LocalStack, StackOptions
from local_stack.site import local_site

from edt_import.cli.main import main as edt_import
from edt_import.domain.directory_csv import read_directory_csv
from edt_import.domain.export_reader import read_export
from edt_import.domain.imports import ImportRecord
from edt_import.domain.private_key import load_private_key
from edt_import.generator.establishment import Size
from edt_import.generator.files import write_establishment
from edt_import.generator.school_calendar import SCHOOL_YEAR
from itslearning_standin import StandinServer

# The year's first school day, 07:00 UTC: a first import plans every event of the year.
NOW = datetime.combine(SCHOOL_YEAR.start, datetime.min.time(), UTC).replace(hour=7)


def pipeline(paths: dict[str, Path], uai: str) -> tuple[ImportRecord, list[tuple[str, float]], float]:
    persons = read_directory_csv(paths["directory"].read_bytes())
    with LocalStack(StackOptions(now=NOW)) as stack:
        with local_site(stack, uai=uai, persons=persons, partner_key_pem=paths["key"].read_bytes()) as site:
            marks: list[tuple[str, float]] = []
            started = time.perf_counter()
            record = site.import_bytes(
                paths["export"].read_bytes(),
                on_status=lambda r: marks.append((r.status.value, time.perf_counter() - started)),
                timeout_s=3600,
            )
        return record, marks, time.perf_counter() - started


def cli_sync(paths: dict[str, Path], uai: str, state_dir: Path) -> float:
    persons = read_directory_csv(paths["directory"].read_bytes())
    standin = StandinServer(persons=persons, schools=(uai,))
    url = standin.start()
    try:
        argv = ["sync", str(paths["export"]), "--key", str(paths["key"]), "--uai", uai]
        argv += ["--today", SCHOOL_YEAR.start.isoformat(), "--itslearning-url", url, "--state-dir", str(state_dir)]
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            status = edt_import(argv)
        elapsed = time.perf_counter() - started
    finally:
        standin.stop()
    if status != 0:
        raise SystemExit(f"edt-import sync ended with status {status}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="cite", choices=["college", "lycee", "cite"])
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    os.environ.pop("ITSLEARNING_USERNAME", None)
    with tempfile.TemporaryDirectory() as folder:
        paths = write_establishment(Path(folder), Size(args.size), seed=args.seed)
        uai = read_export(paths["export"].read_bytes(), private_key=load_private_key(paths["key"].read_bytes()))
        record, marks, total = pipeline(paths, uai.timetable.uai)
        sync_s = cli_sync(paths, uai.timetable.uai, Path(folder) / "state")
    actions = record.summary.get("sync", {}).get("succeeded", 0)
    print(
        f"pipeline on the local stack, {args.size} (seed {args.seed}): {actions} actions, status {record.status.value}"
    )
    previous = 0.0
    for (status, at), (_, until) in zip(marks, [*marks[1:], ("end", total)], strict=True):
        print(f"  {status:<12} from {at:7.2f} s   {until - at:7.2f} s")
        previous = until
    print(f"  total        {previous:7.2f} s  ({record.summary.get('plan', {}).get('chunks', 0)} chunks)")
    print(f"edt-import sync, same data, one process: {sync_s:.2f} s")
    print(f"pipeline / CLI sync: {previous / sync_s:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
