"""``/establishments/{uai}/imports/{import_id}/…``: the manual import's wizard (its lists and choices, the launch),
and the administrator's answers to what an import reported (approve a held plan, confirm Pronote re-keyings)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from edt_import.api.models import CONFLICT, ERROR_RESPONSES, NOT_FOUND
from edt_import.api.params import ImportId, Uai
from edt_import.api.services import services
from edt_import.domain.imports import ImportRecord
from edt_import.domain.plan import Role
from edt_import.domain.uai import normalise_uai
from edt_import.domain.wizard import WizardView
from edt_import.usecases.admin.holds import approve_import, confirm_rekeys
from edt_import.usecases.admin.selection import choose_selection, launch_import, selection_of

router = APIGatewayRouter()  # type: ignore[no-untyped-call]

Name = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DisabledLists(Payload):
    """What is switched off (red in the wizard); whatever is not listed is imported."""

    subjects: list[Name] = Field(default_factory=list, max_length=5000, description="subject codes")
    classes: list[Name] = Field(default_factory=list, max_length=5000, description="class names")
    groups: list[Name] = Field(default_factory=list, max_length=5000, description="group names")
    courses: list[Name] = Field(default_factory=list, max_length=20000, description="course keys")


class SelectionChoice(Payload):
    disabled: DisabledLists = Field(default_factory=DisabledLists)
    add_subjects: list[Name] = Field(
        default_factory=list, max_length=5000, description="subject codes of this import to add to the referential"
    )


class ApprovalRequest(Payload):
    code: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="the approval code the held import shows; omitted: the one it shows now",
    )


class SubjectRow(BaseModel):
    code: str
    label: str
    status: str = Field(description="recognised (in the referential) | unknown (can be added) | disabled")
    courses: int = Field(description="courses the subject makes in this export")


class NamedRow(BaseModel):
    name: str
    enabled: bool


class CourseRow(BaseModel):
    key: str
    title: str
    subject_code: str
    audience: str = Field(description="the class or group name")
    audience_kind: str = Field(description="class | group")
    enabled: bool = Field(description="imported under the current choices")
    switched_off_by: str | None = Field(description="subjects | classes | groups | courses: the list leaving it out")
    teachers: int = Field(description="matched teachers")
    students: int = Field(description="matched students")


class UserRow(BaseModel):
    role: str = Field(description="teacher | student")
    last_name: str
    first_name: str
    birth_date: date | None = Field(description="students only")
    matched: bool
    reason: str | None = Field(description="why not matched: not_found | ambiguous")
    rekey: bool = Field(description="matched, but known under another Pronote id: POST .../confirm-rekey")


class SelectionView(BaseModel):
    import_id: str
    status: str
    status_label: str
    subjects: list[SubjectRow]
    classes: list[NamedRow]
    groups: list[NamedRow]
    courses: list[CourseRow]
    users: list[UserRow]
    disabled: DisabledLists = Field(description="the current choices, as PUT takes them")


class ImportState(BaseModel):
    import_id: str
    status: str
    status_label: str
    attempt: int


class RekeysConfirmed(BaseModel):
    confirmed: int = Field(description="Pronote re-keyings confirmed; the next runs know these people by them")


@router.get(
    "/establishments/<uai>/imports/<import_id>/selection",
    summary="The wizard's lists: subjects, classes, groups, courses and people, under the current choices",
    description="A manual import has them once its people are reconciled (status awaiting_selection); the first "
    "choices proposed are those of the establishment's last manual import. 409 selection_not_ready otherwise.",
    responses={**ERROR_RESPONSES, **NOT_FOUND, **CONFLICT, 200: {"description": "the lists and the choices"}},
)
def get_selection(uai: Uai, import_id: ImportId) -> SelectionView:
    svc = services()
    code = normalise_uai(uai)
    return _view(code, import_id, selection_of(code, import_id, stores=svc.wizard))


@router.put(
    "/establishments/<uai>/imports/<import_id>/selection",
    summary="Set the wizard's choices (every list at once) and add subjects to the referential",
    description="A name this import does not have is refused (invalid_selection, invalid_subjects); only an import "
    "waiting for its selection takes choices (409 import_not_awaiting_selection).",
    responses={**ERROR_RESPONSES, **NOT_FOUND, **CONFLICT, 200: {"description": "the lists under the new choices"}},
)
def put_selection(uai: Uai, import_id: ImportId, body: SelectionChoice) -> SelectionView:
    svc = services()
    code = normalise_uai(uai)
    disabled = body.disabled.model_dump()
    view = choose_selection(code, import_id, disabled=disabled, add_subjects=body.add_subjects, stores=svc.wizard)
    return _view(code, import_id, view)


@router.post(
    "/establishments/<uai>/imports/<import_id>/launch",
    status_code=202,
    summary="Launch the import with the current choices; they become the establishment's selection",
    description="The automatic imports after it re-apply this selection. Only from awaiting_selection (409 "
    "import_not_awaiting_selection, import_already_launched, selection_expired; concurrent_update: a step wrote the "
    "import meanwhile, reload and try again).",
    responses={**ERROR_RESPONSES, **NOT_FOUND, **CONFLICT, 202: {"description": "the import goes on: planning"}},
)
def post_launch(uai: Uai, import_id: ImportId) -> ImportState:
    svc = services()
    record = launch_import(
        normalise_uai(uai), import_id, now=svc.now(), stores=svc.wizard, tokens=svc.tokens, resumer=svc.resumer
    )
    return _state(record)


@router.post(
    "/establishments/<uai>/imports/<import_id>/approve",
    status_code=202,
    summary="Release an import held by the deletion guard: it is queued again and applies what it showed",
    description="The body may carry the approval code the import shows (plan.approval). If its plan's deletions "
    "have changed when it runs again, it is held again with the new figures. 409 import_not_held, approval_mismatch, "
    "concurrent_update (a step wrote the import meanwhile: reload and try again).",
    responses={**ERROR_RESPONSES, **NOT_FOUND, **CONFLICT, 202: {"description": "queued again (its next attempt)"}},
)
def post_approve(uai: Uai, import_id: ImportId, body: ApprovalRequest | None = None) -> ImportState:
    svc = services()
    record = approve_import(
        normalise_uai(uai),
        import_id,
        code=body.code if body is not None else None,
        now=svc.now(),
        history=svc.history,
        establishments=svc.establishments,
        starter=svc.starter,
    )
    return _state(record)


@router.post(
    "/establishments/<uai>/imports/<import_id>/confirm-rekey",
    summary="Confirm the Pronote re-keyings the import reported (known people arriving with new Pronote ids)",
    description="Pronote regenerated its identifiers (a reinstallation): the accounts matched are kept, and from "
    "now on known by their new ids only. 409 no_rekey_to_confirm, concurrent_update (a step wrote the import "
    "meanwhile: reload and try again), import_moved_on (steps moved it on twice meanwhile: reload).",
    responses={**ERROR_RESPONSES, **NOT_FOUND, **CONFLICT, 200: {"description": "how many were confirmed"}},
)
def post_confirm_rekey(uai: Uai, import_id: ImportId) -> RekeysConfirmed:
    svc = services()
    found = confirm_rekeys(
        normalise_uai(uai), import_id, now=svc.now(), history=svc.history, work=svc.work, rekeys=svc.rekeys
    )
    return RekeysConfirmed(confirmed=len(found))


def _state(record: ImportRecord) -> ImportState:
    return ImportState(
        import_id=record.import_id,
        status=record.status.value,
        status_label=record.status.label_fr,
        attempt=record.attempt,
    )


def _view(uai: str, import_id: str, view: WizardView) -> SelectionView:
    record = services().history.get(uai, import_id)
    selection = view.selection
    return SelectionView(
        import_id=import_id,
        status=record.status.value if record else "",
        status_label=record.status.label_fr if record else "",
        subjects=[
            SubjectRow(code=s.code, label=s.label, status=s.status.value, courses=s.courses) for s in view.subjects
        ],
        classes=[NamedRow(name=c.name, enabled=c.enabled) for c in view.classes],
        groups=[NamedRow(name=g.name, enabled=g.enabled) for g in view.groups],
        courses=[
            CourseRow(
                key=c.key,
                title=c.title,
                subject_code=c.subject_code,
                audience=c.audience,
                audience_kind=c.audience_kind,
                enabled=c.enabled,
                switched_off_by=c.switched_off_by,
                teachers=c.teachers,
                students=c.students,
            )
            for c in view.courses
        ],
        users=[
            UserRow(
                role="teacher" if u.role is Role.INSTRUCTOR else "student",
                last_name=u.last_name,
                first_name=u.first_name,
                birth_date=u.birth_date,
                matched=u.matched,
                reason=u.reason,
                rekey=u.rekey,
            )
            for u in view.users
        ],
        disabled=DisabledLists(
            subjects=sorted(selection.disabled_subjects),
            classes=sorted(selection.disabled_classes),
            groups=sorted(selection.disabled_groups),
            courses=sorted(selection.disabled_courses),
        ),
    )
