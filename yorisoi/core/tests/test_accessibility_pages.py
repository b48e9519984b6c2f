"""axe-core finds no serious or critical accessibility problems on the base pages."""

from __future__ import annotations

import pytest

from yorisoi.core.tests.browser import axe_violations

pytestmark = pytest.mark.browser


def test_axe_check_catches_a_known_problem(page):
    # So a passing check below means axe ran and found nothing, not that it never ran.
    page.set_content(
        '<html lang="ja"><body><main><img src="x.png"><input type="text"></main></body></html>'
    )
    found = {v["id"] for v in axe_violations(page, impacts={"serious", "critical"})}
    assert {"image-alt", "label"} <= found


def test_login_page(page, axe_check):
    page.goto("/accounts/login/")
    axe_check(page)


def test_login_page_showing_errors(page, axe_check, worker1):
    page.goto("/accounts/login/")
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()
    assert page.locator("[aria-invalid=true]").count() == 2
    # An invalid field is marked by more than the text: a red border (Red 900).
    border = page.locator("#id_username").evaluate("e => getComputedStyle(e).borderTopColor")
    assert border == "rgb(206, 0, 0)"
    axe_check(page)


def test_home_page(page, sign_in, axe_check, worker1):
    sign_in(worker1)
    axe_check(page)


def test_home_page_in_english(page, sign_in, axe_check, worker1):
    sign_in(worker1)
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    axe_check(page)


def test_not_found_page(page, sign_in, axe_check, worker1):
    sign_in(worker1)
    page.goto("/no-such-page/")
    axe_check(page)
