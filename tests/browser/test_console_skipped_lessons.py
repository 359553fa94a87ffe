"""The summary of an import planned before its lessons not imported were kept: the counts per reason, and a hint
that the detailed list is not kept (the API answers 404 for it), never an error panel or a download that fails."""

from __future__ import annotations

import json
from collections.abc import Callable

from playwright.sync_api import Route, expect

from tests.browser.conftest import Console
from tests.support.served_stack import GeneratedSchool, ServedStack

IMPORT_ID = "b" * 32


def test_console_summary_without_a_kept_lesson_list_shows_the_counts_and_says_the_list_is_not_kept(
    console: Callable[..., Console], stack: ServedStack, school: GeneratedSchool
) -> None:
    # Given an import whose summary counts lessons not imported, but whose list the API no longer has
    tab = console()
    detail: dict[str, object] = {
        "import_id": IMPORT_ID,
        "kind": "manual",
        "status": "done",
        "status_label": "Fait",
        "created_at": "2027-05-03T06:00:00Z",
        "finished_at": "2027-05-03T06:05:00Z",
        "queue_position": None,
        "lessons_not_imported": {"total": 3, "by_reason": {"class_part_only": 3, "not_selected": 0}},
        "warnings": [],
    }
    not_found = {"code": "not_found", "message": "The lessons not imported of this import are not kept."}

    def answer(route: Route) -> None:
        kept = not route.request.url.split("?")[0].endswith("/skipped-lessons")
        body = detail if kept else not_found
        route.fulfill(status=200 if kept else 404, content_type="application/json", body=json.dumps(body))

    tab.page.route(f"**/establishments/{school.uai}/imports/{IMPORT_ID}**", answer)
    # When the administrator opens its summary
    tab.sign_in(stack.token(school.uai), f"/{school.uai}/history/{IMPORT_ID}")
    # Then the count per reason shows, with a hint that the list is not kept, and no error or download
    group = tab.page.locator("#lessons-not-imported section[data-reason='class_part_only'] h3")
    expect(group).to_have_text(
        "3 séance(s) : elle n’a qu’une partie de classe : mettez la partie de classe dans un groupe"
    )
    expect(tab.page.locator("#lessons-not-kept")).to_have_text(
        "La liste détaillée de ces séances n’est pas conservée pour cet import."
    )
    expect(tab.page.get_by_role("alert")).to_have_count(0)
    expect(tab.page.locator("#download-skipped-lessons")).to_have_count(0)
    expect(tab.page.locator("#lessons-not-imported section[data-reason='not_selected']")).to_have_count(0)
