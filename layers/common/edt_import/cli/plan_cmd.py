"""``edt-import plan``: what an import would send to itslearning, as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from edt_import.cli import exit_status
from edt_import.cli.collector import collector_paused
from edt_import.cli.hold_view import held_line, hold_summary
from edt_import.cli.plan_inputs import import_date, load_plan_inputs, read_file
from edt_import.domain.errors import ConfigError
from edt_import.domain.left_out import LeftOutReason
from edt_import.domain.plan import EventSpec, Role
from edt_import.domain.planning import PlanReport, PlanResult, PlanSettings, plan_import
from edt_import.domain.reconciliation import PersonRef, person_ref
from edt_import.domain.state_encoding import encode_state
from edt_import.domain.subject_referential import parse_subject_codes
from edt_import.domain.timetable import Student, Teacher, Timetable
from edt_import.usecases.skipped_lesson_rows import skipped_lesson_row

_ROLE_NAMES = {Role.INSTRUCTOR: "teacher", Role.LEARNER: "student"}


def run(args: argparse.Namespace) -> int:
    with collector_paused():
        today = import_date(args.today, args.timezone)
        referential = read_file(args.subjects, "subject referential")
        known_subject_codes = parse_subject_codes(referential) if referential is not None else None
        inputs = load_plan_inputs(args)
        timetable = inputs.export.timetable
        result = plan_import(
            timetable,
            inputs.directory or (),
            previous=inputs.previous,
            selection=inputs.selection,
            settings=PlanSettings(today=today, timezone=args.timezone, known_subject_codes=known_subject_codes),
        )
        if args.write_state:
            try:
                Path(args.write_state).write_bytes(encode_state(result.state))
            except OSError as exc:
                raise ConfigError(f"The state file {args.write_state} cannot be written ({exc.strerror}).") from exc
        # dumps, not dump: only a one-shot encoding takes the C encoder (three times faster here).
        summary = plan_summary(result, timetable, with_events=args.with_events)
        sys.stdout.write(json.dumps(summary, ensure_ascii=False))
    sys.stdout.write("\n")
    for warning in inputs.export.warnings:
        print(f"warning: {warning.code}: {warning.message}", file=sys.stderr)
    for line in selection_warnings(result):
        print(line, file=sys.stderr)
    if result.report.hold is None:
        return exit_status.OK
    # The plan is printed all the same; held, it exits as a held sync does, so that a script cannot miss it.
    print(held_line(summary["hold"]), file=sys.stderr)
    return exit_status.HELD


_SELECTION_LISTS = {"subjects": "subject(s)", "classes": "class(es)", "groups": "group(s)", "courses": "course(s)"}


def selection_warnings(result: PlanResult) -> list[str]:
    """One ``warning:`` line per selection list naming what this export does not have (names of classes,
    groups, subjects and courses only: no person is ever named)."""
    return [
        f"warning: selection_unknown: The selection disables {len(names)} {_SELECTION_LISTS[name]} "
        f"this export does not have: {', '.join(names)}."
        for name, names in result.report.selection_unknown.items()
    ]


def plan_summary(result: PlanResult, timetable: Timetable, *, with_events: bool = False) -> dict[str, Any]:
    """The administrator's view of a plan. Unmatched and left-out people carry their names: they must be found
    and fixed."""
    report = result.report
    hold = report.hold
    new = report.new
    summary: dict[str, Any] = {
        "courses": [
            {"key": c.key, "title": c.title, "teachers": c.teachers, "students": c.students, "events": c.events}
            for c in report.courses
        ],
        "skipped_lessons": [skipped_lesson_row(lesson) for lesson in report.skipped_lessons],
        "skipped_counts": {reason.value: count for reason, count in report.skipped_counts.items()},
        "left_out": _left_out(report, timetable),
        "subjects": [
            {"code": s.code, "label": s.label, "status": s.status.value, "courses": s.courses, "imported": s.imported}
            for s in report.subjects
        ],
        "new": {
            "subjects": list(new.subjects),
            "classes": list(new.classes),
            "groups": list(new.groups),
            "courses": [{"key": key, "title": title} for key, title in new.courses],
        },
        "matched": {"teachers": report.matched_teachers, "students": report.matched_students},
        "unmatched": [{**_person(u.person), "reason": u.reason.value} for u in report.unmatched],
        "conflicts": [{**_person(c.person), "kind": c.kind.value, "resolved": c.resolved} for c in report.conflicts],
        "actions": report.actions,
        "held": hold is not None,
        # A held plan lists what it would delete and the code approving it (sync --approve CODE).
        "hold": hold_summary(result),
    }
    if with_events:
        summary["events"] = [_event(spec) for spec in result.events.values()]
    return summary


def _left_out(report: PlanReport, timetable: Timetable) -> dict[str, list[dict[str, Any]]]:
    left = report.left_out
    return {
        "teachers": [_left_person(timetable.teachers[i], Role.INSTRUCTOR, reason) for i, reason in left.teachers],
        "students": [_left_person(timetable.students[i], Role.LEARNER, reason) for i, reason in left.students],
        "classes": [{"name": timetable.classes[i].name, "reason": reason.value} for i, reason in left.classes],
    }


def _left_person(person: Teacher | Student, role: Role, reason: LeftOutReason) -> dict[str, Any]:
    return {**_person(person_ref(person, role)), "reason": reason.value}


def _person(person: PersonRef) -> dict[str, Any]:
    row: dict[str, Any] = {
        "role": _ROLE_NAMES[person.role],
        "last_name": person.last_name,
        "first_name": person.first_name,
    }
    if person.role is Role.LEARNER:
        row["birth_date"] = person.birth_date.isoformat() if person.birth_date else None
    return row


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _event(event: EventSpec) -> dict[str, Any]:
    return {
        "key": event.key,
        "course_key": event.course_key,
        "title": event.title,
        "start": _utc(event.start),
        "end": _utc(event.end),
        "rooms": list(event.rooms),
    }
