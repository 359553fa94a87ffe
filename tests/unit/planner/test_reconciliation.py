from __future__ import annotations

from datetime import date

from edt_import.domain.directory import PersonKey, Profile, Source
from edt_import.domain.reconciliation import ConflictKind, UnmatchedReason, normalise_name, reconcile
from tests.support.timetable_builders import a_student, a_teacher, a_timetable, an_account


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


def test_reconcile_cas_id_wins_over_a_stored_idpn_mapping_and_moves_it() -> None:
    # Given PN1 mapped to T-1, and the teacher's CAS id now pointing at T-2
    timetable = a_timetable(teachers=[a_teacher(pronote_id="PN1", cas_id="cas-2")], students=[])
    directory = [
        an_account("T-1", "DUPONT", "Jean", profile=Profile.TEACHER),
        an_account("T-2", "DUPONT", "Jean", profile=Profile.TEACHER, cas_id="cas-2"),
    ]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={"PN1": PersonKey("T-1")})
    # Then the CAS account is the teacher's, PN1 now maps to it, and the change is reported as resolved
    assert [(c.person.ident, c.kind, c.resolved) for c in result.conflicts] == [
        ("t1", ConflictKind.CAS_REPLACES_IDPN, True)
    ]
    assert result.teachers == {"t1": "T-2"}
    assert result.new_pronote_ids == {"PN1": "T-2"}


def test_reconcile_cas_id_moves_a_mapping_whose_account_left() -> None:
    # Given PN1 mapped to T-old, which left the directory, and the teacher's CAS id naming T-new
    timetable = a_timetable(teachers=[a_teacher(pronote_id="PN1", cas_id="cas-new")], students=[])
    directory = [an_account("T-new", "DUPONT", "Jean", profile=Profile.TEACHER, cas_id="cas-new")]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={"PN1": PersonKey("T-old")})
    # Then
    assert [(c.kind, c.resolved) for c in result.conflicts] == [(ConflictKind.CAS_REPLACES_IDPN, True)]
    assert (result.teachers, result.new_pronote_ids) == ({"t1": "T-new"}, {"PN1": "T-new"})


def test_reconcile_two_people_claiming_one_account_leave_it_to_the_strong_match() -> None:
    # Given t1 known by IDPN as T-1, and t2 a homonym who would match T-1 by name
    timetable = a_timetable(
        teachers=[a_teacher("t1", pronote_id="PN1"), a_teacher("t2", pronote_id="PN2")], students=[]
    )
    directory = [an_account("T-1", "DUPONT", "Jean", profile=Profile.TEACHER)]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={"PN1": PersonKey("T-1")})
    # Then the account held by IDPN is not t2's to take by name: t2 is not found
    assert result.teachers == {"t1": "T-1"}
    assert result.conflicts == ()
    assert [(u.person.ident, u.reason) for u in result.unmatched] == [("t2", UnmatchedReason.NOT_FOUND)]


def test_reconcile_account_claimed_by_cas_id_and_by_a_stored_idpn_goes_to_the_cas_id() -> None:
    # Given PN2 mapped to T-1 (teacher t2), while teacher t1's CAS id now names T-1
    timetable = a_timetable(
        teachers=[a_teacher("t1", cas_id="cas-1"), a_teacher("t2", "DURAND", "Paul", pronote_id="PN2")], students=[]
    )
    directory = [an_account("T-1", "DUPONT", "Jean", profile=Profile.TEACHER, cas_id="cas-1")]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={"PN2": PersonKey("T-1")})
    # Then T-1 is t1's; t2 loses it, reported as a conflict and unmatched
    assert result.teachers == {"t1": "T-1"}
    assert [(c.person.ident, c.kind) for c in result.conflicts] == [("t2", ConflictKind.ACCOUNT_CLAIMED_TWICE)]
    assert [(u.person.ident, u.reason) for u in result.unmatched] == [("t2", UnmatchedReason.AMBIGUOUS)]


def test_reconcile_two_namesakes_for_one_account_both_stay_unmatched_as_ambiguous() -> None:
    # Given two teachers named Jean DUPONT in the export and one such account
    timetable = a_timetable(teachers=[a_teacher("t1"), a_teacher("t2")], students=[])
    directory = [an_account("T-1", "DUPONT", "Jean", profile=Profile.TEACHER)]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={})
    # Then neither gets it, both are listed as unmatched and as a conflict
    assert result.teachers == {}
    assert [(u.person.ident, u.reason) for u in result.unmatched] == [
        ("t1", UnmatchedReason.AMBIGUOUS),
        ("t2", UnmatchedReason.AMBIGUOUS),
    ]
    assert [(c.person.ident, c.kind) for c in result.conflicts] == [
        ("t1", ConflictKind.ACCOUNT_CLAIMED_TWICE),
        ("t2", ConflictKind.ACCOUNT_CLAIMED_TWICE),
    ]


