from __future__ import annotations

from datetime import date

from edt_import.domain.directory import PersonKey, Profile, Source
from edt_import.domain.reconciliation import ConflictKind, UnmatchedReason, normalise_name, reconcile
from tests.unit.planner.builders import a_student, a_teacher, a_timetable, an_account


def test_normalise_name_ignores_case_accents_hyphens_apostrophes_and_spaces() -> None:
    assert normalise_name("D'Aubigné-Le  Cœur") == normalise_name("daubigne lecoeur") == "daubignelecoeur"
    assert normalise_name("O\u2019NEIL") == "oneil"


def test_reconcile_cas_id_wins_over_names() -> None:
    # Given a teacher with a CAS id whose account bears another spelling, and a homonym account
    timetable = a_timetable(teachers=[a_teacher(cas_id="cas-77")])
    directory = [
        an_account("T-cas", "DUPONT-MOREAU", "J.", profile=Profile.TEACHER, cas_id="cas-77"),
        an_account("T-name", "Dupont", "Jean", profile=Profile.TEACHER),
    ]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={})
    # Then
    assert result.teachers == {"t1": "T-cas"}


def test_reconcile_stored_pronote_id_comes_before_names() -> None:
    # Given a student renamed since the last import, known by IDPN
    timetable = a_timetable(students=[a_student("s1", "MARTIN-ROUX", "Lea", pronote_id="PN1")])
    directory = [an_account("S-lea", "MARTIN", "Lea", birth_date=date(2011, 3, 4))]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={"PN1": PersonKey("S-lea")})
    # Then
    assert result.students == {"s1": "S-lea"}
    assert result.conflicts == ()
    assert result.new_pronote_ids == {}


def test_reconcile_names_are_compared_loosely_and_produce_a_new_mapping() -> None:
    # Given accents, hyphens, apostrophes and case differing between the two sides
    timetable = a_timetable(teachers=[a_teacher("t1", "D'AUBIGNÉ-LE CŒUR", "Jean Marc", pronote_id="PN9")], students=[])
    directory = [an_account("T-1", "Daubigne Lecoeur", "jean-marc", profile=Profile.TEACHER)]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={})
    # Then
    assert result.teachers == {"t1": "T-1"}
    assert result.new_pronote_ids == {"PN9": "T-1"}


def test_reconcile_students_need_the_same_birth_date() -> None:
    # Given a homonym account born another day
    timetable = a_timetable(teachers=[], students=[a_student("s1", birth_date=date(2011, 3, 4))])
    directory = [an_account("S-x", "MARTIN", "Lea", birth_date=date(2011, 3, 5))]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={})
    # Then
    assert result.students == {}
    assert [(u.person.ident, u.reason) for u in result.unmatched] == [("s1", UnmatchedReason.NOT_FOUND)]


def test_reconcile_homonyms_are_ambiguous_and_manual_accounts_never_match() -> None:
    # Given two integration accounts for one teacher's name, and a manual account for a student
    timetable = a_timetable(students=[a_student("s1")])
    directory = [
        an_account("T-a", "DUPONT", "Jean", profile=Profile.TEACHER, source=Source.AAF),
        an_account("T-b", "DUPONT", "Jean", profile=Profile.TEACHER, source=Source.CSV),
        an_account("S-m", "MARTIN", "Lea", birth_date=date(2011, 3, 4), source=Source.MANUAL),
    ]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={})
    # Then
    assert (result.teachers, result.students) == ({}, {})
    assert sorted((u.person.role.value, u.reason.value) for u in result.unmatched) == [
        ("Instructor", "ambiguous"),
        ("Learner", "not_found"),
    ]


def test_reconcile_account_already_known_under_another_idpn_is_a_conflict_not_a_rekey() -> None:
    # Given the account T-1 mapped to PN-old, and the teacher arriving with PN-new (Pronote reinstalled)
    timetable = a_timetable(teachers=[a_teacher(pronote_id="PN-new")], students=[])
    directory = [an_account("T-1", "DUPONT", "Jean", profile=Profile.TEACHER)]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={"PN-old": PersonKey("T-1")})
    # Then the account keeps one identity: conflict reported, no new mapping, still the same account
    assert [(c.person.ident, c.kind) for c in result.conflicts] == [("t1", ConflictKind.ACCOUNT_HAS_OTHER_IDPN)]
    assert result.new_pronote_ids == {}
    assert result.teachers == {"t1": "T-1"}


def test_reconcile_known_idpn_now_matching_another_account_keeps_the_established_one() -> None:
    # Given PN1 mapped to T-1, and the teacher's CAS id now pointing at T-2
    timetable = a_timetable(teachers=[a_teacher(pronote_id="PN1", cas_id="cas-2")], students=[])
    directory = [
        an_account("T-1", "DUPONT", "Jean", profile=Profile.TEACHER),
        an_account("T-2", "DUPONT", "Jean", profile=Profile.TEACHER, cas_id="cas-2"),
    ]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={"PN1": PersonKey("T-1")})
    # Then
    assert [(c.person.ident, c.kind) for c in result.conflicts] == [("t1", ConflictKind.IDPN_MATCHES_OTHER_ACCOUNT)]
    assert result.teachers == {"t1": "T-1"}
    assert result.new_pronote_ids == {}


def test_reconcile_two_people_claiming_one_account_leave_it_to_the_strong_match() -> None:
    # Given t1 known by IDPN as T-1, and t2 a homonym who would match T-1 by name
    timetable = a_timetable(
        teachers=[a_teacher("t1", pronote_id="PN1"), a_teacher("t2", pronote_id="PN2")], students=[]
    )
    directory = [an_account("T-1", "DUPONT", "Jean", profile=Profile.TEACHER)]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={"PN1": PersonKey("T-1")})
    # Then
    assert result.teachers == {"t1": "T-1"}
    assert [(c.person.ident, c.kind) for c in result.conflicts] == [("t2", ConflictKind.ACCOUNT_CLAIMED_TWICE)]
