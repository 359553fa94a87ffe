"""An administrator's answers in the console, clicked through to their effect: the re-keying panel's confirmation
(the next import asks no more) and the held import's approval (it runs again until « Fait », deleting what it
showed). The imports themselves are made through the API, as the manual import's own test clicks that path."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from msgspec import Struct
from playwright.sync_api import expect

from edt_import.domain.plan import ActionType
from tests.browser.conftest import Console
from tests.support.admin_http import AdminClient
from tests.support.served_stack import GeneratedSchool, ServedStack, generate_school
from tests.support.wizard_exports import resealed_export

IMPORT_TIMEOUT_MS = 300_000  # the whole pipeline on the local stack, on a busy 2-core machine


class AnsweringSchool(Struct, frozen=True):
    """A school of its own (its history is this test's), its exports sealed for the stack's partner key."""

    admin: AdminClient
    generated: GeneratedSchool
    stack_key: GeneratedSchool

    def export(self, rekeyed_teachers: int = 0) -> bytes:
        return resealed_export(
            self.generated.export.read_bytes(),
            opened_with=self.generated.key,
            sealed_for=self.stack_key.key,
            rekeyed_teachers=rekeyed_teachers,
        )


@pytest.fixture(scope="module")
def answering(stack: ServedStack, school: GeneratedSchool, tmp_path_factory: pytest.TempPathFactory) -> AnsweringSchool:
    generated = generate_school(tmp_path_factory.mktemp("answering-school"), seed=43)
    stack.add_establishment(generated, key=school.key)
    admin = AdminClient(base_url=stack.url, uai=generated.uai, token=stack.token(generated.uai))
    return AnsweringSchool(admin=admin, generated=generated, stack_key=school)


def test_console_rekey_and_held_panels_confirm_and_approve_through_to_their_effect(
    console: Callable[..., Console], answering: AnsweringSchool
) -> None:
    admin, uai = answering.admin, answering.admin.uai
    # Given the school imported once, then its export after a Pronote reinstallation, waiting at its wizard
    assert admin.imported(answering.export())["status"] == "done"
    rekeying = admin.at_wizard(answering.export(rekeyed_teachers=2))
    count = admin.detail(rekeying)["rekey"]["count"]
    assert count >= 1  # the re-keyed teachers the directory knows
    tab = console()
    page = tab.page
    tab.sign_in(admin.token, route=f"/{uai}/history/{rekeying}")
    panel = page.locator("#rekey-panel")
    expect(panel).to_contain_text("Identifiants Pronote (IDPN) changés")
    expect(panel).to_contain_text(f"{count} compte(s) concerné(s)")
    tab.shoot("1-reidentification")
    # When the administrator confirms the change of identifiers
    panel.get_by_role("button", name="Confirmer le changement d’identifiants").click()
    # Then the console says so, and the import holds the confirmation
    expect(page.locator("#main")).to_contain_text("Changement d’identifiants confirmé.")
    expect(panel.locator("#rekey-state")).to_contain_text("les prochains imports connaissent ces personnes")
    expect(panel.get_by_role("button")).to_have_count(0)
    assert admin.detail(rekeying)["rekey"] == {"count": count, "confirmed": True}
    # and the wizard's own panel, on its users step, says it is confirmed rather than asking again
    tab.go(f"/{uai}/imports/{rekeying}/users")
    expect(page.locator("#main h1")).to_have_text("Sélection des utilisateurs : enseignants et élèves")
    wizard_panel = page.locator("#rekey-panel")
    expect(wizard_panel.locator("#rekey-state")).to_contain_text("les prochains imports connaissent ces personnes")
    expect(wizard_panel.get_by_role("button")).to_have_count(0)
    assert admin.launch(rekeying)["status"] == "done"

    # Given the same export again, now keeping one subject only: nothing to re-key, and held by the deletion guard
    held = admin.at_wizard(answering.export(rekeyed_teachers=2))
    assert admin.detail(held)["rekey"] is None
    admin.keep_one_subject(held)
    hold = admin.launch(held)["plan"]["hold"]
    tab.go(f"/{uai}/history/{held}")
    held_panel = page.locator("#held-panel")
    expect(held_panel).to_contain_text("trop de cours supprimés")
    expect(page.locator("#held-courses li")).to_have_count(len(hold["deleted_courses"]))
    expect(page.locator("#rekey-panel")).to_have_count(0)
    tab.shoot("2-import-bloque")
    # When the administrator approves it
    held_panel.get_by_role("button", name="Approuver l’import").click()
    # Then it goes on by itself until « Fait », having deleted exactly the courses it showed
    expect(page.locator("#main")).to_contain_text("Import approuvé : il reprend.")
    expect(page.locator("#import-facts")).to_contain_text("Fait", timeout=IMPORT_TIMEOUT_MS)
    expect(page.locator("#held-panel")).to_have_count(0)
    tab.shoot("3-import-approuve")
    done = admin.detail(held)
    assert (done["status"], done["attempt"]) == ("done", 2)
    assert done["sync"]["by_type"][ActionType.DELETE_COURSE]["succeeded"] == hold["deleted_courses_count"]
