"""What the routes work with: the stores, the upload signer, the clock and new ids.

Built from the function's settings (``from_environment``; the settings and the stores are cached by
``load_settings`` and ``wiring``); the API's unit tests put in-memory
fakes in their place with ``use_services``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from msgspec import Struct, field

from edt_import.adapters import wiring
from edt_import.adapters.establishment_documents import BlobRekeyStore, BlobSubjectReferential
from edt_import.domain.import_ports import BlobStore, EstablishmentStore, ExecutionStarter, ImportHistory
from edt_import.domain.ports import AppliedStateStore
from edt_import.domain.upload_ports import UploadSigner
from edt_import.domain.wizard_ports import ExecutionResumer, TaskTokenStore
from edt_import.usecases.admin.imports import UploadLimits
from edt_import.usecases.admin.selection import WizardStores
from edt_import.usecases.pipeline.settings import ApiSettings, load_settings


def new_import_id() -> str:
    return uuid.uuid4().hex


def wizard_stores(history: ImportHistory, work: BlobStore, states: AppliedStateStore) -> WizardStores:
    """The wizard's stores: the establishment's documents sit in the working bucket; its selection is the one its
    applied state recorded when its last import completed."""
    return WizardStores(
        history=history,
        work=work,
        states=states,
        referentials=BlobSubjectReferential(work),
    )


class ApiServices(Struct, frozen=True, kw_only=True):
    history: ImportHistory
    work: BlobStore
    establishments: EstablishmentStore
    states: AppliedStateStore  # read only: the wizard opens with the selection of the last completed import
    starter: ExecutionStarter
    signer: UploadSigner
    limits: UploadLimits
    tokens: TaskTokenStore  # the executions waiting for a manual import's launch
    resumer: ExecutionResumer
    now: Callable[[], datetime] = field(default=wiring.now)
    new_id: Callable[[], str] = field(default=new_import_id)

    @property
    def wizard(self) -> WizardStores:
        return wizard_stores(self.history, self.work, self.states)

    @property
    def rekeys(self) -> BlobRekeyStore:
        return BlobRekeyStore(self.work)


def from_environment() -> ApiServices:
    settings = load_settings(ApiSettings)
    return ApiServices(
        history=wiring.import_history(settings.IMPORTS_TABLE),
        work=wiring.blobs(settings.WORK_BUCKET),
        establishments=wiring.establishments(settings.ESTABLISHMENTS_TABLE),
        states=wiring.applied_states(settings.WORK_BUCKET, settings.ESTABLISHMENTS_TABLE),
        starter=wiring.starter(settings.STATE_MACHINE_ARN),
        signer=wiring.upload_signer(settings.UPLOADS_BUCKET),
        limits=UploadLimits(max_bytes=settings.UPLOAD_MAX_BYTES, expires_s=settings.UPLOAD_EXPIRY_S),
        tokens=wiring.task_tokens(settings.IMPORTS_TABLE),
        resumer=wiring.resumer(),
    )


_provider: list[Callable[[], ApiServices]] = [from_environment]


def services() -> ApiServices:
    return _provider[0]()


def use_services(provider: Callable[[], ApiServices] | None) -> None:
    """Serve the routes from ``provider`` (tests); None: back to the function's settings."""
    _provider[0] = provider if provider is not None else from_environment
