"""``edt-import demo`` (``make demo``): the serverless pipeline on this machine, on a generated establishment.

The same template.yaml and state machine as in AWS run on moto in this process, the Lambda handlers called
in-process, and a local itslearning stand-in plays the ENT. The demo uploads the encrypted export through a
presigned URL, prints one line per stage as the import moves on and a summary an administrator can read,
then imports a second, slightly changed export (a lesson moved to another room, a pupil changed class) and
shows the small difference it applied. With ``--export`` it runs one import of the given file instead; with
``--json`` the last line of its output is one JSON object (status, actions, what the stand-in holds, import id).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from edt_import.cli import exit_status
from edt_import.domain.directory import DirectoryPerson
from edt_import.domain.directory_csv import read_directory_csv
from edt_import.domain.errors import ConfigError, ErrorCode
from edt_import.domain.imports import ImportRecord, ImportStatus

PARIS = ZoneInfo("Europe/Paris")
_EXIT = {
    ImportStatus.DONE: exit_status.OK,
    ImportStatus.DONE_WITH_ERRORS: exit_status.SOME_FAILED,
    ImportStatus.HELD: exit_status.HELD,
}


def run(args: argparse.Namespace) -> int:
    from local_stack import LocalStack, StackOptions  # noqa: PLC0415 - a local tool (moto), kept out of the layer

    say = _Printer(quiet_stdout=args.json)
    say("edt-import demo: the serverless pipeline on this machine (template.yaml and the state machine on moto,")
    say("  the Lambda handlers in this process, a local itslearning stand-in as the ENT)")
    scenario = _generated(args, say) if args.export is None else _given(args)
    now = args.now or _default_now(scenario.school_year)
    started = time.monotonic()
    with LocalStack(StackOptions(now=now)) as stack:
        say(f"  local stack         ready in {time.monotonic() - started:.1f} s, clock at {now.isoformat()}")
        from local_stack.site import local_site  # noqa: PLC0415

        with local_site(
            stack, uai=scenario.uai, persons=scenario.persons, partner_key_pem=scenario.key_pem, partner=args.partner
        ) as site:
            say("first import: the export uploaded through a presigned URL")
            record = _import(site, scenario.export, say)
            _summary(record, site, say, scenario.out)
            if scenario.changed is not None and record.status is ImportStatus.DONE:
                say("second import: a lesson moved to another room, a pupil changed class")
                record = _import(site, scenario.changed, say)
                _difference(record, say)
            landed = site.standin.stats()
    if args.json:
        print(json.dumps(_result(record, landed), ensure_ascii=False))
    return _status(record)


class _Printer:
    def __init__(self, *, quiet_stdout: bool) -> None:
        self._stream = sys.stderr if quiet_stdout else sys.stdout  # --json: stdout carries the JSON line only

    def __call__(self, line: str) -> None:
        print(line, file=self._stream, flush=True)


class _Scenario:
    def __init__(
        self,
        *,
        uai: str,
        export: bytes,
        key_pem: bytes,
        persons: tuple[DirectoryPerson, ...],
        school_year: tuple[date, date] | None,
        out: Path | None,
        changed: bytes | None = None,
    ) -> None:
        self.uai, self.export, self.key_pem, self.persons = uai, export, key_pem, persons
        self.school_year, self.out, self.changed = school_year, out, changed


def _generated(args: argparse.Namespace, say: Callable[[str], None]) -> _Scenario:
    from edt_import.generator.establishment import Size, generate_establishment  # noqa: PLC0415 - a tool
    from edt_import.generator.files import write_generated  # noqa: PLC0415
    from edt_import.generator.variations import moved_and_transferred  # noqa: PLC0415
    from edt_import.generator.xml_writer import timetable_to_xml  # noqa: PLC0415

    out: Path = args.out
    generated = generate_establishment(Size(args.size), args.seed)
    paths = write_generated(out, generated, partner=args.partner)
    # The second export is sealed for the same partner key as the first (a school exports with the key it has).
    changed_inner = timetable_to_xml(moved_and_transferred(generated).timetable)
    changed_export = _reseal(changed_inner, paths["key"].read_bytes(), generated, args.partner)
    (out / "export-2.xml").write_bytes(changed_export)
    t = generated.timetable
    say(
        f"  generated           {args.size} (seed {args.seed}), UAI {generated.uai}: {len(t.students)} pupils, "
        f"{len(t.teachers)} teachers, {len(t.classes)} classes, {len(t.lessons)} lessons, in {out}"
    )
    return _Scenario(
        uai=generated.uai,
        export=paths["export"].read_bytes(),
        key_pem=paths["key"].read_bytes(),
        persons=generated.directory,
        school_year=(t.school_year.start, t.school_year.end),
        out=out,
        changed=changed_export,
    )


def _reseal(inner: bytes, key_pem: bytes, generated: Any, partner: str) -> bytes:
    from edt_import.domain.private_key import load_private_key  # noqa: PLC0415
    from edt_import.generator.files import seal_generated  # noqa: PLC0415

    return seal_generated(inner, generated, partner=partner, public_key=load_private_key(key_pem).public_key())


def _given(args: argparse.Namespace) -> _Scenario:
    missing = [name for name in ("key", "directory", "uai") if getattr(args, name) is None]
    if missing:
        raise ConfigError(f"--export needs {', '.join('--' + m for m in missing)} too.")
    try:
        export, key_pem = Path(args.export).read_bytes(), Path(args.key).read_bytes()
        directory = Path(args.directory).read_bytes()
    except OSError as exc:
        raise ConfigError(f"A file given to the demo cannot be read: {exc.strerror}.") from exc
    return _Scenario(
        uai=args.uai.upper(),
        export=export,
        key_pem=key_pem,
        persons=read_directory_csv(directory),
        school_year=None,
        out=None,
    )


def _default_now(school_year: tuple[date, date] | None) -> datetime:
    """Now, or the school year's first day at 08:00 (Paris) when today is outside it (so events exist)."""
    now = datetime.now(UTC)
    if school_year is None or school_year[0] <= now.astimezone(PARIS).date() <= school_year[1]:
        return now
    return datetime.combine(school_year[0], clock_time(8), PARIS).astimezone(UTC)


