"""Timetable people ↔ ENT accounts (docs/rules.md, "People").

Only integration-managed accounts take part. Order: the CAS id, then the Pronote id (IDPN) stored by earlier
imports, then last name + first name (+ birth date for students, known on both sides), compared loosely. A match
must be unique, and an account someone holds by CAS id or IDPN is left out of everybody else's name candidates.
Everyone is either matched or listed as unmatched (``not_found`` / ``ambiguous``).
IDPN drift (an account already known under another IDPN, or a known IDPN now resolving to another account by
name) is reported as a conflict and never re-keys anything: the established account is kept, no mapping changes.
A CAS id is the one exception: it wins over a stored IDPN mapping (the guide, step 7); the mapping moves to the
account the CAS id names, and the change is reported as a resolved conflict.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from functools import lru_cache

from msgspec import Struct

from edt_import.domain.directory import DirectoryPerson, PersonKey, Profile
from edt_import.domain.plan import Role
from edt_import.domain.timetable import Ident, Student, Teacher, Timetable

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_PROFILES_OF = {
    Role.INSTRUCTOR: frozenset({Profile.TEACHER, Profile.STAFF}),
    Role.LEARNER: frozenset({Profile.STUDENT}),
}


class UnmatchedReason(StrEnum):
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"


class ConflictKind(StrEnum):
    ACCOUNT_HAS_OTHER_IDPN = "account_has_other_idpn"  # the account is already known under another IDPN
    IDPN_MATCHES_OTHER_ACCOUNT = "idpn_matches_other_account"  # a known IDPN now resolves to another account
    ACCOUNT_CLAIMED_TWICE = "account_claimed_twice"  # two timetable people resolve to one account
    CAS_REPLACES_IDPN = "cas_replaces_idpn"  # the CAS id names another account than the stored IDPN (resolved)


class MatchedBy(StrEnum):
    CAS = "cas"
    PRONOTE_ID = "pronote_id"
    NAMES = "names"


class PersonRef(Struct, frozen=True, kw_only=True):
    """A timetable person as the administrator's report shows them (never logged)."""

    role: Role
    ident: Ident
    last_name: str
    first_name: str
    birth_date: date | None = None


class Unmatched(Struct, frozen=True, kw_only=True):
    person: PersonRef
    reason: UnmatchedReason


class Conflict(Struct, frozen=True, kw_only=True):
    person: PersonRef
    kind: ConflictKind
    resolved: bool = False  # settled by the rules (reported for the record), not waiting for the administrator


class Reconciliation(Struct, frozen=True, kw_only=True):
    teachers: Mapping[Ident, PersonKey]  # timetable ident -> account
    students: Mapping[Ident, PersonKey]
    unmatched: tuple[Unmatched, ...]
    conflicts: tuple[Conflict, ...]
    new_pronote_ids: Mapping[str, PersonKey]  # IDPN -> account, first seen in this import


