"""``edt-import plan``: what an import would send to itslearning, as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from edt_import.cli.collector import collector_paused
from edt_import.cli.plan_inputs import import_date, load_plan_inputs
from edt_import.domain.errors import ConfigError
from edt_import.domain.plan import EventSpec, Role
from edt_import.domain.planning import PlanResult, PlanSettings, plan_import
from edt_import.domain.reconciliation import PersonRef
from edt_import.domain.state_encoding import encode_state

_ROLE_NAMES = {Role.INSTRUCTOR: "teacher", Role.LEARNER: "student"}
_SKIP_REASONS = ("class_part_only", "no_audience", "outside_grid")


def run(args: argparse.Namespace) -> int:
    with collector_paused():
        today = import_date(args.today, args.timezone)
        inputs = load_plan_inputs(args)
        result = plan_import(
            inputs.export.timetable,
            inputs.directory or (),
            previous=inputs.previous,
            selection=inputs.selection,
            settings=PlanSettings(today=today, timezone=args.timezone),
        )
        if args.write_state:
            try:
                Path(args.write_state).write_bytes(encode_state(result.state))
            except OSError as exc:
                raise ConfigError(f"The state file {args.write_state} cannot be written ({exc.strerror}).") from exc
        # dumps, not dump: only a one-shot encoding takes the C encoder (three times faster here).
        sys.stdout.write(json.dumps(plan_summary(result, with_events=args.with_events), ensure_ascii=False))
    sys.stdout.write("\n")
    for warning in inputs.export.warnings:
        print(f"warning: {warning.code}: {warning.message}", file=sys.stderr)
    for line in selection_warnings(result):
        print(line, file=sys.stderr)
    return 0


_SELECTION_LISTS = {"subjects": "subject(s)", "classes": "class(es)", "groups": "group(s)", "courses": "course(s)"}


def selection_warnings(result: PlanResult) -> list[str]:
    """One ``warning:`` line per selection list naming what this export does not have (names of classes,
    groups, subjects and courses only: no person is ever named)."""
    return [
        f"warning: selection_unknown: The selection disables {len(names)} {_SELECTION_LISTS[name]} "
        f"this export does not have: {', '.join(names)}."
        for name, names in result.report.selection_unknown.items()
    ]


def plan_summary(result: PlanResult, *, with_events: bool = False) -> dict[str, Any]:
    """The administrator's view of a plan. Unmatched people carry their names: they must be found and fixed."""
    report = result.report
    hold = report.hold
    summary: dict[str, Any] = {
        "courses": [
            {"key": c.key, "title": c.title, "teachers": c.teachers, "students": c.students, "events": c.events}
            for c in report.courses
        ],
        "skipped_lessons": {**dict.fromkeys(_SKIP_REASONS, 0), **report.skipped_lessons},
        "matched": {"teachers": report.matched_teachers, "students": report.matched_students},
        "unmatched": [{**_person(u.person), "reason": u.reason.value} for u in report.unmatched],
        "conflicts": [{**_person(c.person), "kind": c.kind.value} for c in report.conflicts],
        "actions": report.actions,
        "held": hold is not None,
        "hold": {
            "reasons": list(hold.reasons) if hold is not None else [],
            "figures": report.guard_figures,
        },
    }
    if with_events:
        summary["events"] = [_event(spec) for spec in result.events.values()]
    return summary


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
