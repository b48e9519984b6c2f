"""Headless Chromium: the quick intake by keyboard, the duplicate chooser (htmx), and axe."""

from __future__ import annotations

import re

import pytest

from yorisoi.cases.models import Case, Contact

from .factories import make_case

pytestmark = pytest.mark.browser


def test_intake_is_ready_to_type_and_submits_with_enter(page, sign_in, worker1):
    sign_in(worker1, next_url="/cases/intake/")
    assert page.evaluate("() => document.activeElement.id") == "id_method"
    page.locator("#id_summary").focus()
    page.keyboard.type("息子が8年間自室から出ない")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    case = Case.objects.get()
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert "氏名不詳" in page.locator("h1").inner_text()
    assert "受付を記録しました。" in page.locator(".messages").inner_text()
    assert Contact.objects.get().summary == "息子が8年間自室から出ない"


def test_choosing_the_person_from_the_duplicate_warning(page, sign_in, worker1, center1):
    existing = make_case(
        worker1,
        center1,
        person_data={"family_name_kana": "やまだ", "given_name_kana": "たろう", "age_band": "40s"},
    )
    sign_in(worker1, next_url="/cases/intake/")
    page.get_by_text("本人について分かること").click()
    page.get_by_label("姓（よみ）").fill("ヤマダ")
    page.get_by_label("名（よみ）").fill("タロウ")
    page.get_by_label("年代").select_option("40s")
    warning = page.locator("#intake-duplicates")
    warning.get_by_text("同じ方かもしれません").wait_for()
    warning.get_by_label(re.compile("やまだ たろう")).check()
    page.get_by_label("件名").fill("母より再度の電話")
    with page.expect_navigation():
        page.get_by_role("button", name="受付を記録").click()
    assert page.url.endswith(f"/cases/{existing.pk}/")
    assert Case.objects.count() == 1 and existing.contacts.count() == 2


def test_case_pages_pass_axe(page, sign_in, axe_check, worker1, center1):
    case = make_case(worker1, center1)
    sign_in(worker1, next_url="/cases/intake/")
    axe_check(page)
    for url in (
        f"/cases/{case.pk}/",
        "/cases/",
        f"/cases/{case.pk}/contacts/new/",
        f"/cases/{case.pk}/status/",
    ):
        page.goto(url)
        axe_check(page)
