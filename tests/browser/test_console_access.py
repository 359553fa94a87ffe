"""The console for everyone: English when asked, every control by keyboard, a 390 px phone."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from tests.browser.conftest import NARROW, Console
from tests.support.served_stack import GeneratedSchool, ServedStack


def test_console_speaks_english_when_asked_and_remembers_it(
    console: Callable[..., Console], stack: ServedStack, school: GeneratedSchool
) -> None:
    tab = console()
    tab.sign_in(stack.token(school.uai))
    tab.page.get_by_label("Langue").select_option("en")
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Manual import")
    expect(tab.page.get_by_role("button", name="Add a file")).to_be_visible()
    assert tab.page.evaluate("document.documentElement.lang") == "en"
    tab.page.reload()
    expect(tab.page.get_by_role("link", name="Import history")).to_be_visible()
    tab.shoot("english")


def test_console_controls_are_reached_by_keyboard_with_a_visible_focus(
    console: Callable[..., Console], stack: ServedStack, school: GeneratedSchool
) -> None:
    # Given the manual import screen
    tab = console()
    tab.sign_in(stack.token(school.uai))
    page = tab.page
    expect(page.get_by_role("button", name="Ajouter un fichier")).to_be_visible()
    expect(page.locator("#upload-progress")).to_be_hidden()  # no progress bar before a file is sent
    # When the administrator presses Tab from the top of the page
    reached = []
    for _ in range(20):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        if reached[-1] == "Ajouter un fichier":
            break
    # Then the skip link, the menu, then « Ajouter un fichier », are reached, with a focus ring drawn
    assert reached[0] == "Aller au contenu"
    assert "Historique des imports" in reached
    assert reached[-1] == "Ajouter un fichier"
    add_file = page.get_by_role("button", name="Ajouter un fichier")
    expect(add_file).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in {"none", ""}
    # And Enter activates it: the console asks for the file chooser by clicking its file input. That click is
    # waited for in the page, where it lands within the key press. The browser's chooser event, waited for
    # before, also depends on Playwright turning interception on without waiting and on the browser's
    # short-lived user activation, and it timed out once on a loaded machine. The chooser itself is driven
    # with the mouse in the manual import's tests.
    file_input = page.locator("#export-file")
    file_input.evaluate(
        "input => input.addEventListener('click', () => { input.dataset.asked = 'yes'; }, {once: true})"
    )
    page.keyboard.press("Enter")
    expect(file_input).to_have_attribute("data-asked", "yes")
    expect(add_file).to_be_focused()


def test_console_screens_fit_a_390_px_phone(
    console: Callable[..., Console], stack: ServedStack, school: GeneratedSchool
) -> None:
    tab = console(NARROW)
    tab.sign_in(stack.token(school.uai))
    for route, screen, ready in [
        (f"/{school.uai}/import", "import-manuel", "#add-file"),
        (f"/{school.uai}/history", "historique", "#refresh-history"),
    ]:
        tab.go(route)
        expect(tab.page.locator(ready)).to_be_visible()
        assert tab.page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], screen
        tab.shoot(screen)
