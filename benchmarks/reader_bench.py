"""Export reader throughput and peak memory per generated size, next to a bare lxml parse of the same bytes.

Target (issue 2): the reader within 3x a bare parse. Run: `.venv/bin/python benchmarks/reader_bench.py`.
Each measurement runs in a fresh child process so that its peak RSS (lxml's C memory included) is its own;
times are CPU seconds (best of --runs), steadier than wall time on a shared machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from edt_import.domain.export_reader import read_export
from edt_import.domain.private_key import load_private_key
from edt_import.domain.xml_reader import parse_timetable
from edt_import.generator.establishment import Size
from edt_import.generator.files import write_establishment

MB = 1024 * 1024
MODES = ("bare", "reader", "export")


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def reset_peak_rss_kb() -> int:
    """Reset the kernel's high-water mark (Linux clear_refs) so the peak seen is this work's; return RSS now."""
    Path("/proc/self/clear_refs").write_text("5")
    return status_kb("VmRSS")


def measure_child(mode: str, folder: Path, runs: int) -> None:
    """In the child: time ``mode`` on the files in ``folder``; print seconds and peak RSS as JSON.

    The child is an entry point, so it pauses the cyclic collector during the work as the commands do (the
    domain leaves process-wide state alone).
    """
    baseline_kb = reset_peak_rss_kb()
    xml = (folder / "inner.xml").read_bytes()
    container = (folder / "export.xml").read_bytes()
    key = load_private_key((folder / "partner-key.pem").read_bytes())
    work: dict[str, Callable[[], object]] = {
        "bare": lambda: etree.fromstring(xml),
        "reader": lambda: parse_timetable(xml),
        "export": lambda: read_export(container, private_key=key),
    }
    timings = []
    for _ in range(runs):
        gc.disable()
        started = time.process_time()
        work[mode]()
        timings.append(time.process_time() - started)
        gc.enable()
    peak_kb = status_kb("VmHWM")
    print(json.dumps({"seconds": min(timings), "peak_mb": (peak_kb - baseline_kb) / 1024}))


def run_child(mode: str, folder: Path, runs: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", mode, "--folder", str(folder), "--runs", str(runs)]
    result: dict[str, float] = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
    return result


def measure(size: Size, seed: int, runs: int, root: Path) -> str:
    folder = root / size.value
    write_establishment(folder, size, seed)
    megabytes = (folder / "inner.xml").stat().st_size / MB
    figures = {mode: run_child(mode, folder, runs) for mode in MODES}
    bare, reader, whole = (figures[mode]["seconds"] for mode in MODES)
    return (
        f"{size.value:8} {megabytes:7.2f} {megabytes / bare:10.1f} {megabytes / reader:12.1f} {reader / bare:6.2f} "
        f"{megabytes / whole:14.1f} {whole / bare:6.2f} "
        f"{figures['bare']['peak_mb']:13.1f} {figures['reader']['peak_mb']:15.1f} {figures['export']['peak_mb']:15.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure_child(args.child, args.folder, args.runs)
        return
    print(
        f"{'size':8} {'XML MB':>7} {'bare MB/s':>10} {'reader MB/s':>12} {'ratio':>6} {'export MB/s':>14} "
        f"{'ratio':>6} {'bare peak MB':>13} {'reader peak MB':>15} {'export peak MB':>15}"
    )
    with tempfile.TemporaryDirectory() as root:
        for size in Size:
            print(measure(size, args.seed, args.runs, Path(root)), flush=True)
    print("export = decrypt + inflate + parse + validate of the encrypted container;")
    print("peaks = RSS high-water mark above the interpreter and its imports, input bytes included")


if __name__ == "__main__":
    main()
