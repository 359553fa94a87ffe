"""The automatic imports' slot rule: first run, interval and daily maximum, on the establishment's wall clock."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edt_import.domain.auto_import import (
    AutoImportSchedule,
    is_waiting_automatic,
    newest_waiting,
    next_slot,
    parse_first_run,
    superseded,
)
from edt_import.domain.errors import ExportRejectedError
from edt_import.domain.imports import ImportKind, ImportRecord, ImportStatus

PARIS = "Europe/Paris"
# Days around daylight-saving changes: Paris (spring 2027-03-28, autumn 2027-10-31), New York, Lord Howe
# (a half-hour change) and Chatham (+12:45/+13:45).
ZONES = [PARIS, "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham", "UTC"]
AROUND_CHANGES = [date(2027, 3, 26), date(2027, 10, 29), date(2027, 3, 12), date(2027, 4, 2), date(2027, 9, 24)]


def _at(day: date, hour: int, minute: int = 0, zone: str = PARIS) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone)).astimezone(UTC)


MONDAY = date(2027, 5, 3)


def test_next_slot_before_first_run_waits_for_it() -> None:
    # Given no automatic import yet / When an export arrives at 07:00 and 07:30 (Paris)
    # Then the slot is 08:00 the same day
    assert next_slot(AutoImportSchedule(), timezone=PARIS, started=[], now=_at(MONDAY, 7)) == _at(MONDAY, 8)
    assert next_slot(AutoImportSchedule(), timezone=PARIS, started=[], now=_at(MONDAY, 7, 30)) == _at(MONDAY, 8)


def test_next_slot_after_a_run_is_interval_hours_later() -> None:
    # Given an automatic import started at 08:00 / When exports arrive at 09:00, 10:00, 11:00
    started = [_at(MONDAY, 8)]
    # Then each waits for 12:00; at 12:30 the slot is open at once
    for hour in (9, 10, 11):
        assert next_slot(AutoImportSchedule(), timezone=PARIS, started=started, now=_at(MONDAY, hour)) == _at(
            MONDAY, 12
        )
    assert next_slot(AutoImportSchedule(), timezone=PARIS, started=started, now=_at(MONDAY, 12, 30)) == _at(
        MONDAY, 12, 30
    )


def test_next_slot_once_max_ran_waits_for_next_days_first_run() -> None:
    # Given four automatic imports on Monday (08:00, 12:00, 16:00, 20:00)
    started = [_at(MONDAY, hour) for hour in (8, 12, 16, 20)]
    # When the next export arrives at 23:00, and at 00:30 on Tuesday
    tuesday = MONDAY + timedelta(days=1)
    # Then it waits for 08:00 on Tuesday
    assert next_slot(AutoImportSchedule(), timezone=PARIS, started=started, now=_at(MONDAY, 23)) == _at(tuesday, 8)
    assert next_slot(AutoImportSchedule(), timezone=PARIS, started=started, now=_at(tuesday, 0, 30)) == _at(tuesday, 8)


def test_next_slot_counts_the_local_day_not_the_utc_day() -> None:
    # Given a Réunion establishment (UTC+4) with two imports allowed a day, both run that local day
    schedule = AutoImportSchedule(max_per_day=2, interval_hours=4)
    zone = "Indian/Reunion"
    started = [_at(MONDAY, 8, zone=zone), _at(MONDAY, 12, zone=zone)]
    # When an export arrives at 02:00 local on Tuesday (still Monday in UTC)
    tuesday = MONDAY + timedelta(days=1)
    now = _at(tuesday, 2, zone=zone)
    assert now.date() == MONDAY
    # Then Tuesday has none yet: the slot is Tuesday's first run
    assert next_slot(schedule, timezone=zone, started=started, now=now) == _at(tuesday, 8, zone=zone)


def test_next_slot_keeps_first_run_on_the_wall_clock_across_a_daylight_saving_change() -> None:
    # Given Paris, the night summer time starts (2027-03-28: 02:00 -> 03:00)
    # Then 08:00 is 07:00 UTC on Saturday and 06:00 UTC on Sunday
    saturday, sunday = date(2027, 3, 27), date(2027, 3, 28)
    assert next_slot(AutoImportSchedule(), timezone=PARIS, started=[], now=_at(saturday, 0)).hour == 7
    assert next_slot(AutoImportSchedule(), timezone=PARIS, started=[], now=_at(sunday, 0)).hour == 6


def test_next_slot_first_run_inside_the_spring_gap_is_the_end_of_the_gap() -> None:
    # Given a first run at 02:30, a time Paris clocks skip on 2027-03-28 (02:00 -> 03:00)
    schedule = AutoImportSchedule(first_run=time(2, 30))
    # When the next slot is asked for the evening before
    slot = next_slot(schedule, timezone=PARIS, started=[], now=datetime(2027, 3, 27, 23, 0, tzinfo=UTC))
    # Then it is the jump itself: 03:00 summer time, the first instant the clock reads 02:30 or later
    assert slot == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert slot.astimezone(ZoneInfo(PARIS)).time() == time(3, 0)


def test_next_slot_first_run_inside_the_autumn_fold_is_its_first_reading() -> None:
    # Given a first run at 02:30, which Paris clocks read twice on 2027-10-31
    schedule = AutoImportSchedule(first_run=time(2, 30))
    slot = next_slot(schedule, timezone=PARIS, started=[], now=datetime(2027, 10, 30, 23, 0, tzinfo=UTC))
    # Then the first reading (summer time, UTC+2) counts
    assert slot == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_schedule_refuses_settings_beyond_the_guides_limits() -> None:
    for bad in ({"interval_hours": 3}, {"max_per_day": 5}, {"max_per_day": 0}, {"first_run": time(8, 0, 30)}):
        with pytest.raises(ExportRejectedError) as caught:
            AutoImportSchedule(**bad)
        assert caught.value.code == "invalid_auto_import_settings"
    for text in ("8:00", "24:00", "08:60", "0800", ""):
        with pytest.raises(ExportRejectedError):
            parse_first_run(text)
    assert parse_first_run("23:59") == time(23, 59)


# --- properties -------------------------------------------------------------------------------------------------
schedules = st.builds(
    AutoImportSchedule,
    # 08:00 (the guide's), times inside the night's daylight-saving changes, and any other.
    first_run=st.one_of(
        st.sampled_from([time(8, 0), time(2, 0), time(2, 30), time(3, 0)]),
        st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59])),
    ),
    interval_hours=st.integers(4, 24),
    max_per_day=st.integers(1, 4),
)


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    day = draw(st.sampled_from(AROUND_CHANGES))
    offset = draw(st.integers(0, 7 * 24 * 3600))
    return datetime.combine(day, time(0), tzinfo=UTC) + timedelta(seconds=offset)


def _opening(day: date, first_run: time, zone: ZoneInfo) -> datetime:
    """The first minute of local ``day`` whose wall clock reads ``first_run`` or later, found by walking UTC
    minutes (independent of how the code under test converts wall times)."""
    start = datetime.combine(day, time(0), tzinfo=UTC) - timedelta(hours=15)
    for minute in range(0, 3 * 24 * 60):
        instant = start + timedelta(minutes=minute)
        local = instant.astimezone(zone)
        if local.date() == day and local.time() >= first_run:
            return instant
        if local.date() > day:
            break
    raise AssertionError("no such minute")


def _allowed(schedule: AutoImportSchedule, zone: ZoneInfo, started: list[datetime], t: datetime) -> bool:
    day = t.astimezone(zone).date()
    return (
        t >= _opening(day, schedule.first_run, zone)
        and all(t >= s + timedelta(hours=schedule.interval_hours) for s in started)
        and sum(1 for s in started if s.astimezone(zone).date() == day) < schedule.max_per_day
    )


def _simulate(schedule: AutoImportSchedule, zone: str, arrivals: list[datetime]) -> list[datetime]:
    """Starts as the pipeline makes them: an arrival waits for its slot; a newer one arriving before replaces it."""
    starts: list[datetime] = []
    arrivals = sorted(arrivals)
    i = 0
    while i < len(arrivals):
        slot = next_slot(schedule, timezone=zone, started=starts, now=arrivals[i])
        while i + 1 < len(arrivals) and arrivals[i + 1] < slot:
            i += 1  # superseded
            slot = next_slot(schedule, timezone=zone, started=starts, now=arrivals[i])
        starts.append(slot)
        i += 1
    return starts


@settings(max_examples=150, deadline=None)
@given(schedule=schedules, zone=st.sampled_from(ZONES), data=st.data())
def test_next_slot_is_the_earliest_allowed_instant(
    schedule: AutoImportSchedule, zone: str, data: st.DataObject
) -> None:
    # Given earlier starts made by the rule itself, and a later instant
    arrivals = data.draw(st.lists(instants(), max_size=8))
    started = _simulate(schedule, zone, arrivals)
    now = data.draw(instants())
    started = [s for s in started if s <= now]
    # When the next slot is asked for
    slot = next_slot(schedule, timezone=zone, started=started, now=now)
    # Then it is allowed, and a second earlier (unless that is before now) is not
    tz = ZoneInfo(zone)
    assert slot >= now
    assert _allowed(schedule, tz, started, slot)
    if slot > now:
        assert not _allowed(schedule, tz, started, slot - timedelta(seconds=1))


@settings(max_examples=150, deadline=None)
@given(schedule=schedules, zone=st.sampled_from(ZONES), arrivals=st.lists(instants(), min_size=1, max_size=30))
def test_started_imports_never_break_the_limits(
    schedule: AutoImportSchedule, zone: str, arrivals: list[datetime]
) -> None:
    # Given exports arriving at any instants over a week around a daylight-saving change
    # When each waits for its slot (newer ones replacing older waiting ones)
    starts = _simulate(schedule, zone, arrivals)
    tz = ZoneInfo(zone)
    # Then no start is before its day's first run, two starts are never closer than the interval,
    # and no local day holds more than the maximum
    for start in starts:
        assert start >= _opening(start.astimezone(tz).date(), schedule.first_run, tz)
    for earlier, later in itertools.pairwise(starts):
        assert later - earlier >= timedelta(hours=schedule.interval_hours)
    per_day: dict[date, int] = {}
    for start in starts:
        per_day[start.astimezone(tz).date()] = per_day.get(start.astimezone(tz).date(), 0) + 1
    assert max(per_day.values()) <= schedule.max_per_day
    # And every export is either started or replaced by a newer one arriving before its slot
    assert len(starts) <= len(arrivals)


# --- superseding ------------------------------------------------------------------------------------------------
def _record(index: int, minute: int, status: ImportStatus, kind: ImportKind, started: bool) -> ImportRecord:
    at = datetime(2027, 5, 3, 5, 0, tzinfo=UTC) + timedelta(minutes=minute)
    return ImportRecord(
        uai="0750001A", import_id=f"import{index:04d}", kind=kind, status=status, created_at=at, updated_at=at,
        queued_at=at, started_at=at if started else None,
    )  # fmt: skip


records = st.lists(
    st.tuples(
        st.integers(0, 120),
        st.sampled_from([ImportStatus.QUEUED, ImportStatus.DONE, ImportStatus.SUPERSEDED, ImportStatus.PARSING]),
        st.sampled_from(list(ImportKind)),
        st.booleans(),
    ),
    max_size=12,
).map(lambda rows: [_record(i, *row) for i, row in enumerate(rows)])


@given(history=records)
def test_only_the_newest_waiting_automatic_export_is_kept(history: list[ImportRecord]) -> None:
    waiting = [r for r in history if is_waiting_automatic(r)]
    newest = newest_waiting(history)
    replaced = superseded(history)
    # Every waiting automatic export is either the one kept or superseded, never both; the kept one is the newest
    assert sorted(r.import_id for r in replaced) == sorted(r.import_id for r in waiting if r is not newest)
    if waiting:
        assert newest is not None
        assert all((r.created_at, r.import_id) <= (newest.created_at, newest.import_id) for r in waiting)
    else:
        assert newest is None
    # Nothing else is touched: manual imports, started ones, finished ones
    assert all(
        r.kind is ImportKind.AUTOMATIC and r.status is ImportStatus.QUEUED and r.started_at is None for r in replaced
    )
