"""``edt-import generate``: a realistic establishment (export, key, directory), deterministic from a seed."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from edt_import.domain.errors import ConfigError
from edt_import.generator.establishment import Size, audience_occurrences, generate_establishment
from edt_import.generator.files import write_generated


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"The output {out} is a file; name a folder (it is created if needed).")
    generated = generate_establishment(Size(args.size), args.seed)
    try:
        paths = write_generated(out, generated, partner=args.partner)
    except OSError as exc:
        raise ConfigError(f"The output folder {out} cannot be written ({exc.strerror}).") from exc
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
