from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import EdtImportError, ErrorCode
from edt_import.domain.plan import EventSpec
from tests.unit.planner.builders import a_timetable, plan_of


def test_applied_state_round_trips_a_planned_state_exactly() -> None:
    # Given the state a plan leaves, with mappings and an odd hand-made event
    state = plan_of(a_timetable()).state
    state.pronote_ids["PN1"] = PersonKey("T-t1")
    odd = EventSpec(
        key="elsewhere:1",
        course_key="course",
        title="T",
        start=datetime(2025, 9, 1, 6, 0, 30, 5, tzinfo=UTC),
        end=datetime(2025, 9, 1, 7, tzinfo=UTC),
        local_date=date(2025, 9, 1),
        rooms=("A", "B"),
        teachers=(PersonKey("T-1"),),
        description="d",
    )
    state.events[odd.key] = odd
    # When
    again = AppliedState.from_json(state.to_json())
    # Then
    assert again == state
    assert again.to_json() == state.to_json()


def test_applied_state_is_versioned_and_compact() -> None:
    # Given the default plan's state (one course, 44 Monday events)
    state = plan_of(a_timetable()).state
    # When
    raw = json.loads(state.to_json())
    # Then members are grouped by course and every repeated value is written once
    assert raw["schema"] == 3
    assert raw["members"] == {"edt:0750001A:2025-2026:MATHS:cc1": [["T-t1"], ["S-s1", "S-s2"]]}
    values = raw["events"]["values"]
    [first, *_] = raw["events"]["courses"]["edt:0750001A:2025-2026:MATHS:cc1"]
    assert first[0] == "2025-09-01:0"
    assert [values[i] for i in first[1:]] == [
        ["s", 1756706400],
        ["s", 1756710000],
        ["d", date(2025, 9, 1).toordinal()],
        ["r", "A101"],
        ["t", "T-t1"],
        "MATHEMATIQUES - 3A",
        "Salle : A101",
    ]
    assert len(values) == 2 * 44 + 44 + 4


def test_applied_state_reads_the_first_schema() -> None:
    text = (
        '{"schema":1,"uai":"U","year_node":["y","Cours","U"],"courses":[["k","T","C","y"]],'
        '"members":[["k","P","Learner"]],"events":[["k:2025-09-01:0","k","T","2025-09-01T06:00:00+00:00",'
        '"2025-09-01T07:00:00+00:00","2025-09-01",["A"],["P"],""]],"pronote_ids":{"1":"P"}}'
    )
    state = AppliedState.from_json(text)
    assert (list(state.courses), list(state.members), list(state.events)) == (
        ["k"],
        ["k|P|Learner"],
        ["k:2025-09-01:0"],
    )


@pytest.mark.parametrize(
    "text",
    [
        '{"schema":9}',
        '{"schema":3,"uai":"U"}',
        "[]",
        "nope",
        '{"schema":3,"uai":"U","year_node":null,"courses":[],"members":{},"pronote_ids":{},'
        '"events":{"values":[["x",1]],"courses":{"k":[["a",0,0,0,0,0,0,0]]},"other":[]}}',
    ],
)
def test_applied_state_damaged_or_unknown_is_refused(text: str) -> None:
    with pytest.raises(EdtImportError) as caught:
        AppliedState.from_json(text)
    assert caught.value.code is ErrorCode.INVALID_STATE
