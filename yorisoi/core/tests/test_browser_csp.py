"""The Content-Security-Policy holds in a real browser: inline scripts and styles are blocked,
the suite's watcher notices (so any page with a violation fails its test), and htmx works."""

from __future__ import annotations

import pytest

from yorisoi.core.tests.browser import assert_no_csp_violations, flush_browser_events

pytestmark = pytest.mark.browser

INJECT_INLINE = """
() => {
  const script = document.createElement("script");
  script.textContent = "window.__inlineRan = true;";
  document.head.append(script);
  const style = document.createElement("style");
  style.textContent = "body { background: red; }";
  document.head.append(style);
  const image = document.createElement("img");
  image.src = "https://tracker.example.invalid/pixel.gif";
  document.body.append(image);
}
"""


def test_an_injected_inline_script_is_blocked_and_the_watcher_fails_the_test(page, csp_violations):
    page.goto("/accounts/login/")
    assert_no_csp_violations(csp_violations)  # our own login page is clean

    page.evaluate(INJECT_INLINE)
    page.wait_for_timeout(200)
    flush_browser_events(page)

    assert page.evaluate("window.__inlineRan") is None  # blocked, never ran
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    reported = "\n".join(csp_violations)
    assert "script-src" in reported
    assert "style-src" in reported
    assert "img-src blocked https://tracker.example.invalid/pixel.gif" in reported
    # What the page fixture runs at teardown would fail this test:
    with pytest.raises(AssertionError, match="Content-Security-Policy violations"):
        assert_no_csp_violations(csp_violations)
    csp_violations.clear()  # provoked on purpose; let the test pass


def test_htmx_swaps_fragments_under_the_policy(page, sign_in, worker1, center1):
    from yorisoi.cases.models import Case
    from yorisoi.people.models import Person

    person = Person.objects.create(family_name_kana="しーえすぴー", given_name_kana="たろう")
    Case.objects.create(person=person, center=center1, primary_worker=worker1)
    sign_in(worker1)
    page.goto("/people/")
    page.evaluate("window.__samePage = true")
    page.locator("#id_q").fill("しーえすぴー")
    # hx-trigger "input changed delay:400ms": the results arrive without a page load.
    page.locator("#search-results").get_by_text("しーえすぴー").first.wait_for()
    assert page.evaluate("window.__samePage") is True
    assert "q=" in page.url  # hx-push-url