def test_reconcile_account_claimed_by_cas_is_not_a_name_candidate_for_a_homonym() -> None:
    # Given two teachers named Jean DUPONT: t1 logged in through the ENT (CAS), t2 never did
    timetable = a_timetable(teachers=[a_teacher("t1", cas_id="cas-1"), a_teacher("t2")], students=[])
    directory = [
        an_account("T-1", "DUPONT", "Jean", profile=Profile.TEACHER, cas_id="cas-1"),
        an_account("T-2", "DUPONT", "Jean", profile=Profile.TEACHER),
    ]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={})
    # Then t1 has its CAS account and t2 the only account left under that name
    assert result.teachers == {"t1": "T-1", "t2": "T-2"}
    assert (result.unmatched, result.conflicts) == ((), ())


def test_reconcile_account_claimed_by_cas_is_never_given_to_a_namesake() -> None:
    # Given t1 matched by CAS to T-1, and t2 a namesake with no other account
    timetable = a_timetable(teachers=[a_teacher("t1", cas_id="cas-1"), a_teacher("t2")], students=[])
    directory = [an_account("T-1", "DUPONT", "Jean", profile=Profile.TEACHER, cas_id="cas-1")]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={})
    # Then t2 is not found
    assert result.teachers == {"t1": "T-1"}
    assert [(u.person.ident, u.reason) for u in result.unmatched] == [("t2", UnmatchedReason.NOT_FOUND)]


def test_reconcile_student_needs_a_birth_date_on_both_sides() -> None:
    # Given a pupil whose account has no birth date, and one whose export record has none
    timetable = a_timetable(
        teachers=[], students=[a_student("s1"), a_student("s2", "BERNARD", "Hugo", birth_date=None)]
    )
    directory = [
        an_account("S-1", "MARTIN", "Lea", birth_date=None),
        an_account("S-2", "BERNARD", "Hugo", birth_date=date(2011, 1, 1)),
    ]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={})
    # Then neither is matched on names alone
    assert result.students == {}
    assert [(u.person.ident, u.reason) for u in result.unmatched] == [
        ("s1", UnmatchedReason.NOT_FOUND),
        ("s2", UnmatchedReason.NOT_FOUND),
    ]


def test_reconcile_profile_must_fit_the_role() -> None:
    # Given only a teacher account bearing a pupil's names, birth date and CAS id, and a pupil account for a teacher
    timetable = a_timetable(teachers=[a_teacher(cas_id="cas-t")], students=[a_student("s1", cas_id="cas-s")])
    directory = [
        an_account("T-x", "MARTIN", "Lea", profile=Profile.TEACHER, birth_date=date(2011, 3, 4), cas_id="cas-s"),
        an_account("S-x", "DUPONT", "Jean", profile=Profile.STUDENT, cas_id="cas-t"),
    ]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={"PN": PersonKey("T-x")})
    # Then nobody is matched
    assert (result.teachers, result.students) == ({}, {})
    assert sorted((u.person.ident, u.reason.value) for u in result.unmatched) == [
        ("s1", "not_found"),
        ("t1", "not_found"),
    ]


def test_reconcile_manual_account_never_matches_even_by_cas_or_stored_idpn() -> None:
    # Given the only candidate is a hand-made account carrying the teacher's CAS id and stored IDPN mapping
    timetable = a_timetable(teachers=[a_teacher(cas_id="cas-1", pronote_id="PN1")], students=[])
    directory = [an_account("T-m", "DUPONT", "Jean", profile=Profile.TEACHER, cas_id="cas-1", source=Source.MANUAL)]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={"PN1": PersonKey("T-m")})
    # Then
    assert result.teachers == {}
    assert [(u.person.ident, u.reason) for u in result.unmatched] == [("t1", UnmatchedReason.NOT_FOUND)]
    assert result.new_pronote_ids == {}


def test_reconcile_cas_match_records_the_idpn_and_a_later_import_uses_it() -> None:
    # Given a first import matching t1 by CAS, then the CAS id gone and the name changed
    first = reconcile(
        a_timetable(teachers=[a_teacher(cas_id="cas-1", pronote_id="PN1")], students=[]),
        [an_account("T-1", "DUPONT", "Jean", profile=Profile.TEACHER, cas_id="cas-1")],
        known_pronote_ids={},
    )
    # When
    later = reconcile(
        a_timetable(teachers=[a_teacher(last_name="DUPONT-MOREAU", pronote_id="PN1")], students=[]),
        [an_account("T-1", "DUPONT", "Jean", profile=Profile.TEACHER, cas_id="cas-1")],
        known_pronote_ids=first.new_pronote_ids,
    )
    # Then
    assert first.new_pronote_ids == {"PN1": "T-1"}
    assert later.teachers == {"t1": "T-1"}


def test_reconcile_known_idpn_whose_account_left_is_a_conflict_and_keeps_the_mapping() -> None:
    # Given PN1 mapped to T-old, which left the directory; the teacher now matches T-new by name
    timetable = a_timetable(teachers=[a_teacher(pronote_id="PN1")], students=[])
    directory = [an_account("T-new", "DUPONT", "Jean", profile=Profile.TEACHER)]
    # When
    result = reconcile(timetable, directory, known_pronote_ids={"PN1": PersonKey("T-old")})
    # Then reported, matched for this import, the stored mapping left for the administrator
    assert [(c.person.ident, c.kind) for c in result.conflicts] == [("t1", ConflictKind.IDPN_MATCHES_OTHER_ACCOUNT)]
    assert result.teachers == {"t1": "T-new"}
    assert result.new_pronote_ids == {}
