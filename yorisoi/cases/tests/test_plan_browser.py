"""Headless Chromium: a worker writes a plan, revises it, compares the two versions; the
pages pass axe-core."""

from __future__ import annotations

import pytest

from .factories import make_case

pytestmark = pytest.mark.browser


def test_worker_writes_revises_and_compares_a_plan(page, sign_in, axe_check, worker1, center1):
    case = make_case(worker1, center1, person_data={"family_name": "山田", "given_name": "太郎"})
    sign_in(worker1, next_url=f"/cases/{case.pk}/plans/")
    with page.expect_navigation():
        page.get_by_role("link", name="支援プランを作る").click()
    axe_check(page)
    page.get_by_label("家族の言葉", exact=True).check()
    page.locator("#id_goals").fill("朝に起きられるようになりたい。")
    page.get_by_label("予定する支援").fill("月2回の訪問。")
    with page.expect_navigation():
        page.get_by_role("button", name="新しい版として保存").click()
    assert "支援プラン 第1版を保存しました。" in page.locator("main").inner_text()
    assert page.locator("[data-voice=family]").inner_text() == "家族の言葉"

    with page.expect_navigation():
        page.get_by_role("link", name="新しい版を作る").click()
    # The form opens with version 1's words, to be changed where they changed.
    assert page.locator("#id_goals").input_value() == "朝に起きられるようになりたい。"
    page.get_by_label("本人の言葉", exact=True).check()
    page.locator("#id_goals").fill("朝に起きて、散歩に行きたい。")
    with page.expect_navigation():
        page.get_by_role("button", name="新しい版として保存").click()
    axe_check(page)

    with page.expect_navigation():
        page.get_by_role("button", name="2つの版を比べる").click()
    assert "第1版と第2版の比較" in page.locator("main").inner_text()
    assert page.locator("ins").filter(has_text="散歩").count() == 1
    assert page.locator("del").filter(has_text="られる").count() == 1
    axe_check(page)


def test_plan_form_errors_are_tied_to_their_fields(page, sign_in, axe_check, worker1, center1):
    case = make_case(worker1, center1)
    sign_in(worker1, next_url=f"/cases/{case.pk}/plans/new/")
    page.get_by_label("合意した人").fill("本人")
    with page.expect_navigation():
        page.get_by_role("button", name="新しい版として保存").click()
    goals = page.locator("#id_goals")
    assert goals.get_attribute("aria-invalid") == "true"
    assert "目標を入力してください。" in page.locator("main").inner_text()
    axe_check(page)
