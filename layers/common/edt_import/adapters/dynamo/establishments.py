"""``DynamoEstablishmentStore``: settings, the running import (one per establishment) and the state index, all on
one item per establishment (``snapshot`` reads what deciding its next import needs in one go)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import UpdateError

from edt_import.adapters.dynamo.models import AWAITING_SLOT, EstablishmentItem, bind, conditional_failure
from edt_import.domain.auto_import import AutoImportSchedule, parse_first_run
from edt_import.domain.import_ports import EstablishmentSettings, EstablishmentSnapshot


class DynamoEstablishmentStore:
    def __init__(self, table_name: str) -> None:
        bind(EstablishmentItem, table_name)

    def _item(self, uai: str) -> EstablishmentItem | None:
        try:
            return EstablishmentItem.get(uai, consistent_read=True)
        except EstablishmentItem.DoesNotExist:
            return None

    def settings(self, uai: str) -> EstablishmentSettings:
        return self.snapshot(uai).settings

    def snapshot(self, uai: str) -> EstablishmentSnapshot:
        item = self._item(uai)
        if item is None:
            return EstablishmentSnapshot(
                settings=EstablishmentSettings(uai=uai), auto_import=AutoImportSchedule(), running_import=None
            )
        return EstablishmentSnapshot(
            settings=_settings(uai, item), auto_import=_auto_import(item), running_import=item.running_import
        )

    def save_settings(self, settings: EstablishmentSettings) -> None:
        EstablishmentItem(settings.uai).update(
            actions=[
                EstablishmentItem.partner.set(settings.partner),
                EstablishmentItem.timezone.set(settings.timezone),
                EstablishmentItem.school_node_key.set(settings.school_node_key)
                if settings.school_node_key
                else EstablishmentItem.school_node_key.remove(),
            ]
        )

    def claim_turn(self, uai: str, import_id: str) -> bool:
        running = EstablishmentItem.running_import
        try:
            EstablishmentItem(uai).update(
                actions=[running.set(import_id)], condition=running.does_not_exist() | (running == import_id)
            )
        except UpdateError as exc:
            if conditional_failure(exc):
                return False
            raise
        return True

    def release_turn(self, uai: str, import_id: str) -> None:
        _remove_if_held(uai, EstablishmentItem.running_import, import_id)

    def running_import(self, uai: str) -> str | None:
        return self.snapshot(uai).running_import

    def record_state(self, uai: str, *, key: str, saved_at: datetime, figures: Mapping[str, int]) -> None:
        EstablishmentItem(uai).update(
            actions=[
                EstablishmentItem.state_key.set(key),
                EstablishmentItem.state_saved_at.set(saved_at),
                EstablishmentItem.state_figures.set(dict(figures)),
            ]
        )

    def state_index(self, uai: str) -> dict[str, Any] | None:
        item = self._item(uai)
        if item is None or item.state_key is None or item.state_saved_at is None:
            return None
        return {"key": item.state_key, "saved_at": item.state_saved_at, "figures": dict(item.state_figures or {})}

    def auto_import(self, uai: str) -> AutoImportSchedule:
        return self.snapshot(uai).auto_import

    def save_auto_import(self, uai: str, schedule: AutoImportSchedule) -> None:
        document = {
            "enabled": schedule.enabled,
            "first_run": schedule.first_run_text,
            "interval_hours": schedule.interval_hours,
            "max_per_day": schedule.max_per_day,
        }
        EstablishmentItem(uai).update(actions=[EstablishmentItem.auto_import.set(document)])

    def mark_auto_waiting(self, uai: str, import_id: str) -> None:
        EstablishmentItem(uai).update(
            actions=[EstablishmentItem.auto_waiting.set(import_id), EstablishmentItem.awaiting_slot.set(AWAITING_SLOT)]
        )

    def clear_auto_waiting(self, uai: str, import_id: str) -> None:
        _remove_if_held(uai, EstablishmentItem.auto_waiting, import_id, EstablishmentItem.awaiting_slot)

    def auto_waiting(self) -> dict[str, str]:
        found = EstablishmentItem.awaiting.query(AWAITING_SLOT)
        return {item.uai: item.auto_waiting for item in found if item.auto_waiting is not None}


def _settings(uai: str, item: EstablishmentItem) -> EstablishmentSettings:
    defaults = EstablishmentSettings(uai=uai)
    return EstablishmentSettings(
        uai=uai,
        partner=item.partner or defaults.partner,
        timezone=item.timezone or defaults.timezone,
        school_node_key=item.school_node_key,
    )


def _auto_import(item: EstablishmentItem) -> AutoImportSchedule:
    raw = item.auto_import
    if not raw:
        return AutoImportSchedule()
    return AutoImportSchedule(
        enabled=bool(raw["enabled"]),
        first_run=parse_first_run(str(raw["first_run"])),
        interval_hours=int(raw["interval_hours"]),
        max_per_day=int(raw["max_per_day"]),
    )


def _remove_if_held(uai: str, attribute: UnicodeAttribute, import_id: str, *also: UnicodeAttribute) -> None:
    """Remove ``attribute`` (and ``also``) if it still names ``import_id`` (another import's value is left as it is)."""
    try:
        EstablishmentItem(uai).update(
            actions=[attribute.remove(), *(other.remove() for other in also)], condition=attribute == import_id
        )
    except UpdateError as exc:
        if not conditional_failure(exc):
            raise
