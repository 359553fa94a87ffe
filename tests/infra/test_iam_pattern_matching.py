"""How the rights tests match a statement's Action and Resource elements: as IAM does, ``*`` and ``?`` only."""

from __future__ import annotations

import pytest

from tests.support.iam_rights import iam_matches

WORK = "arn:aws:s3:::edt-import-work"


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        (f"{WORK}/imports/*", f"{WORK}/imports/0750001A/abcdefgh/timetable.xml", True),  # * crosses "/"
        (f"{WORK}/imports/*/timetable.xml", f"{WORK}/imports/0750001A/abcdefgh/plan.json", False),
        (f"{WORK}/imports/*", f"{WORK}/reports/0750001A/abcdefgh/unmatched.json", False),
        (f"{WORK}/imports/*", WORK, False),  # the objects, not the bucket
        (f"{WORK}/state/????????.json", f"{WORK}/state/0750001A.json", True),
        (f"{WORK}/state/[0-9]*", f"{WORK}/state/0750001A.json", False),  # brackets are plain characters
    ],
)
def test_resources_match_with_star_and_question_mark_only(pattern: str, value: str, *, matches: bool) -> None:
    assert iam_matches(pattern, value) is matches


def test_actions_match_without_case_and_resources_with_it() -> None:
    assert iam_matches("s3:getobject", "s3:GetObject", case_sensitive=False)
    assert not iam_matches(f"{WORK}/Imports/*", f"{WORK}/imports/x")
