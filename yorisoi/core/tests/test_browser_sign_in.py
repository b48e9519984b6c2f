"""Headless Chromium: a support worker signs in and finds their way by keyboard."""

from __future__ import annotations

import pytest

from yorisoi.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_worker1_signs_in_through_the_form_and_reaches_home(page, live_server, worker1):
    page.goto("/")
    # Signed out, the home page sends them to the login form and back afterwards.
    assert "/accounts/login/" in page.url
    page.get_by_label("ユーザー名").fill("worker1")
    page.get_by_label("パスワード").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()

    assert page.url == f"{live_server.url}/"
    assert page.locator("h1").inner_text() == "worker1 さんのホーム"
    assert page.get_by_role("button", name="ログアウト").is_visible()


def test_wrong_password_keeps_the_worker_on_the_form_with_a_message(page, worker1):
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill("worker1")
    page.get_by_label("パスワード").fill("not-the-password")
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").inner_text().startswith("ユーザー名またはパスワード")
    assert page.get_by_label("ユーザー名").input_value() == "worker1"


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, sign_in, worker1):
    sign_in(worker1)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className, text: document.activeElement.innerText,"
        " outline: getComputedStyle(document.activeElement).outlineStyle})"
    )
    assert focused["cls"] == "skip-link"
    assert focused["text"] == "本文へ移動"
    assert focused["outline"] != "none"  # focus is visible
    assert page.locator(".skip-link").is_visible()

    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_sign_in_works_with_the_keyboard_alone(page, worker1):
    page.goto("/accounts/login/")
    # The username field has focus when the page opens.
    page.keyboard.type("worker1")
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "worker1 さんのホーム"


def test_language_switch_keeps_the_page(page, sign_in, worker1):
    sign_in(worker1)
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Home of worker1"
    with page.expect_navigation():
        page.get_by_role("button", name="日本語").click()
    assert page.locator("h1").inner_text() == "worker1 さんのホーム"
