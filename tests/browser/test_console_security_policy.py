"""The console under its content security policy, as CloudFront serves it: the local front sends template.yaml's
policy (its own origins filled in), and Chromium enforces it while every browser test runs."""

from __future__ import annotations

from collections.abc import Callable

from local_front.console_headers import console_headers
from local_front.session import read_stack_file

from tests.browser.conftest import Console
from tests.support.content_security_policy import console_headers_policy, directives
from tests.support.served_stack import GeneratedSchool, ServedStack

OUTSIDE = "http://127.0.0.2:9/"  # a host the policy does not name (never reached: the browser refuses first)
PROBE = """async url => {
  const refused = new Promise(resolve =>
    document.addEventListener("securitypolicyviolation", e => resolve(e.effectiveDirective), { once: true }));
  try { await fetch(url); } catch (error) { /* refused by the policy */ }
  return await refused;
}"""


def test_console_is_served_under_the_templates_policy_and_chromium_enforces_it(
    console: Callable[..., Console], stack: ServedStack, school: GeneratedSchool
) -> None:
    # Given the served console, its upload host being the local moto endpoint
    files = read_stack_file(stack.data_dir)
    assert files is not None
    expected = console_headers(console_headers_policy(), api_origin=stack.url, uploads_origin=files["moto_endpoint"])
    tab = console()
    # When its page is opened and signed in to
    response = tab.page.goto(f"{stack.url}/")
    assert response is not None
    tab.sign_in(stack.token(school.uai))
    # Then it came with CloudFront's policy, which lists the API and the uploads' hosts only
    policy = response.headers["content-security-policy"]
    assert policy == expected["Content-Security-Policy"]
    assert directives(policy)["connect-src"] == ("'self'", stack.url, files["moto_endpoint"])
    # And the browser enforces it: a connection to any other host is refused before it leaves
    assert tab.page.evaluate(PROBE, OUTSIDE) == "connect-src"
    refused = [e for e in tab.page_errors if OUTSIDE in e]
    assert refused  # Chromium reports it (twice: the policy, then fetch)
    tab.page_errors[:] = [e for e in tab.page_errors if e not in refused]  # the one refusal this test asked for
