"""The establishment's subject referential: the subject codes the ENT knows (green in the wizard)."""

from __future__ import annotations

from collections.abc import Iterable

from edt_import.domain.subject_referential import checked_codes
from edt_import.domain.wizard_ports import SubjectReferentialStore


def subject_referential(uai: str, *, referentials: SubjectReferentialStore) -> tuple[str, ...]:
    return tuple(sorted(referentials.load(uai) or ()))


def replace_subject_referential(
    uai: str, codes: Iterable[str], *, referentials: SubjectReferentialStore
) -> tuple[str, ...]:
    """Replace the whole referential (refused with ``invalid_subjects``, nothing changed, if a code is bad)."""
    kept = checked_codes(codes)
    referentials.save(uai, kept)
    return tuple(sorted(kept))
