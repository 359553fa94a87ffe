"""The pipeline's steps run in order over in-memory fakes, as the state machine runs them over AWS.

``PipelineWorld`` holds one fake per port and the in-memory itslearning; ``run_execution`` plays an execution
(parse, reconcile, plan, year node, chunks, finalize, with the failure step on an error), so use-case tests can
follow an import from its upload to its outcome without moto.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from msgspec import field

from edt_import.adapters.establishment_documents import BlobRekeyStore
from edt_import.api.services import wizard_stores
from edt_import.domain.errors import EdtImportError
from edt_import.domain.import_ports import ImportStores
from edt_import.domain.imports import ImportKind, ImportRecord
from edt_import.generator.container_sealing import seal_container
from edt_import.generator.establishment import GeneratedEstablishment, Size, generate_establishment
from edt_import.generator.partner_keys import generate_partner_key, private_key_pem
from edt_import.generator.xml_writer import timetable_to_xml
from edt_import.usecases.admin.selection import WizardStores, launch_import
from edt_import.usecases.pipeline.auto_imports import TickOutcome, enqueue_due
from edt_import.usecases.pipeline.finalize import finalize_import, record_failure
from edt_import.usecases.pipeline.ingest import IngestResult, UploadedObject, ingest_upload
from edt_import.usecases.pipeline.parse import parse_timetable
from edt_import.usecases.pipeline.plan_step import plan_step
from edt_import.usecases.pipeline.reconcile import reconcile_people
from edt_import.usecases.pipeline.selection_steps import await_selection, prepare_selection
from edt_import.usecases.pipeline.steps import ImportRef
from edt_import.usecases.pipeline.sync_chunk import sync_chunk, sync_year_node
from edt_import.usecases.pipeline.turns import execution_name, start_next_import
from edt_import.usecases.pipeline.work_keys import upload_key
from tests.support.in_memory_lms import InMemoryLmsGateway
from tests.support.pipeline_fakes import InMemoryAutoImportQueue, InMemoryBlobStore, InMemoryPronoteIdStore
from tests.support.shared_stores import InMemorySharedStores

# A Monday nine weeks before the generated year's end: small plans.
NOW = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)
UPLOAD_WAIT = timedelta(minutes=30)  # the template's default UploadDeadlineSeconds


@cache
def partner_pem() -> bytes:
    return private_key_pem(generate_partner_key())


@cache
def college(seed: int = 5) -> GeneratedEstablishment:
    return generate_establishment(Size.COLLEGE, seed)


@cache
def sealed_export(seed: int = 5) -> bytes:
    """The college's timetable in an encrypted container, as PRONOTE uploads it."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key  # noqa: PLC0415

    key: Any = load_pem_private_key(partner_pem(), password=None)
    inner = timetable_to_xml(college(seed).timetable)
    return seal_container(inner, partners={"ITSLEARNING": key.public_key()}, uai=college(seed).uai, exported_at=NOW)


def college_imported_once(import_id: str) -> PipelineWorld:
    """A world where the college's first manual import ran to its end; the next ones stop at their wizard."""
    world = PipelineWorld()
    world.upload(sealed_export(), uai=college().uai, import_id=import_id)
    world.run_started()  # launched at once
    world.launch_manual = False
    return world


