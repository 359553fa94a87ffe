"""The tables' items. Table names are bound once per cold start (``bind``), from the function's settings."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import PutError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from edt_import.domain.errors import ConcurrentUpdateError

UNBOUND = "unbound"
AWAITING_UPLOAD = "uploaded"  # the one key of the ``awaiting_upload`` index
AWAITING_SLOT = "waiting"  # the one key of the establishments' ``awaiting_slot`` index


class NewestImportsIndex(GlobalSecondaryIndex["ImportItem"]):  # type: ignore[no-untyped-call]
    """The history in creation order (``newest`` in template.yaml): a page reads its items only."""

    class Meta:
        index_name = "newest"
        projection = AllProjection()

    uai = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class QueuedImportsIndex(GlobalSecondaryIndex["ImportItem"]):  # type: ignore[no-untyped-call]
    """Sparse: only a queued import has a ``queue_rank`` (``queue`` in template.yaml)."""

    class Meta:
        index_name = "queue"
        projection = KeysOnlyProjection()

    uai = UnicodeAttribute(hash_key=True)
    queue_rank = UnicodeAttribute(range_key=True)


class AwaitingUploadIndex(GlobalSecondaryIndex["ImportItem"]):  # type: ignore[no-untyped-call]
    """Sparse: only an import whose export is not taken in yet (``uploaded``, ``validating``) has
    ``awaiting_upload`` (``awaiting_upload`` in template.yaml), all establishments under one key, oldest first: the
    expiry sweep reads those only. One partition is enough: it holds the uploads of the last half hour, and each is
    written a few times."""

    class Meta:
        index_name = "awaiting_upload"
        projection = KeysOnlyProjection()

    awaiting_upload = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ImportItem(Model):
    class Meta:
        table_name = UNBOUND

    newest = NewestImportsIndex()
    queued = QueuedImportsIndex()
    awaiting = AwaitingUploadIndex()

    uai = UnicodeAttribute(hash_key=True)
    import_id = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    upload_key = UnicodeAttribute(default="")
    queued_at = UTCDateTimeAttribute(null=True)
    queue_rank = UnicodeAttribute(null=True)  # set while queued only: "<queued_at ISO>#<import_id>"
    awaiting_upload = UnicodeAttribute(null=True)  # AWAITING_UPLOAD while its export is not taken in only
    started_at = UTCDateTimeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)
    attempt = NumberAttribute(default=1)
    error_code = UnicodeAttribute(null=True)
    error_message = UnicodeAttribute(null=True)
    summary = JSONAttribute(default=dict)
    expires_at = TTLAttribute(null=True)  # the history is kept for a school year and a half
    task_token = UnicodeAttribute(null=True)  # the execution waiting for the selection (never shown)
    version = VersionAttribute()


class AwaitingSlotIndex(GlobalSecondaryIndex["EstablishmentItem"]):  # type: ignore[no-untyped-call]
    """Sparse: only an establishment whose automatic import waits for its slot has ``awaiting_slot``
    (``awaiting_slot`` in template.yaml), all under one key, by UAI, with the waiting import's id: the scheduler
    reads those establishments only. One partition is enough: it holds one small item per waiting establishment."""

    class Meta:
        index_name = "awaiting_slot"
        projection = IncludeProjection(["auto_waiting"])

    awaiting_slot = UnicodeAttribute(hash_key=True)
    uai = UnicodeAttribute(range_key=True)


class EstablishmentItem(Model):
    class Meta:
        table_name = UNBOUND

    awaiting = AwaitingSlotIndex()

    uai = UnicodeAttribute(hash_key=True)
    partner = UnicodeAttribute(null=True)
    timezone = UnicodeAttribute(null=True)
    school_node_key = UnicodeAttribute(null=True)
    running_import = UnicodeAttribute(null=True)
    state_key = UnicodeAttribute(null=True)
    state_saved_at = UTCDateTimeAttribute(null=True)
    state_figures = JSONAttribute(null=True)
    auto_import = JSONAttribute(null=True)  # the automatic-import settings; defaults until saved once
    auto_waiting = UnicodeAttribute(null=True)  # the automatic import waiting for its slot: the scheduler's marker
    awaiting_slot = UnicodeAttribute(null=True)  # set with ``auto_waiting`` only: AWAITING_SLOT


class PronoteIdItem(Model):
    class Meta:
        table_name = UNBOUND

    uai = UnicodeAttribute(hash_key=True)
    idpn = UnicodeAttribute(range_key=True)
    person_key = UnicodeAttribute()


def bind(model: type[Model], table_name: str) -> None:
    """Point ``model`` at ``table_name`` (a new name drops the cached connection)."""
    meta: Any = model.Meta
    if meta.table_name != table_name:
        meta.table_name = table_name
        model._connection = None


def conditional_failure(exc: Exception) -> bool:
    """Whether a pynamodb write failed on its condition (the expected race), not on something else."""
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def save_versioned(item: Model) -> None:
    """Save ``item`` if no one saved it since it was read (its ``VersionAttribute``); else ConcurrentUpdateError."""
    try:
        item.save()
    except PutError as exc:
        if conditional_failure(exc):
            raise ConcurrentUpdateError() from exc
        raise
