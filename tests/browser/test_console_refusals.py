"""What the console says when it cannot do something: a sentence and a stable code, never a blank screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from msgspec import Struct
from playwright.sync_api import expect

from tests.browser.conftest import Console
from tests.support.served_stack import GeneratedSchool, ServedStack

NOT_ADMINISTERED = "Vous n’administrez pas cet établissement."


def test_console_sign_in_for_another_establishment_is_told_it_does_not_administer_this_one(
    console: Callable[..., Console], stack: ServedStack, school: GeneratedSchool
) -> None:
    # Given an administrator of another establishment
    tab = console()
    tab.sign_in(stack.token("0930002B"))
    # When they ask for the school's history
    tab.page.get_by_role("link", name="Historique des imports").click()
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Historique des imports")
    tab.page.get_by_label("Établissement (code UAI)").fill(school.uai.lower())
    tab.page.get_by_role("button", name="Choisir").click()
    # Then the console says, in a sentence and with the code, that they do not administer it
    alert = tab.page.get_by_role("alert")
    expect(alert).to_contain_text(NOT_ADMINISTERED)
    expect(alert).to_contain_text("Code : forbidden_establishment")
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Historique des imports")
    # And it offers the establishment they do administer
    expect(tab.page.get_by_role("link", name="0930002B")).to_be_visible()
    tab.shoot("403")


class RefusedExport(Struct, frozen=True):
    path: Path
    code: str
    sentence: str


@pytest.fixture(params=["key_mismatch", "uai_mismatch"])
def refused_export(
    request: pytest.FixtureRequest, school: GeneratedSchool, other_school: GeneratedSchool
) -> RefusedExport:
    """For the second school: its own export, sealed for a key the ENT does not hold; or the first school's."""
    if request.param == "key_mismatch":
        return RefusedExport(other_school.export, "key_mismatch", "n’a pas été chiffré avec la clé partagée")
    return RefusedExport(school.export, "uai_mismatch", "Ce fichier concerne un autre établissement.")


def test_console_refused_file_is_shown_with_its_code(
    console: Callable[..., Console], stack: ServedStack, other_school: GeneratedSchool, refused_export: RefusedExport
) -> None:
    # Given an administrator of the second school, who picks an export the ENT must refuse
    tab = console()
    tab.sign_in(stack.token(other_school.uai))
    with tab.page.expect_file_chooser() as chooser:
        tab.page.get_by_role("button", name="Ajouter un fichier").click()
    chooser.value.set_files(str(refused_export.path))
    # When it is sent
    tab.page.get_by_role("button", name="importer", exact=True).click()
    # Then the console says the file was refused, why, and with which code
    alert = tab.page.get_by_role("alert")
    expect(alert).to_have_attribute("data-error-code", refused_export.code, timeout=120_000)
    expect(alert).to_contain_text(refused_export.sentence)
    expect(alert).to_contain_text(f"Code : {refused_export.code}")
    expect(tab.page.locator("#import-state")).to_have_text("Le fichier a été refusé.")
    tab.shoot(f"fichier-refuse-{refused_export.code}")


def test_console_not_an_export_is_refused_with_its_code(
    console: Callable[..., Console], stack: ServedStack, other_school: GeneratedSchool, tmp_path: Path
) -> None:
    # Given a file that is not a timetable export
    notes = tmp_path / "notes.xml"
    notes.write_text("<?xml version='1.0' encoding='UTF-8'?><notes><note>3e B</note></notes>", encoding="utf-8")
    tab = console()
    tab.sign_in(stack.token(other_school.uai))
    with tab.page.expect_file_chooser() as chooser:
        tab.page.get_by_role("button", name="Ajouter un fichier").click()
    chooser.value.set_files(str(notes))
    # When it is sent, then it is refused in words, with its code
    tab.page.get_by_role("button", name="importer", exact=True).click()
    alert = tab.page.get_by_role("alert")
    expect(alert).to_be_visible(timeout=120_000)
    code = alert.get_attribute("data-error-code")
    assert code is not None
    expect(alert).to_contain_text(f"Code : {code}")
    assert alert.locator(".alert-sentence").inner_text().strip() not in {"", code}


def test_console_invalid_sign_in_asks_to_sign_in_again(
    console: Callable[..., Console], stack: ServedStack, school: GeneratedSchool
) -> None:
    # Given a token the API does not accept (its signature broken: as an expired or forged one)
    tab = console()
    token = stack.token(school.uai)
    tab.sign_in(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    # Then the console drops it and asks to sign in again, with the code
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Connexion")
    alert = tab.page.get_by_role("alert")
    expect(alert).to_contain_text("reconnectez-vous")
    expect(alert).to_contain_text("Code : unauthorized")
    assert tab.page.evaluate("sessionStorage.getItem('edt-import.id_token')") is None
    tab.shoot("connexion-expiree")
