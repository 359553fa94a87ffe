"""``DynamoEstablishmentStore``: settings, the running import (one per establishment) and the state index."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from edt_import.adapters.dynamo.models import EstablishmentItem, bind, conditional_failure
from edt_import.domain.import_ports import EstablishmentSettings


class DynamoEstablishmentStore:
    def __init__(self, table_name: str) -> None:
        bind(EstablishmentItem, table_name)

    def _item(self, uai: str) -> EstablishmentItem | None:
        try:
            return EstablishmentItem.get(uai, consistent_read=True)
        except EstablishmentItem.DoesNotExist:
            return None

    def settings(self, uai: str) -> EstablishmentSettings:
        item = self._item(uai)
        defaults = EstablishmentSettings(uai=uai)
        if item is None:
            return defaults
        return EstablishmentSettings(
            uai=uai,
            partner=item.partner or defaults.partner,
            timezone=item.timezone or defaults.timezone,
            school_node_key=item.school_node_key,
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
        running = EstablishmentItem.running_import
        try:
            EstablishmentItem(uai).update(actions=[running.remove()], condition=running == import_id)
        except UpdateError as exc:
            if not conditional_failure(exc):
                raise

    def running_import(self, uai: str) -> str | None:
        item = self._item(uai)
        return item.running_import if item is not None else None

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
