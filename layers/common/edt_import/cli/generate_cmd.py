"""``edt-import generate``: a realistic establishment (export, key, directory), deterministic from a seed."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from edt_import.generator.establishment import Size, audience_occurrences, generate_establishment
from edt_import.generator.files import write_generated


def run(args: argparse.Namespace) -> int:
    generated = generate_establishment(Size(args.size), args.seed)
    paths = write_generated(Path(args.out), generated, partner=args.partner)
    timetable = generated.timetable
    summary = {
        "size": generated.size.value,
        "seed": generated.seed,
        "uai": generated.uai,
        "files": {kind: str(path) for kind, path in paths.items()},
        "counts": {
            "students": len(timetable.students),
            "teachers": len(timetable.teachers),
            "classes": len(timetable.classes),
            "groups": len(timetable.groups),
            "rooms": len(timetable.rooms),
            "lessons": len(timetable.lessons),
            "occurrences": audience_occurrences(timetable),
            "directory": len(generated.directory),
            "inner_xml_bytes": paths["inner"].stat().st_size,
        },
    }
    print(json.dumps(summary, sort_keys=True))
    return 0
