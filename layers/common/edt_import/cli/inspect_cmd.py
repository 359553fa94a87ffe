"""``edt-import inspect``: open and validate an export, print its summary as JSON."""

from __future__ import annotations

import argparse
import json

from edt_import.cli.collector import collector_paused
from edt_import.cli.plan_inputs import read_export_file, read_file
from edt_import.domain.export_reader import read_export
from edt_import.domain.private_key import load_private_key
from edt_import.domain.timetable import Export


def run(args: argparse.Namespace) -> int:
    with collector_paused():
        return _inspect(args)


def _inspect(args: argparse.Namespace) -> int:
    key_bytes = read_file(args.key, "private key")
    export = read_export(
        read_export_file(args.file),
        private_key=load_private_key(key_bytes) if key_bytes is not None else None,
        partner=args.partner,
        expected_uai=args.uai,
        allow_any_version=args.allow_any_version,
    )
    print(json.dumps(summary(export), ensure_ascii=False, indent=2))
    return 0


def summary(export: Export) -> dict[str, object]:
    """What an administrator checks before importing: no names, only the establishment, year and counts."""
    timetable = export.timetable
    year = timetable.school_year
    container = export.container
    return {
        "uai": timetable.uai or (container.uai if container is not None else None) or None,
        "software": container.software if container is not None else None,
        "version": timetable.version,
        "school_year": {
            "start": year.start.isoformat(),
            "end": year.end.isoformat(),
            "week1": year.week1_monday.isoformat(),
        },
        "counts": {
            "subjects": len(timetable.subjects),
            "teachers": len(timetable.teachers),
            "classes": len(timetable.classes),
            "class_parts": len(timetable.class_parts),
            "groups": len(timetable.groups),
            "rooms": len(timetable.rooms),
            "students": len(timetable.students),
            "lessons": len(timetable.lessons),
        },
        "warnings": [
            {"code": str(warning.code), "message": warning.message, **warning.details} for warning in export.warnings
        ],
    }
