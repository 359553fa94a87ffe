"""The admin API on the local stack (``edt-import serve`` in this process), timed over HTTP as the console uses it.

Prints: the time ``serve`` takes to be ready; one manual import of a generated college from the POST to ``done``
(upload through the presigned form, the history polled every 100 ms as the console does); and the latency of the
history's first page (``GET …/imports``) and of one import's summary when the establishment has a long history
(``--history`` imports, about 4 a day for 550 days at most in AWS, the history's retention). The history is read
whole from DynamoDB and paged in the function: this shows what that costs at the sizes a school reaches.

Run: `.venv/bin/python benchmarks/admin_api_bench.py [--history 2200] [--requests 30]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from local_front.session import LocalSession, SessionOptions

from edt_import.adapters import wiring
from edt_import.cli.main import main as edt_import
from edt_import.domain.export_reader import read_export
from edt_import.domain.imports import ImportKind, ImportStatus, new_import
from edt_import.domain.private_key import load_private_key
from edt_import.generator.establishment import Size
from edt_import.generator.files import write_establishment

NOW = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)
# What the steps of a done import leave in its record: the history's items are this big.
SECTIONS: dict[str, dict[str, Any]] = {
    "validation": {"software": "EDT", "version": "2024.0.1", "warnings": 2, "size_bytes": 900000, "uai": ""},
    "reconciliation": {
        "accounts": 700,
        "matched_teachers": 49,
        "matched_students": 600,
        "unmatched": 19,
        "conflicts": 0,
    },
    "sync": {"succeeded": 25000, "failed": 0, "skipped": 0, "year_node": "ok", "by_type": {}},
}


def request(method: str, url: str, token: str, body: object = None) -> tuple[float, Any]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    call = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310 - the local front
    with urllib.request.urlopen(call, timeout=120) as response:  # noqa: S310
        answer = json.loads(response.read())
    return time.perf_counter() - started, answer


def import_once(session: LocalSession, uai: str, export: bytes, token: str) -> float:
    imports = f"{session.url}/establishments/{uai}/imports"
    started = time.perf_counter()
    _, created = request("POST", imports, token, {"kind": "manual"})
    upload = created["upload"]
    assert session.stack is not None  # noqa: S101
    session.stack.post_form(upload["url"], upload["fields"], export)
    while True:
        _, page = request("GET", imports, token)
        (item,) = [i for i in page["items"] if i["import_id"] == created["import_id"]]
        if item["status"] in {"done", "done_with_errors", "failed", "held"}:
            return time.perf_counter() - started
        if item["status"] == "awaiting_selection":
            request("POST", f"{imports}/{created['import_id']}/launch", token)
        time.sleep(0.1)


def fill_history(session: LocalSession, uai: str, count: int) -> str:
    assert session.stack is not None  # noqa: S101
    history = wiring.import_history(session.stack.ref("ImportsTable"))
    last = ""
    for n in range(count):
        at = NOW - timedelta(hours=6 * (count - n))
        last = f"{n:032x}"
        history.create(new_import(uai=uai, import_id=last, kind=ImportKind.AUTOMATIC, now=at, upload_key=""))
        for name, section in SECTIONS.items():
            history.update(uai, last, status=ImportStatus.DONE, now=at, section=(name, section))
    return last


def latencies(url: str, token: str, requests: int) -> str:
    times = sorted(request("GET", url, token)[0] * 1000 for _ in range(requests))
    p95 = times[min(len(times) - 1, round(0.95 * len(times)))]
    return f"median {statistics.median(times):6.1f} ms, p95 {p95:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", type=int, default=2200, help="imports in the long history (default 2200)")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        files = write_establishment(Path(folder) / "school", Size.COLLEGE, seed=31)
        export = files["export"].read_bytes()
        uai = read_export(export, private_key=load_private_key(files["key"].read_bytes())).timetable.uai
        started = time.perf_counter()
        with LocalSession(SessionOptions(data_dir=Path(folder) / "local", now=NOW)) as session:
            print(f"serve ready                        {time.perf_counter() - started:6.1f} s")
            key, directory = str(files["key"]), str(files["directory"])
            edt_import(["establishment", "add", uai, "--key", key, "--directory", directory,
                        "--data-dir", str(Path(folder) / "local")])  # fmt: skip
            token = session.token([uai])
            print(f"college manual import, POST → done {import_once(session, uai, export, token):6.1f} s")
            other = "0930002B"
            last = fill_history(session, other, args.history)
            token = session.token([other])
            imports = f"{session.url}/establishments/{other}/imports"
            one = latencies(f"{imports}/{last}", token, args.requests)
            short = latencies(imports.replace(other, uai), session.token([uai]), args.requests)
            print(f"history first page ({args.history} imports)  {latencies(imports, token, args.requests)}")
            print(f"one import's summary ({args.history})      {one}")
            print(f"history first page (1 import)      {short}")


if __name__ == "__main__":
    main()
