"""A whole manual import through the console, as an administrator clicks it: sign-in from the URL fragment, the
export sent through the presigned form with a progress bar, every wizard screen (a subject disabled), the launch,
the history refreshing by itself until « Fait », the import's summary, the unrecognised accounts' file and the
lessons not imported, listed by reason (in French and in English) and as a text file."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import NARROW, Console
from tests.support.served_stack import GeneratedSchool, ServedStack

IMPORT_TIMEOUT_MS = 300_000  # the whole pipeline on the local stack, on a busy 2-core machine


def _next(page: Page, label: str = "Suivant") -> None:
    page.get_by_role("button", name=label, exact=True).click()


def test_console_manual_import_goes_through_every_screen_until_done(
    console: Callable[..., Console], stack: ServedStack, school: GeneratedSchool
) -> None:
    # Given an administrator of the generated school, signed in as the hosted UI returns them
    tab = console()
    page = tab.page
    tab.sign_in(stack.token(school.uai))
    # Then the token left the address bar and lives in this tab's session only
    assert "id_token" not in page.url
    assert page.evaluate("sessionStorage.getItem('edt-import.id_token')")
    assert page.evaluate("localStorage.getItem('edt-import.id_token')") is None
    expect(page.get_by_role("heading", level=1)).to_have_text("Import Manuel")
    tab.shoot("1-import-manuel")

    # When they add the export with « Ajouter un fichier » and send it with « importer »
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Ajouter un fichier").click()
    chooser.value.set_files(str(school.export))
    expect(page.locator("#export-file-name")).to_contain_text("export.xml")
    page.get_by_role("button", name="importer", exact=True).click()

    # Then the progress bar fills, and once the file is read the UAI summary shows whose export it is
    expect(page.locator("#upload-progress")).to_have_attribute("aria-valuetext", "100 %")
    page.wait_for_url(re.compile(r"#/[0-9A-Z]+/imports/[^/]+/summary$"), timeout=IMPORT_TIMEOUT_MS)
    import_id = page.url.split("/imports/")[1].split("/")[0]
    summary = page.locator("#uai-summary")
    expect(summary).to_contain_text(f"{school.uai} — conforme à l’établissement choisi")
    expect(summary).to_contain_text("PRONOTE")
    tab.shoot("2-verification-uai")

    # When, on the subjects screen, two unknown subjects are added to the referential and one subject disabled
    _next(page)
    expect(page.locator("#subjects tbody tr").first).to_be_visible()
    unknown = page.locator("#subjects tbody tr[data-state='unknown']")
    added = [unknown.nth(i).get_attribute("data-code") for i in (1, 2)]
    added_labels = [unknown.nth(i).locator("th").inner_text() for i in (1, 2)]
    for label in added_labels:
        page.get_by_role("button", name=f"Ajouter : {label}", exact=True).click()
    row = page.locator("#subjects tbody tr[data-state='unknown']").first
    subject = row.locator("th").inner_text()
    code = row.get_attribute("data-code")
    page.get_by_role("button", name=f"Désactiver : {subject}", exact=True).click()
    # Then the disabled one turns red and says so in words, the added ones green
    disabled_row = page.locator(f"#subjects tbody tr[data-code='{code}']")
    expect(disabled_row).to_have_attribute("data-state", "disabled")
    expect(disabled_row).to_have_class("row-off")
    expect(disabled_row).to_contain_text("Désactivée")
    for added_code in added:
        expect(page.locator(f"#subjects tbody tr[data-code='{added_code}']")).to_contain_text("Ajoutée au référentiel")
    tab.shoot("3-matieres", full_page=False)

    # And the classes can all be switched off and on again
    _next(page)
    classes = page.locator("#classes tbody tr")
    expect(classes.first).to_be_visible()
    total = classes.count()
    page.get_by_role("button", name="Tout désactiver").click()
    expect(page.locator("#classes tbody tr[data-state='off']")).to_have_count(total)
    page.get_by_role("button", name="Tout activer").click()
    expect(page.locator("#classes tbody tr[data-state='on']")).to_have_count(total)
    tab.shoot("4-classes")

    _next(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sélection des groupes")
    tab.shoot("5-groupes")

    # Then the courses of the disabled subject are off, the others on
    _next(page)
    expect(page.locator("#courses tbody tr").first).to_be_visible()
    expect(page.locator(f"#courses tbody tr[data-subject='{code}'][data-state='on']")).to_have_count(0)
    assert page.locator(f"#courses tbody tr[data-subject='{code}']").count() > 0
    enabled_courses = page.locator("#courses tbody tr[data-state='on']").count()
    assert enabled_courses > 0
    tab.shoot("6-cours")
    # And the subjects added are in the referential now: recognised, green
    page.get_by_role("link", name="2. Matières").click()
    for added_code in added:
        expect(page.locator(f"#subjects tbody tr[data-code='{added_code}']")).to_have_attribute(
            "data-state", "recognised"
        )
    expect(page.locator(f"#subjects tbody tr[data-code='{code}']")).to_have_attribute("data-state", "disabled")
    for _ in range(3):
        _next(page)
    expect(page.locator("#courses tbody tr[data-state='on']")).to_have_count(enabled_courses)

    # When the selection is validated, the users screen counts who was recognised
    _next(page, "Valider")
    counts = page.locator("#user-counts")
    expect(counts).to_be_visible()
    unmatched = int(counts.locator("dd").nth(2).inner_text())
    assert int(counts.locator("dd").nth(0).inner_text()) > 0
    assert int(counts.locator("dd").nth(1).inner_text()) > 0
    tab.shoot("7-utilisateurs")
    # And the unrecognised accounts come as a text file: a header line, then one account a line
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger la liste des comptes non reconnus (.txt)").click()
    assert download.value.suggested_filename == f"comptes-non-reconnus-{school.uai}-{import_id}.txt"
    lines = download.value.path().read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:3] == ["rôle", "nom", "prénom"]
    assert len(lines) == 1 + unmatched
    assert all(len(line.split("\t")) == len(lines[0].split("\t")) for line in lines)

    # When the import is launched, the history follows it by itself until « Fait »
    _next(page, "Lancer l’import")
    expect(page.get_by_role("heading", level=1)).to_have_text("Historique des imports")
    line = page.locator(f"#history tbody tr[data-import-id='{import_id}']")
    expect(line).to_have_attribute("data-status", "done", timeout=IMPORT_TIMEOUT_MS)
    expect(line).to_contain_text("Fait")
    expect(line).to_contain_text("Manuel")
    tab.shoot("8-historique", full_page=False)

    # Then its line opens its summary: the actions that succeeded per kind, none in error
    line.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Récapitulatif de l’import")
    created = page.locator("#action-counts tr[data-type='create_course'] td").first
    assert int(created.inner_text()) == enabled_courses  # the disabled subject's courses were left out
    synchronised = page.locator("#import-facts dt", has_text="Cours synchronisés").locator("xpath=following::dd[1]")
    expect(synchronised).to_have_text(str(enabled_courses))
    for errors in page.locator("#action-counts tbody tr td:nth-child(3)").all_inner_texts():
        assert errors == "0"
    expect(page.locator("#account-counts")).to_be_visible()
    tab.shoot("9-recapitulatif")
    # And the lessons not imported are listed by reason: those with class parts alone, those of the disabled subject
    lessons = page.locator("#lessons-not-imported")
    part_only = lessons.locator("section[data-reason='class_part_only']")
    expect(part_only.locator("h3")).to_contain_text("elle n’a qu’une partie de classe")
    part_only_count = int(part_only.locator("h3").inner_text().split(" ")[0])
    expect(part_only.locator("tbody tr")).to_have_count(part_only_count)
    expect(part_only.locator("tbody tr").first).to_contain_text("partie de classe")
    off = lessons.locator("section[data-reason='not_selected']")
    expect(off.locator("h3")).to_contain_text("ses cours sont désactivés, ou n’étaient pas sélectionnés")
    off_rows = off.locator("tbody tr").all_inner_texts()
    assert off_rows
    for text in off_rows:
        assert subject in text
        assert re.search(r"n° \d+\s+\w+\s+\d{2}:\d{2}", text), text
    shown = lessons.locator("tbody tr").count()
    tab.shoot("9-seances-non-importees")
    # And the whole list comes as a text file: a header line, then one lesson a line
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger la liste des séances non importées (.txt)").click()
    assert download.value.suggested_filename == f"seances-non-importees-{school.uai}-{import_id}.txt"
    lines = download.value.path().read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:4] == ["séance", "motif", "jour", "heure"]
    assert len(lines) == 1 + shown
    # And in English, the same list says so in English
    page.get_by_label("Langue").select_option("en")
    expect(part_only.locator("h3")).to_contain_text("it only has a class part: put the class part in a group")
    expect(page.get_by_role("heading", name="Lessons not imported")).to_be_visible()
    expect(part_only.locator("tbody tr")).to_have_count(part_only_count)
    page.get_by_label("Language").select_option("fr")

    # And now that a manual import has completed, automatic imports are accepted
    page.get_by_role("link", name="Import automatique").click()
    expect(page.locator("#auto-import-status")).to_contain_text("Les imports automatiques sont acceptés.")

    # And the same screens fit a 390 px phone without sideways scrolling
    phone = console(NARROW)
    phone.sign_in(stack.token(school.uai), f"/{school.uai}/history/{import_id}")
    expect(phone.page.locator("#action-counts")).to_be_visible()
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    phone.shoot("9-recapitulatif")
    phone.go(f"/{school.uai}/history")
    expect(phone.page.locator(f"#history tbody tr[data-import-id='{import_id}']")).to_contain_text("Fait")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    phone.shoot("8-historique")