@lru_cache(maxsize=1 << 16)  # first names repeat a lot
def normalise_name(text: str) -> str:
    """Case-, accent-, hyphen-, apostrophe- and space-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(char for char in decomposed.casefold() if char.isalnum())


class _Index(Struct):
    by_key: dict[PersonKey, DirectoryPerson]
    by_cas: dict[str, list[DirectoryPerson]]
    by_names: dict[tuple[str, str], list[DirectoryPerson]]


class _Candidate(Struct):
    ref: PersonRef
    pronote_id: str | None
    account: PersonKey
    by: MatchedBy


def _index(directory: Iterable[DirectoryPerson], role: Role) -> _Index:
    profiles = _PROFILES_OF[role]
    index = _Index(by_key={}, by_cas={}, by_names={})
    for person in directory:
        if not person.integration_managed or person.profile not in profiles:
            continue
        index.by_key[person.person_key] = person
        if person.cas_id:
            index.by_cas.setdefault(person.cas_id, []).append(person)
        index.by_names.setdefault((normalise_name(person.last_name), normalise_name(person.first_name)), []).append(
            person
        )
    return index


def reconcile(
    timetable: Timetable, directory: Iterable[DirectoryPerson], *, known_pronote_ids: Mapping[str, PersonKey]
) -> Reconciliation:
    """Match every teacher and student of the timetable with an ENT account, or say why not."""
    people = tuple(directory)
    unmatched: list[Unmatched] = []
    conflicts: list[Conflict] = []
    new_ids: dict[str, PersonKey] = {}
    accounts_known_as: dict[PersonKey, set[str]] = {}
    for idpn, account in known_pronote_ids.items():
        accounts_known_as.setdefault(account, set()).add(idpn)
    matches: dict[Role, dict[Ident, PersonKey]] = {}
    for role, persons in ((Role.INSTRUCTOR, timetable.teachers.values()), (Role.LEARNER, timetable.students.values())):
        index = _index(people, role)
        candidates: list[_Candidate] = []
        outcomes: list[tuple[Teacher | Student, PersonRef, _Candidate | UnmatchedReason | None]] = []
        for person in persons:
            ref = person_ref(person, role)
            outcomes.append((person, ref, _strong_match(person, ref, index, known_pronote_ids)))
        # An account someone holds by CAS id or stored IDPN is nobody else's by name.
        claimed = {found.account for _, _, found in outcomes if isinstance(found, _Candidate)}
        for person, ref, strong in outcomes:
            found = strong if strong is not None else _name_match(person, ref, index, claimed)
            if isinstance(found, UnmatchedReason):
                unmatched.append(Unmatched(person=ref, reason=found))
            else:
                candidates.append(found)
        matches[role] = _settle(
            candidates, accounts_known_as, known_pronote_ids, conflicts=conflicts, unmatched=unmatched, new_ids=new_ids
        )
    return Reconciliation(
        teachers=matches[Role.INSTRUCTOR],
        students=matches[Role.LEARNER],
        unmatched=tuple(unmatched),
        conflicts=tuple(conflicts),
        new_pronote_ids=new_ids,
    )


def person_ref(person: Teacher | Student, role: Role) -> PersonRef:
    return PersonRef(
        role=role,
        ident=person.ident,
        last_name=person.last_name,
        first_name=person.first_name,
        birth_date=person.birth_date if role is Role.LEARNER else None,
    )


def _strong_match(
    person: Teacher | Student,
    ref: PersonRef,
    index: _Index,
    known_pronote_ids: Mapping[str, PersonKey],
) -> _Candidate | UnmatchedReason | None:
    """By CAS id (it wins over a stored mapping), then by the stored IDPN mapping; None when neither applies."""
    known = known_pronote_ids.get(person.pronote_id) if person.pronote_id else None
    known_alive = known if known is not None and known in index.by_key else None
    if person.cas_id and person.cas_id in index.by_cas:
        return _match_cas(person, ref, index.by_cas[person.cas_id])
    if known_alive is not None:
        return _Candidate(ref=ref, pronote_id=person.pronote_id, account=known_alive, by=MatchedBy.PRONOTE_ID)
    return None


def _name_match(
    person: Teacher | Student,
    ref: PersonRef,
    index: _Index,
    claimed: set[PersonKey],
) -> _Candidate | UnmatchedReason:
    by_names = [
        candidate
        for candidate in index.by_names.get((normalise_name(person.last_name), normalise_name(person.first_name)), ())
        if candidate.person_key not in claimed
        and (ref.role is Role.INSTRUCTOR or _same_birth_date(ref.birth_date, candidate.birth_date))
    ]
    if not by_names:
        return UnmatchedReason.NOT_FOUND
    if len(by_names) > 1:
        return UnmatchedReason.AMBIGUOUS
    return _Candidate(ref=ref, pronote_id=person.pronote_id, account=by_names[0].person_key, by=MatchedBy.NAMES)


def _match_cas(
    person: Teacher | Student,
    ref: PersonRef,
    by_cas: list[DirectoryPerson],
) -> _Candidate | UnmatchedReason:
    if len(by_cas) > 1:
        return UnmatchedReason.AMBIGUOUS
    return _Candidate(ref=ref, pronote_id=person.pronote_id, account=by_cas[0].person_key, by=MatchedBy.CAS)


def _same_birth_date(ours: date | None, theirs: date | None) -> bool:
    """A pupil's names are matched only with a birth date known on both sides and equal (homonyms are common)."""
    return ours is not None and ours == theirs


def _settle(
    candidates: list[_Candidate],
    accounts_known_as: Mapping[PersonKey, set[str]],
    known_pronote_ids: Mapping[str, PersonKey],
    *,
    conflicts: list[Conflict],
    unmatched: list[Unmatched],
    new_ids: dict[str, PersonKey],
) -> dict[Ident, PersonKey]:
    """One account per person: a strongly identified claimant keeps a shared account; the others lose it and are
    reported both as a conflict and as unmatched (ambiguous), so that every person is matched or listed."""
    claims: dict[PersonKey, list[_Candidate]] = {}
    for candidate in candidates:
        claims.setdefault(candidate.account, []).append(candidate)
    matched: dict[Ident, PersonKey] = {}
    for account, claimants in claims.items():
        winners = claimants
        if len(claimants) > 1:
            by_cas = [c for c in claimants if c.by is MatchedBy.CAS]  # the CAS id wins over a stored IDPN too
            strong = by_cas or [c for c in claimants if c.by is not MatchedBy.NAMES]
            winners = strong if len(strong) == 1 else []
            for loser in (c for c in claimants if c not in winners):
                conflicts.append(Conflict(person=loser.ref, kind=ConflictKind.ACCOUNT_CLAIMED_TWICE))
                unmatched.append(Unmatched(person=loser.ref, reason=UnmatchedReason.AMBIGUOUS))
        for winner in winners:
            matched[winner.ref.ident] = account
            _remember(winner, accounts_known_as.get(account, set()), known_pronote_ids, conflicts, new_ids)
    return matched


def _remember(
    winner: _Candidate,
    known_as: set[str],
    known_pronote_ids: Mapping[str, PersonKey],
    conflicts: list[Conflict],
    new_ids: dict[str, PersonKey],
) -> None:
    idpn = winner.pronote_id
    if not idpn:
        return
    if idpn in known_pronote_ids:
        if known_pronote_ids[idpn] != winner.account and winner.by is MatchedBy.CAS:
            conflicts.append(Conflict(person=winner.ref, kind=ConflictKind.CAS_REPLACES_IDPN, resolved=True))
            new_ids[idpn] = winner.account
        elif known_pronote_ids[idpn] != winner.account:
            # The account the IDPN was mapped to has left the directory: another one now answers for the person.
            conflicts.append(Conflict(person=winner.ref, kind=ConflictKind.IDPN_MATCHES_OTHER_ACCOUNT))
        return
    if known_as - {idpn}:
        conflicts.append(Conflict(person=winner.ref, kind=ConflictKind.ACCOUNT_HAS_OTHER_IDPN))
        return
    new_ids[idpn] = winner.account
