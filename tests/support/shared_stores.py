"""The in-memory stores the admin API and the pipeline share, as their functions share the AWS resources."""

from __future__ import annotations

from msgspec import Struct, field

from tests.support.in_memory_state_store import InMemoryAppliedStateStore
from tests.support.pipeline_fakes import (
    InMemoryBlobStore,
    InMemoryEstablishmentStore,
    InMemoryExecutionStarter,
    InMemoryImportHistory,
)
from tests.support.wizard_fakes import InMemoryExecutionResumer, InMemoryTaskTokenStore


class InMemorySharedStores(Struct):
    """One import history, working bucket (applied states included), establishment table and state machine (with its
    paused executions)."""

    history: InMemoryImportHistory = field(default_factory=InMemoryImportHistory)
    work: InMemoryBlobStore = field(default_factory=InMemoryBlobStore)
    establishments: InMemoryEstablishmentStore = field(default_factory=InMemoryEstablishmentStore)
    states: InMemoryAppliedStateStore = field(default_factory=InMemoryAppliedStateStore)  # in the working bucket
    starter: InMemoryExecutionStarter = field(default_factory=InMemoryExecutionStarter)
    tokens: InMemoryTaskTokenStore = field(default_factory=InMemoryTaskTokenStore)
    resumer: InMemoryExecutionResumer = field(default_factory=InMemoryExecutionResumer)
