"""``make demo``: the whole local pipeline on a generated establishment, then the import summary.

Until the AWS pipeline lands this runs the furthest stages built: generate → inspect → plan → sync to
the itslearning stand-in (started in this process) → an unchanged re-sync, which must send nothing.
Every stage goes through the real ``edt-import`` command, so the demo exercises what operators run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import Any

from edt_import.cli.main import main as edt_import


def run_command(*argv: str) -> dict[str, Any]:
    """Run one ``edt-import`` command in-process and return the JSON object it printed."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        status = edt_import(list(argv))
    if status not in (0, 3):  # 3: some itslearning items were refused, which the summary reports
        raise SystemExit(f"edt-import {argv[0]} failed with status {status}")
    result: dict[str, Any] = json.loads(output.getvalue())
    return result


def import_date(school_year: dict[str, str]) -> date:
    """Today when it falls in the generated school year, else the year's first day (so events exist)."""
    start, end = date.fromisoformat(school_year["start"]), date.fromisoformat(school_year["end"])
    today = date.today()  # noqa: DTZ011 - the operator's calendar day is what an import date is
    return today if start <= today <= end else start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("demo-out"))
    parser.add_argument("--size", default="college", choices=["college", "lycee", "cite"])
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    from itslearning_standin.seed import read_persons_file  # noqa: PLC0415 - a local tool, kept out of the layer
    from itslearning_standin.server import StandinServer  # noqa: PLC0415

    out: Path = args.out
    run_command("generate", "--size", args.size, "--seed", str(args.seed), "--out", str(out))
    export, key, directory = out / "export.xml", out / "partner-key.pem", out / "directory.csv"
    summary = run_command("inspect", str(export), "--key", str(key))
    uai, today = summary["uai"], import_date(summary["school_year"])
    exported = (str(export), "--key", str(key), "--uai", uai, "--today", today.isoformat())
    plan = run_command("plan", *exported, "--directory", str(directory))

    standin = StandinServer(persons=read_persons_file(directory), schools=(uai,))
    url = standin.start()
    try:
        state_dir = out / "state"
        shutil.rmtree(state_dir, ignore_errors=True)  # each demo is a first import
        first = run_command("sync", *exported, "--itslearning-url", url, "--state-dir", str(state_dir))
        again = run_command("sync", *exported, "--itslearning-url", url, "--state-dir", str(state_dir))
        landed = standin.stats()
    finally:
        standin.stop()

    unmatched_file = out / "unmatched.txt"
    unmatched_file.write_text("".join(f"{person_line(p)}\n" for p in plan["unmatched"]), encoding="utf-8")
    counts = summary["counts"]
    skipped = ", ".join(f"{reason} {n}" for reason, n in plan["skipped_counts"].items() if n)
    print(f"edt-import demo: generated {args.size} (seed {args.seed}), UAI {uai}, {summary['software']}")
    print(f"  import date         {today.isoformat()}")
    print(
        f"  timetable           {counts['students']} students, {counts['teachers']} teachers, "
        f"{counts['classes']} classes, {counts['groups']} groups, {counts['lessons']} lessons, "
        f"{len(summary['warnings'])} warning(s)"
    )
    print(f"  courses             {len(plan['courses'])} planned; lessons not imported: {skipped or 'none'}")
    print(
        f"  accounts            {plan['matched']['students']} students and {plan['matched']['teachers']} teachers "
        f"matched, {len(plan['unmatched'])} unmatched (listed in {unmatched_file})"
    )
    print(f"  first sync          {actions_line(first['actions'])}")
    print(f"  unchanged re-sync   {actions_line(again['actions'])}")
    print(
        f"  itslearning now     {landed['courses']} courses, {landed['memberships']} memberships, "
        f"{landed['events']} events, {landed['duplicates']} duplicates "
        f"({landed['calls']} calls carrying {landed['items']} items)"
    )
    return 0


def actions_line(actions: dict[str, Any]) -> str:
    per_type = ", ".join(
        f"{name} {figures['succeeded']}"
        for name, figures in actions.items()
        if isinstance(figures, dict) and figures["succeeded"]
    )
    return f"{actions['succeeded']} actions succeeded, {actions['failed']} failed" + (
        f" ({per_type})" if per_type else ""
    )


def person_line(person: dict[str, str]) -> str:
    """One line of the unmatched-accounts file an administrator downloads (as in the original product)."""
    fields = [person["role"], person["last_name"], person["first_name"], person.get("birth_date", ""), person["reason"]]
    return "\t".join(fields)


if __name__ == "__main__":
    sys.exit(main())
