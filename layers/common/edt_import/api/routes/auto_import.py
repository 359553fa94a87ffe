"""``/establishments/{uai}/auto-import``: the establishment's automatic-import settings, and whether (and why
not) automatic imports are accepted now."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field

from edt_import.api.models import ERROR_RESPONSES
from edt_import.api.params import Uai
from edt_import.api.services import services
from edt_import.domain.auto_import import MAX_INTERVAL_HOURS, MAX_PER_DAY, MIN_INTERVAL_HOURS
from edt_import.domain.uai import normalise_uai
from edt_import.usecases.admin.auto_import import AutoImportView, auto_import_view, save_auto_import

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


class AutoImportSettingsBody(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = Field(description="false: every automatic export is refused (auto_import_disabled)")
    first_run: str = Field(
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="no automatic import before this time of day (the establishment's clock), HH:MM",
        examples=["08:00"],
    )
    interval_hours: int = Field(
        ge=MIN_INTERVAL_HOURS, le=MAX_INTERVAL_HOURS, description="hours at least between two automatic imports"
    )
    max_per_day: int = Field(ge=1, le=MAX_PER_DAY, description="automatic imports at most per day")


class Refusal(BaseModel):
    code: str = Field(examples=["no_manual_import_yet"])
    message: str


class AutoImportSettingsView(AutoImportSettingsBody):
    model_config = ConfigDict(frozen=True, extra="forbid")

    timezone: str = Field(description="the establishment's time zone, which first_run and the days are read in")
    available: bool = Field(description="whether an automatic export would be accepted now")
    reason: Refusal | None = Field(description="why automatic exports are refused (null when available)")
    waiting_import_id: str | None = Field(description="the automatic export waiting for its slot, if any")
    next_slot: str | None = Field(description="when the next automatic import may start (ISO 8601, UTC)")
    started_today: int = Field(description="automatic imports started today (the establishment's day)")


def _shown(view: AutoImportView) -> AutoImportSettingsView:
    schedule, refusal = view.schedule, view.refusal
    return AutoImportSettingsView(
        enabled=schedule.enabled,
        first_run=schedule.first_run_text,
        interval_hours=schedule.interval_hours,
        max_per_day=schedule.max_per_day,
        timezone=view.timezone,
        available=refusal is None,
        reason=Refusal(code=refusal.code.value, message=refusal.message) if refusal is not None else None,
        waiting_import_id=view.waiting_import_id,
        next_slot=view.next_slot.isoformat() if view.next_slot is not None else None,
        started_today=view.started_today,
    )


@router.get(
    "/establishments/<uai>/auto-import",
    summary="The automatic-import settings, and why automatic exports are refused if they are",
    responses={**ERROR_RESPONSES, 200: {"description": "the settings and the current state"}},
)
def get_auto_import(uai: Uai) -> AutoImportSettingsView:
    svc = services()
    view = auto_import_view(normalise_uai(uai), now=svc.now(), history=svc.history, establishments=svc.establishments)
    return _shown(view)


@router.put(
    "/establishments/<uai>/auto-import",
    summary="Change the automatic-import settings (at least 4 hours apart, at most 4 a day)",
    responses={**ERROR_RESPONSES, 200: {"description": "the settings as stored, and the current state"}},
)
def put_auto_import(uai: Uai, body: AutoImportSettingsBody) -> AutoImportSettingsView:
    svc = services()
    view = save_auto_import(
        normalise_uai(uai),
        enabled=body.enabled,
        first_run=body.first_run,
        interval_hours=body.interval_hours,
        max_per_day=body.max_per_day,
        now=svc.now(),
        history=svc.history,
        establishments=svc.establishments,
    )
    return _shown(view)