def _import(site: Any, export: bytes, say: Callable[[str], None]) -> ImportRecord:
    started = time.monotonic()

    def stage(record: ImportRecord) -> None:
        say(f"  {record.status.value:<19} {time.monotonic() - started:6.1f} s  {record.status.label_fr}")

    return site.import_bytes(export, on_status=stage)  # type: ignore[no-any-return]


def _summary(record: ImportRecord, site: Any, say: Callable[[str], None], out: Path | None) -> None:
    summary = record.summary
    say("summary")
    say(f"  status              {record.status.value} ({record.status.label_fr})")
    if record.error is not None:
        say(f"  error               {record.error.code}: {record.error.message}")
    sync = summary.get("sync")
    if sync is not None:
        say(f"  actions             {_actions_line(sync)}")
    people = summary.get("reconciliation")
    if people is not None:
        unmatched = _write_unmatched(site, record, out)
        where = f" (listed in {unmatched})" if unmatched is not None else ""
        say(
            f"  accounts            {people['matched_teachers']} teachers and {people['matched_students']} pupils "
            f"recognised, {people['unmatched']} not recognised{where}"
        )
    landed = site.standin.stats()
    say(
        f"  local stand-in      {landed['courses']} courses, {landed['memberships']} memberships, "
        f"{landed['events']} events, {landed['duplicates']} duplicates (a local itslearning stand-in, not a real ENT)"
    )


def _difference(record: ImportRecord, say: Callable[[str], None]) -> None:
    sync = record.summary.get("sync")
    say(f"  status              {record.status.value} ({record.status.label_fr})")
    if sync is not None:
        say(f"  difference applied  {_actions_line(sync)}")


def _actions_line(sync: dict[str, Any]) -> str:
    kinds = ", ".join(f"{kind} {n['succeeded']}" for kind, n in sync["by_type"].items() if n["succeeded"])
    failed = ", ".join(f"{kind} {n['failed']}" for kind, n in sync["by_type"].items() if n["failed"])
    line = f"{sync['succeeded']} succeeded" + (f" ({kinds})" if kinds else "") + f", {sync['failed']} failed"
    return line + (f" ({failed})" if failed else "")


def _write_unmatched(site: Any, record: ImportRecord, out: Path | None) -> Path | None:
    """The administrator's list of unrecognised accounts (the console's download), one per line."""
    if out is None:
        return None
    rows = site.stack.unmatched_report(record.uai, record.import_id)
    path = out / "unmatched.txt"
    lines = ["role\tlast_name\tfirst_name\tbirth_date\treason"]
    lines += ["\t".join((r["role"], r["last_name"], r["first_name"], r["birth_date"], r["reason"])) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _result(record: ImportRecord, landed: dict[str, int]) -> dict[str, Any]:
    sync = record.summary.get("sync", {})
    return {
        "status": record.status.value,
        "import_id": record.import_id,
        "actions": {"succeeded": sync.get("succeeded", 0), "failed": sync.get("failed", 0)},
        "ent": {"courses": landed["courses"], "memberships": landed["memberships"], "events": landed["events"]},
        "error": None if record.error is None else {"code": record.error.code, "message": record.error.message},
    }


def _status(record: ImportRecord) -> int:
    if record.status in _EXIT:
        return _EXIT[record.status]
    if record.error is not None and record.error.code == ErrorCode.LMS_UNAVAILABLE.value:
        return exit_status.LMS_UNAVAILABLE
    return exit_status.REFUSED


def main(argv: list[str] | None = None) -> int:
    from edt_import.cli.main import main as edt_import  # noqa: PLC0415

    return edt_import(["demo", *(argv or sys.argv[1:])])


if __name__ == "__main__":
    sys.exit(main())
