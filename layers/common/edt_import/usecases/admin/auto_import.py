"""The admin API's automatic-import settings (``GET|PUT /establishments/{uai}/auto-import``) and the refusal of an
automatic import the establishment does not accept yet (``POST .../imports`` with kind automatic).

The view says what the console shows: the settings, whether automatic imports are accepted now and why not
(``no_manual_import_yet`` until a manual import has completed, ``auto_import_disabled``), the export waiting for
its slot if any, and when the next one may start.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from msgspec import Struct

from edt_import.domain.auto_import import (
    AutoImportRefusal,
    AutoImportSchedule,
    automatic_refusal,
    automatic_starts,
    newest_waiting,
    parse_first_run,
    starts_on,
)
from edt_import.domain.import_ports import EstablishmentStore, ImportHistory
from edt_import.usecases.admin.errors import ConflictError
from edt_import.usecases.pipeline.auto_imports import refusal_of_automatic, slot_of


class AutoImportView(Struct, frozen=True, kw_only=True):
    schedule: AutoImportSchedule
    timezone: str
    refusal: AutoImportRefusal | None  # None: automatic imports are accepted
    waiting_import_id: str | None  # the export waiting for its slot
    next_slot: datetime | None  # when the next automatic import may start (None while refused)
    started_today: int  # automatic imports started on the establishment's current day


def auto_import_view(
    uai: str, *, now: datetime, history: ImportHistory, establishments: EstablishmentStore
) -> AutoImportView:
    records = history.list(uai)
    establishment = establishments.snapshot(uai)
    schedule, timezone = establishment.auto_import, establishment.settings.timezone
    refusal = automatic_refusal(records, schedule)
    waiting = newest_waiting(records)
    today = now.astimezone(ZoneInfo(timezone)).date()
    return AutoImportView(
        schedule=schedule,
        timezone=timezone,
        refusal=refusal,
        waiting_import_id=waiting.import_id if waiting is not None else None,
        next_slot=slot_of(establishment, records, now=now) if refusal is None else None,
        started_today=starts_on(today, automatic_starts(records), ZoneInfo(timezone)),
    )


def save_auto_import(
    uai: str,
    *,
    enabled: bool,
    first_run: str,
    interval_hours: int,
    max_per_day: int,
    now: datetime,
    history: ImportHistory,
    establishments: EstablishmentStore,
) -> AutoImportView:
    """Store the settings (refused with ``invalid_auto_import_settings`` beyond the guide's limits). An export
    already waiting keeps waiting under the new settings; switched off, it ends at the scheduler's next run."""
    schedule = AutoImportSchedule(
        enabled=enabled, first_run=parse_first_run(first_run), interval_hours=interval_hours, max_per_day=max_per_day
    )
    establishments.save_auto_import(uai, schedule)
    return auto_import_view(uai, now=now, history=history, establishments=establishments)


def ensure_automatic_accepted(uai: str, *, history: ImportHistory, establishments: EstablishmentStore) -> None:
    """Refuse (409, with the rule's code) an automatic import the establishment does not accept now."""
    refusal = refusal_of_automatic(uai, history=history, establishments=establishments)
    if refusal is not None:
        raise ConflictError(refusal.message, code=refusal.code.value)
