"""The automatic-import settings: why they are refused before a manual import, saved, read back, checked."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from tests.browser.conftest import NARROW, Console
from tests.support.served_stack import GeneratedSchool, ServedStack


def test_console_automatic_import_setting_is_saved_and_refusal_explained(
    console: Callable[..., Console], stack: ServedStack, other_school: GeneratedSchool
) -> None:
    # Given an establishment where no manual import has completed
    tab = console()
    tab.sign_in(stack.token(other_school.uai))
    tab.page.get_by_role("link", name="Import automatique").click()
    # Then the console says why automatic imports are refused, in words and with the code
    status = tab.page.locator("#auto-import-status")
    expect(status).to_contain_text("Les imports automatiques sont refusés. Aucun import manuel n’a encore abouti")
    expect(status).to_contain_text("Code : no_manual_import_yet")
    # When the administrator changes the settings and saves them
    tab.page.get_by_label("Accepter les imports automatiques").check()
    tab.page.get_by_label("Premier déclenchement (heure locale)").fill("08:00")
    tab.page.get_by_label("Intervalle minimal entre deux imports (heures, 4 au moins)").fill("6")
    tab.page.get_by_label("Imports par jour au maximum (4 au plus)").fill("3")
    tab.page.get_by_role("button", name="Enregistrer").click()
    # Then they are saved, and read back as saved
    expect(tab.page.get_by_role("status").filter(has_text="Réglages enregistrés.")).to_be_visible()
    tab.shoot("import-automatique")
    tab.page.reload()
    expect(tab.page.get_by_label("Intervalle minimal entre deux imports (heures, 4 au moins)")).to_have_value("6")
    expect(tab.page.get_by_label("Imports par jour au maximum (4 au plus)")).to_have_value("3")
    expect(tab.page.get_by_label("Accepter les imports automatiques")).to_be_checked()


def test_console_automatic_import_interval_below_four_hours_is_not_sent(
    console: Callable[..., Console], stack: ServedStack, other_school: GeneratedSchool
) -> None:
    tab = console()
    tab.sign_in(stack.token(other_school.uai), f"/{other_school.uai}/auto-import")
    interval = tab.page.get_by_label("Intervalle minimal entre deux imports (heures, 4 au moins)")
    interval.fill("2")
    tab.page.get_by_role("button", name="Enregistrer").click()
    # The browser's own check stops it and says why; nothing is saved
    assert interval.evaluate("input => input.validity.rangeUnderflow")
    expect(tab.page.locator("#auto-import-outcome")).to_be_empty()


def test_console_automatic_import_screen_fits_a_390_px_phone(
    console: Callable[..., Console], stack: ServedStack, other_school: GeneratedSchool
) -> None:
    tab = console(NARROW)
    tab.sign_in(stack.token(other_school.uai), f"/{other_school.uai}/auto-import")
    expect(tab.page.locator("#auto-import-form")).to_be_visible()
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    tab.shoot("import-automatique")
