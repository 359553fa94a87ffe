"""Pronote re-keying: a known person arrives with a new Pronote id (IDPN), and an administrator confirms it.

When a school changes its Pronote installation (local to network, or to the hosted service), Pronote may give
everyone new IDPNs. Reconciliation then matches the person by CAS id or by name to an account it already knows
under another IDPN: it keeps the account and reports the conflict (``account_has_other_idpn``), but never
re-keys on its own — one person must never get a second identity. ``reported_rekeys`` lists what the
administrator is asked to confirm; once confirmed, ``rekeyed`` is applied to the known mappings of every later
run: the account's old IDPNs are forgotten (Pronote may hand them to someone else) and the new one is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from msgspec import Struct

from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.plan import Role
from edt_import.domain.reconciliation import ConflictKind, Reconciliation
from edt_import.domain.timetable import Timetable


class Rekey(Struct, frozen=True, kw_only=True):
    """The account ``account`` is now known by ``pronote_id``; ``replaces`` are the IDPNs it was known by."""

    pronote_id: str
    account: PersonKey
    replaces: tuple[str, ...]

    def as_row(self) -> list[Any]:
        return [self.pronote_id, self.account, list(self.replaces)]

    @classmethod
    def from_row(cls, row: object) -> Rekey:
        if not (isinstance(row, list) and len(row) == 3 and isinstance(row[2], list)):
            raise rejected(ErrorCode.INVALID_STATE, "A stored Pronote re-keying is not readable.")
        return cls(pronote_id=str(row[0]), account=PersonKey(str(row[1])), replaces=tuple(str(v) for v in row[2]))


def reported_rekeys(
    timetable: Timetable, people: Reconciliation, known_pronote_ids: Mapping[str, PersonKey]
) -> tuple[Rekey, ...]:
    """The re-keyings this reconciliation found: matched people whose account is known under another IDPN."""
    found: dict[str, Rekey] = {}
    for conflict in people.conflicts:
        if conflict.kind is not ConflictKind.ACCOUNT_HAS_OTHER_IDPN:
            continue
        ident = conflict.person.ident
        if conflict.person.role is Role.INSTRUCTOR:
            pronote_id, account = timetable.teachers[ident].pronote_id, people.teachers.get(ident)
        else:
            pronote_id, account = timetable.students[ident].pronote_id, people.students.get(ident)
        if not pronote_id or account is None:
            continue
        old = tuple(sorted(idpn for idpn, key in known_pronote_ids.items() if key == account and idpn != pronote_id))
        found[pronote_id] = Rekey(pronote_id=pronote_id, account=account, replaces=old)
    return tuple(found[idpn] for idpn in sorted(found))


def rekeyed(known_pronote_ids: Mapping[str, PersonKey], confirmed: Iterable[Rekey]) -> dict[str, PersonKey]:
    """The known mappings once the confirmed re-keyings apply, in the order they were confirmed (idempotent).

    Each moves its account to its new IDPN: the account's other IDPNs are dropped, and the new IDPN, should it
    have named another account, now names this one.
    """
    mappings = dict(known_pronote_ids)
    for rekey in confirmed:
        for idpn in [idpn for idpn, key in mappings.items() if key == rekey.account and idpn != rekey.pronote_id]:
            del mappings[idpn]
        mappings[rekey.pronote_id] = rekey.account
    return mappings


def confirmed_after(earlier: Iterable[Rekey], confirming: Iterable[Rekey]) -> tuple[Rekey, ...]:
    """The establishment's confirmed re-keyings after confirming more: a repeated confirmation is not added twice."""
    kept = list(earlier)
    for rekey in confirming:
        if rekey not in kept:
            kept.append(rekey)
    return tuple(kept)
