"""The console in a real headless Chromium (Debian's, through Playwright) against ``edt-import serve``.

One served stack and one browser per worker (the tests of this tier share the ``browser`` xdist group);
each test gets its own browser context, so sign-ins never leak between tests. Every screen a test looks at is
kept as a screenshot under ``test-artefacts/console/`` (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from msgspec import Struct
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright

from tests.support.served_stack import GeneratedSchool, ServedStack, generate_school, serve

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts" / "console"
# Late in the generated school year: the plans (events from the import date on) stay small and quick.
STACK_NOW = "2027-05-03T06:00:00+00:00"
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.hasplugin("xdist"):
        return
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install Debian's 'chromium' package (make chromium does).")
    with sync_playwright() as runner:
        yield runner


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedStack]:
    served = serve(tmp_path_factory.mktemp("edt-local"), now=STACK_NOW)
    yield served
    served.stop()


@pytest.fixture(scope="session")
def school(stack: ServedStack, tmp_path_factory: pytest.TempPathFactory) -> GeneratedSchool:
    """The establishment the manual import goes through: generated, then registered on the stack."""
    generated = generate_school(tmp_path_factory.mktemp("school"), seed=41)
    stack.add_establishment(generated)
    return generated


@pytest.fixture(scope="session")
def other_school(
    stack: ServedStack, school: GeneratedSchool, tmp_path_factory: pytest.TempPathFactory
) -> GeneratedSchool:
    """A second establishment, never imported (its automatic imports are still refused). The stack keeps one
    partner key, the ENT's: the first school's. This school's own export, sealed for another key, is refused."""
    generated = generate_school(tmp_path_factory.mktemp("other-school"), seed=42)
    stack.add_establishment(generated, key=school.key)
    return generated


class Console(Struct):
    """One browser tab on the console, its errors collected, its screens kept as screenshots."""

    page: Page
    base_url: str
    test_name: str
    page_errors: list[str]

    def sign_in(self, token: str, route: str = "") -> None:
        """Open the console as Cognito's hosted UI returns to it: the token in the fragment."""
        self.page.goto(f"{self.base_url}/#id_token={token}")
        self.page.wait_for_selector("#main h1")
        if route:
            self.go(route)

    def go(self, route: str) -> None:
        self.page.evaluate("route => { window.location.hash = route; }", route)

    def shoot(self, screen: str, *, full_page: bool = True) -> Path:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        width = self.page.viewport_size["width"] if self.page.viewport_size else 0
        path = ARTEFACTS / f"{self.test_name}--{screen}-{width}px.png"
        self.page.mouse.move(0, 0)  # no hover state in the picture
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


def _policy_refusals(message: ConsoleMessage) -> list[str]:
    """What the browser refused under the console's content security policy (served as CloudFront serves it)."""
    return [message.text] if message.type == "error" and "Content Security Policy" in message.text else []


@pytest.fixture
def console(browser: Browser, stack: ServedStack, request: pytest.FixtureRequest) -> Iterator[Callable[..., Console]]:
    contexts = []
    tabs: list[Console] = []

    def open_console(viewport: dict[str, int] = WIDE) -> Console:
        context = browser.new_context(viewport=viewport, accept_downloads=True, locale="fr-FR")  # type: ignore[arg-type]
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.extend(_policy_refusals(message)))
        # Playwright turns on file-chooser interception when a listener is added, without waiting for the browser:
        # listening from the start keeps a busy machine from opening the chooser before it is intercepted.
        page.on("filechooser", lambda _chooser: None)
        tab = Console(
            page=page, base_url=stack.url, test_name=request.node.name.removeprefix("test_"), page_errors=errors
        )
        tabs.append(tab)
        return tab

    yield open_console
    if request.node.stash.get(_FAILED, False):
        for tab in tabs:  # what the page showed when the test failed
            tab.shoot("echec")
    for tab in tabs:
        assert tab.page_errors == [], "the page raised errors or broke its content security policy"
    for context in contexts:
        context.close()
