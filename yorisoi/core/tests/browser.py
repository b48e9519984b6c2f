"""Browser-test fixtures: Playwright driving Debian's headless Chromium against a live server.

yorisoi/conftest.py imports these fixtures, so any app's tests can use them:

    import pytest

    @pytest.mark.browser
    def test_worker_reaches_home(page, sign_in, worker1):
        sign_in(worker1)
        assert page.locator("h1").inner_text().endswith("さんのホーム")

`page` opens pages of pytest-django's `live_server` (relative URLs work: `page.goto("/")`), in
Japanese, with a fresh browser context per test. `axe_check(page)` runs axe-core on the page.

Every page the context opens is watched for Content-Security-Policy violations (the DOM's
`securitypolicyviolation` events and Chromium's console reports); any violation fails the test at
teardown. A test that provokes one on purpose reads and clears `csp_violations`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("YORISOI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-dev-shm-usage",
]
TIMEOUT_MS = 15_000
# axe-core impacts that fail a test; "moderate" and "minor" findings are reported, not fatal.
AXE_FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium per test process."""
    from playwright.sync_api import sync_playwright

    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run scripts/ensure-system-packages "
            "(or set YORISOI_CHROMIUM to its path)."
        )
    # Playwright's sync API keeps an event loop in this thread; Django would then refuse every
    # database call as "async unsafe", although the tests' code is plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        # While Playwright runs, this thread has an event loop, so Django keeps its database
        # connections in context-local storage; once it stops they would be unreachable and stay
        # open, and PostgreSQL would refuse to drop the test database at the end of the session.
        from django.db import connections

        connections.close_all()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Runs in every document before its own scripts (Playwright init scripts are not subject to the
# page's CSP) and reports each violation to the test through an exposed binding.
CSP_WATCH_SCRIPT = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__yorisoiCspViolation({
    page: document.location.href,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
  });
}, true);
"""


def assert_no_csp_violations(violations: list[str]) -> None:
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def csp_violations() -> list[str]:
    """What the browser reported as blocked by the Content-Security-Policy during this test."""
    return []


def _watch_csp(context, violations: list[str]) -> None:
    def on_event(source, v: dict) -> None:
        violations.append(
            f"{v['page']}: {v['directive']} blocked {v['blocked'] or '-'}"
            f" ({v['source'] or 'page'}:{v['line']})"
        )

    def on_console(message) -> None:
        if message.type in {"error", "warning"} and "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    context.expose_binding("__yorisoiCspViolation", on_event)
    context.add_init_script(CSP_WATCH_SCRIPT)
    context.on("console", on_console)


def flush_browser_events(page) -> None:
    """Reports travel to Python as events; one round trip delivers those already sent."""
    if page.is_closed():
        return
    try:
        page.evaluate("0")
    except Exception:  # noqa: S110 - a page mid-navigation or gone: its events have arrived
        pass


@pytest.fixture
def page(browser, live_server, csp_violations) -> Iterator:
    """A fresh page (own cookies) on the live server, Japanese locale, Tokyo time; fails the test
    on any Content-Security-Policy violation on any page it opened."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    _watch_csp(context, csp_violations)
    page = context.new_page()
    try:
        yield page
        for opened in context.pages:
            flush_browser_events(opened)
        assert_no_csp_violations(csp_violations)
    finally:
        context.close()


@pytest.fixture
def sign_in(page) -> Callable:
    """sign_in(user, password=TEST_PASSWORD): signs in through the real login form."""
    from yorisoi.conftest import TEST_PASSWORD

    def _sign_in(user, password: str = TEST_PASSWORD, next_url: str = "/") -> None:
        page.goto(f"/accounts/login/?next={next_url}")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(password)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()

    return _sign_in


def axe_violations(page, impacts=AXE_FAILING_IMPACTS) -> list[dict]:
    """Runs axe-core (WCAG 2.x A/AA rules and best practices) on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v.get("impact") in impacts]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


@pytest.fixture
def axe_check() -> Callable:
    """axe_check(page): fails the test when the page has serious or critical violations."""

    def _check(page) -> None:
        violations = axe_violations(page)
        assert not violations, f"{page.url}\n{format_violations(violations)}"

    return _check
