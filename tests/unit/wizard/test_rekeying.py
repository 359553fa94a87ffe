"""Pronote re-keying (domain): a known person with a new IDPN is reported, and once confirmed, accepted."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from edt_import.domain.directory import PersonKey
from edt_import.domain.reconciliation import ConflictKind, reconcile
from edt_import.domain.rekeying import Rekey, confirmed_after, rekeyed, reported_rekeys
from edt_import.domain.timetable import Timetable
from tests.support.timetable_builders import a_student, a_teacher, a_timetable, directory_for

KNOWN = {"IDPN-T1": PersonKey("T-t1"), "IDPN-S1": PersonKey("S-s1"), "IDPN-S2": PersonKey("S-s2")}


def reinstalled() -> Timetable:
    """Pronote reinstalled: the teacher and one pupil come back with new IDPNs, the other pupil keeps hers."""
    return a_timetable(
        teachers=[a_teacher(pronote_id="NEW-T1")],
        students=[a_student(pronote_id="NEW-S1"), a_student("s2", "BERNARD", "Hugo", pronote_id="IDPN-S2")],
    )


def test_reported_rekeys_lists_known_people_arriving_with_a_new_idpn() -> None:
    # Given the accounts known under the old IDPNs
    timetable = reinstalled()
    people = reconcile(timetable, directory_for(timetable), known_pronote_ids=KNOWN)
    # Then both are still matched to their accounts (by name), reported, and nothing is re-keyed on its own
    assert people.teachers == {"t1": "T-t1"}
    assert people.students == {"s1": "S-s1", "s2": "S-s2"}
    assert {c.kind for c in people.conflicts} == {ConflictKind.ACCOUNT_HAS_OTHER_IDPN}
    assert people.new_pronote_ids == {}
    assert reported_rekeys(timetable, people, KNOWN) == (
        Rekey(pronote_id="NEW-S1", account=PersonKey("S-s1"), replaces=("IDPN-S1",)),
        Rekey(pronote_id="NEW-T1", account=PersonKey("T-t1"), replaces=("IDPN-T1",)),
    )


def test_rekeyed_confirmed_idpns_make_the_next_reconciliation_clean() -> None:
    # Given the re-keyings an import reported, confirmed by the administrator
    timetable = reinstalled()
    found = reported_rekeys(timetable, reconcile(timetable, directory_for(timetable), known_pronote_ids=KNOWN), KNOWN)
    known = rekeyed(KNOWN, found)
    # Then the old IDPNs are forgotten, the new ones known, and the next run reports nothing
    assert known == {"NEW-T1": "T-t1", "NEW-S1": "S-s1", "IDPN-S2": "S-s2"}
    again = reconcile(timetable, directory_for(timetable), known_pronote_ids=known)
    assert again.conflicts == ()
    assert reported_rekeys(timetable, again, known) == ()


def test_rekeyed_old_idpn_given_to_someone_else_no_longer_names_the_account() -> None:
    # Given a confirmed re-keying, then Pronote handing the teacher's old IDPN to a new colleague
    known = rekeyed(KNOWN, [Rekey(pronote_id="NEW-T1", account=PersonKey("T-t1"), replaces=("IDPN-T1",))])
    timetable = a_timetable(
        teachers=[a_teacher(pronote_id="NEW-T1"), a_teacher("t2", "DURAND", "Anne", pronote_id="IDPN-T1")]
    )
    # When the next export is reconciled
    people = reconcile(timetable, directory_for(timetable), known_pronote_ids=known)
    # Then each keeps their own account: the newcomer is not taken for the teacher
    assert people.teachers == {"t1": "T-t1", "t2": "T-t2"}


rekeys = st.lists(
    st.builds(
        Rekey,
        pronote_id=st.sampled_from(["A", "B", "C", "D"]),
        account=st.sampled_from([PersonKey("P1"), PersonKey("P2")]),
        replaces=st.just(()),
    ),
    max_size=6,
)


@given(confirmed=rekeys)
def test_rekeyed_is_idempotent_and_never_gives_an_account_two_idpns(confirmed: list[Rekey]) -> None:
    once = rekeyed({"A": PersonKey("P1"), "B": PersonKey("P2")}, confirmed)
    assert rekeyed(once, confirmed) == once
    if confirmed:  # the last confirmation holds
        assert once[confirmed[-1].pronote_id] == confirmed[-1].account
    for account in {r.account for r in confirmed}:
        assert len([idpn for idpn, key in once.items() if key == account]) <= 1


def test_confirmed_after_adds_each_rekeying_once_in_order() -> None:
    first = Rekey(pronote_id="N1", account=PersonKey("P1"), replaces=("O1",))
    second = Rekey(pronote_id="N2", account=PersonKey("P2"), replaces=())
    assert confirmed_after([first], [second, first]) == (first, second)