class PipelineWorld(InMemorySharedStores):
    chunk_actions: int = 2000
    uploads: InMemoryBlobStore = field(default_factory=InMemoryBlobStore)
    pronote_ids: InMemoryPronoteIdStore = field(default_factory=InMemoryPronoteIdStore)
    auto_queue: InMemoryAutoImportQueue = field(default_factory=InMemoryAutoImportQueue)
    executions_run: int = 0  # how many of the started executions ``run_new`` has run
    lms: InMemoryLmsGateway = field(default_factory=lambda: InMemoryLmsGateway(persons=college().directory))
    # A manual import pauses for its wizard; by default the world launches it at once with the proposed choices.
    launch_manual: bool = True
    paused: dict[str, dict[str, Any]] = field(default_factory=dict)  # task token -> execution input

    @property
    def rekeys(self) -> BlobRekeyStore:
        return BlobRekeyStore(self.work)

    @property
    def wizard(self) -> WizardStores:
        """As the admin API builds them: its launch is the use case ``launch`` plays."""
        return wizard_stores(self.history, self.work, self.states)

    @property
    def stores(self) -> ImportStores:
        return ImportStores(
            work=self.work,
            history=self.history,
            establishments=self.establishments,
            states=self.states,
            pronote_ids=self.pronote_ids,
            starter=self.starter,
        )

    def upload(
        self, data: bytes, *, uai: str, import_id: str, now: datetime = NOW, kind: ImportKind = ImportKind.MANUAL
    ) -> IngestResult:
        key = upload_key(uai, import_id)
        self.uploads.put(key, data)
        return ingest_upload(
            UploadedObject(bucket="uploads", key=key, etag=f"etag-{len(data)}", size=len(data)),
            now=now,
            uploads=self.uploads,
            work=self.work,
            history=self.history,
            establishments=self.establishments,
            starter=self.starter,
            auto_imports=self.auto_queue,
            partner_key=partner_pem,
            upload_wait=UPLOAD_WAIT,
            kind=kind,
        )

    def run_execution(self, payload: dict[str, Any], *, now: datetime = NOW) -> ImportRecord:
        """One execution as the state machine runs it (no retry: an error goes to the failure step); a manual
        import not launched yet pauses after reconciliation (its record says ``awaiting_selection``)."""
        ref = ImportRef(uai=payload["uai"], import_id=payload["import_id"], attempt=payload["attempt"])
        try:
            parse_timetable(ref, now=now, work=self.work, history=self.history)
            reconcile_people(
                ref,
                now=now,
                work=self.work,
                history=self.history,
                establishments=self.establishments,
                pronote_ids=self.pronote_ids,
                rekeys=self.rekeys,
                lms=self.lms,
            )
            prepared = prepare_selection(
                ref,
                work=self.work,
                history=self.history,
                establishments=self.establishments,
                pronote_ids=self.pronote_ids,
                rekeys=self.rekeys,
            )
        except EdtImportError as exc:
            return self._failed(ref, exc, now)
        if not prepared["wait"]:
            return self.continue_execution(payload, now=now)
        token = f"token-{execution_name(self._record(ref))}"
        self.paused[token] = payload
        self.resumer.pause(token)
        await_selection(ref, token, now=now, history=self.history, tokens=self.tokens)
        return self.launch(ref.uai, ref.import_id, now=now) if self.launch_manual else self._record(ref)

    def run_to_wizard(self, data: bytes, *, uai: str, import_id: str, now: datetime = NOW) -> ImportRecord:
        """Upload a manual import and run its execution (started now, its turn free) up to its wizard."""
        self.upload(data, uai=uai, import_id=import_id, now=now)
        return self.run_execution(self.starter.started[-1][1], now=now)

    def launch(self, uai: str, import_id: str, *, now: datetime = NOW) -> ImportRecord:
        """The administrator launches a paused import (the API's use case); the execution goes on to its end."""
        launch_import(uai, import_id, now=now, stores=self.wizard, tokens=self.tokens, resumer=self.resumer)
        return self.run_resumed(now=now)[-1]

    def run_resumed(self, *, now: datetime = NOW) -> list[ImportRecord]:
        """Go on with every execution resumed since (from its plan step)."""
        done = []
        while self.resumer.resumed:
            token = self.resumer.resumed.pop(0)
            done.append(self.continue_execution(self.paused.pop(token), now=now))
        return done

    def continue_execution(self, payload: dict[str, Any], *, now: datetime = NOW) -> ImportRecord:
        """From the plan step to the end, as after the wizard."""
        ref = ImportRef(uai=payload["uai"], import_id=payload["import_id"], attempt=payload["attempt"])
        try:
            outcome = plan_step(
                ref,
                now=now,
                work=self.work,
                history=self.history,
                establishments=self.establishments,
                states=self.states,
                rekeys=self.rekeys,
                chunk_actions=self.chunk_actions,
            )
            if (
                not outcome.held
                and sync_year_node(ref, now=now, work=self.work, history=self.history, lms=self.lms)["year_node_ok"]
            ):
                for chunk in outcome.chunks:
                    sync_chunk(ref, chunk, work=self.work, lms=self.lms, batch_size=500)
            return finalize_import(ref, now=now, stores=self.stores)
        except EdtImportError as exc:
            return self._failed(ref, exc, now)

    def _failed(self, ref: ImportRef, exc: EdtImportError, now: datetime) -> ImportRecord:
        cause = json.dumps({"errorType": type(exc).__name__, "errorMessage": str(exc)})
        error = {"Error": type(exc).__name__, "Cause": cause}
        return record_failure(ref, error, now=now, stores=self.stores)

    def _record(self, ref: ImportRef) -> ImportRecord:
        record = self.history.get(ref.uai, ref.import_id)
        assert record is not None
        return record

    def run_started(self, *, now: datetime = NOW) -> list[ImportRecord]:
        """Run every execution started and not yet run, in order (those they start included)."""
        done: list[ImportRecord] = []
        while len(done) < len(self.starter.started):
            _, payload = self.starter.started[len(done)]
            done.append(self.run_execution(payload, now=now))
        return done

    def run_new(self, *, now: datetime = NOW) -> list[ImportRecord]:
        """Run the executions started since the last call (and those they start), in order."""
        done: list[ImportRecord] = []
        while self.executions_run < len(self.starter.started):
            _, payload = self.starter.started[self.executions_run]
            self.executions_run += 1
            done.append(self.run_execution(payload, now=now))
        return done

    def tick(self, *, now: datetime, lookahead_s: int = 0) -> TickOutcome:
        """One run of the automatic-import scheduler."""
        return enqueue_due(
            now=now,
            lookahead_s=lookahead_s,
            work=self.work,
            history=self.history,
            establishments=self.establishments,
            queue=self.auto_queue,
        )

    def deliver(self, *, now: datetime) -> list[str | None]:
        """Hand the automatic-import queue's messages to its consumer at ``now`` (delays already elapsed)."""
        return [
            start_next_import(
                uai, now=now, history=self.history, establishments=self.establishments, starter=self.starter
            )
            for uai, _ in self.auto_queue.take()
        ]
