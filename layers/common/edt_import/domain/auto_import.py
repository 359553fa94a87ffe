"""The automatic imports' limits (domain.md, "The automatic import"; the operator guide, section 4).

PRONOTE sends an export on its own schedule; the ENT accepts at most ``max_per_day`` automatic imports per
establishment and local day, at least ``interval_hours`` apart, none before ``first_run`` (the establishment's
wall clock, so 08:00 stays 08:00 across daylight-saving changes). An export arriving before its slot waits;
a newer one arriving meanwhile supersedes it: only the newest waiting export is imported.

Automatic imports are refused until a manual import of the establishment has completed (they re-apply its
selection), and while the establishment has switched them off.

Pure: the clock is an argument, instants are aware datetimes (UTC in, UTC out).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from msgspec import Struct

from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.imports import ImportKind, ImportRecord, ImportStatus

MIN_INTERVAL_HOURS = 4  # the guide's recommended minimum between two exports, enforced
MAX_INTERVAL_HOURS = 24
MAX_PER_DAY = 4  # the guide: "configurée à 4 imports possibles"
_FIRST_RUN = re.compile(r"(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9])")
_SECOND = timedelta(seconds=1)
COMPLETED = frozenset({ImportStatus.DONE, ImportStatus.DONE_WITH_ERRORS})


class AutoImportSchedule(Struct, frozen=True, kw_only=True):
    """An establishment's automatic-import settings (the console's "Import automatique" screen)."""

    enabled: bool = True
    first_run: time = time(8, 0)  # the establishment's wall clock
    interval_hours: int = MIN_INTERVAL_HOURS
    max_per_day: int = MAX_PER_DAY

    def __post_init__(self) -> None:
        if not MIN_INTERVAL_HOURS <= self.interval_hours <= MAX_INTERVAL_HOURS:
            raise _invalid(
                f"The interval between automatic imports must be {MIN_INTERVAL_HOURS} to {MAX_INTERVAL_HOURS} hours.",
                field="interval_hours",
            )
        if not 1 <= self.max_per_day <= MAX_PER_DAY:
            raise _invalid(
                f"At most {MAX_PER_DAY} automatic imports a day can be allowed (and at least 1).", field="max_per_day"
            )
        if self.first_run.second or self.first_run.microsecond or self.first_run.tzinfo is not None:
            raise _invalid(
                "The first automatic import's time is a wall-clock time in hours and minutes.", field="first_run"
            )

    @property
    def first_run_text(self) -> str:
        return self.first_run.strftime("%H:%M")


def parse_first_run(text: str) -> time:
    """``HH:MM`` (24 h), as the settings store it; anything else is refused."""
    match = _FIRST_RUN.fullmatch(text)
    if match is None:
        raise _invalid("The first automatic import's time must be written HH:MM, e.g. 08:00.", field="first_run")
    return time(int(match["hour"]), int(match["minute"]))


def _invalid(message: str, *, field: str) -> Exception:
    return rejected(ErrorCode.INVALID_AUTO_IMPORT_SETTINGS, message, field=field)


# --- the slot rule -----------------------------------------------------------------------------------------------
def first_run_instant(day: date, first_run: time, zone: ZoneInfo) -> datetime:
    """The first instant of ``day`` the establishment's clock reads ``first_run`` or later (UTC).

    In the autumn fold the first of the two readings counts. In the spring gap the wall time does not exist:
    the clock jumps over it, and the instant of the jump counts.
    """
    wall = datetime.combine(day, first_run)
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    # In the gap: fold=1 reads the wall time with the offset after the change, an instant before the jump.
    before, after = wall.replace(tzinfo=zone, fold=1).astimezone(UTC), instant
    while after - before > _SECOND:
        middle = before + timedelta(seconds=(after - before) // _SECOND // 2)
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            after = middle
        else:
            before = middle
    return after


def starts_on(day: date, starts: Iterable[datetime], zone: ZoneInfo) -> int:
    """How many of ``starts`` fell on the establishment's local ``day``."""
    return sum(1 for start in starts if start.astimezone(zone).date() == day)


def next_slot(schedule: AutoImportSchedule, *, timezone: str, started: Sequence[datetime], now: datetime) -> datetime:
    """The earliest instant, from ``now`` on, an automatic import may start.

    ``started``: when the establishment's earlier automatic imports started (all before ``now``). The instant
    is never before the day's ``first_run``, never less than ``interval_hours`` after the latest start, and on
    a local day with fewer than ``max_per_day`` starts; once they ran, the next day's ``first_run``.
    """
    zone = ZoneInfo(timezone)
    candidate = now.astimezone(UTC)
    if started:
        candidate = max(candidate, max(started).astimezone(UTC) + timedelta(hours=schedule.interval_hours))
    while True:  # ends: only the finitely many days holding a start can be full
        day = candidate.astimezone(zone).date()
        candidate = max(candidate, first_run_instant(day, schedule.first_run, zone))
        if starts_on(day, started, zone) < schedule.max_per_day:
            return candidate
        candidate = first_run_instant(day + timedelta(days=1), schedule.first_run, zone)


def automatic_starts(records: Iterable[ImportRecord]) -> list[datetime]:
    """When the establishment's automatic imports started (what the limits count); waiting ones never did."""
    return sorted(r.started_at for r in records if r.kind is ImportKind.AUTOMATIC and r.started_at is not None)


# --- which export waits, which is superseded -----------------------------------------------------------------
def is_waiting_automatic(record: ImportRecord) -> bool:
    """An automatic export validated and waiting for its slot (an administrator's re-run is not throttled)."""
    return (
        record.kind is ImportKind.AUTOMATIC
        and record.status is ImportStatus.QUEUED
        and record.attempt == 1
        and record.started_at is None
    )


def _arrival(record: ImportRecord) -> tuple[datetime, str]:
    return record.created_at, record.import_id


def newest_waiting(records: Iterable[ImportRecord]) -> ImportRecord | None:
    """The automatic export the next slot imports: the newest one waiting."""
    return max((r for r in records if is_waiting_automatic(r)), key=_arrival, default=None)


def superseded(records: Iterable[ImportRecord]) -> list[ImportRecord]:
    """The waiting automatic exports a newer one replaces (oldest first): only the newest is imported."""
    waiting = sorted((r for r in records if is_waiting_automatic(r)), key=_arrival)
    return waiting[:-1]


# --- whether automatic imports are accepted at all ------------------------------------------------------------
class AutoImportRefusal(Struct, frozen=True, kw_only=True):
    code: ErrorCode
    message: str


def automatic_refusal(records: Iterable[ImportRecord], schedule: AutoImportSchedule) -> AutoImportRefusal | None:
    """Why the establishment's automatic imports are refused now, or None when they are accepted."""
    if not schedule.enabled:
        return AutoImportRefusal(
            code=ErrorCode.AUTO_IMPORT_DISABLED,
            message="Automatic imports are switched off for this establishment; an administrator can switch them on.",
        )
    if not any(r.kind is ImportKind.MANUAL and r.status in COMPLETED for r in records):
        return AutoImportRefusal(
            code=ErrorCode.NO_MANUAL_IMPORT_YET,
            message=(
                "Automatic imports re-apply the selection of the last manual import: complete one manual import "
                "of this establishment first."
            ),
        )
    return None
