"""Headless Chromium: a worker assesses a person, sees the classification with its reason and
the comparison with last time, a danger answer escalates and the manager acknowledges it; the
pages pass axe-core."""

from __future__ import annotations

from datetime import date

import pytest

from .factories import OUTING_NARROW, SAFE, assess, k6, make_case

pytestmark = pytest.mark.browser


def test_worker_assesses_and_the_manager_acknowledges_the_risk(
    page, sign_in, axe_check, worker1, manager1, center1
):
    case = make_case(worker1, center1)
    assess(
        worker1, case, {"safety": SAFE, "outing": OUTING_NARROW, "k6": k6(9)}, on=date(2025, 4, 1)
    )

    sign_in(worker1, next_url=f"/cases/{case.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="新しいアセスメント", exact=True).click()
    axe_check(page)
    safety = page.get_by_role("region", name="安全の確認")
    safety.get_by_role("group", name="死にたい気持ちや、自分を傷つける考え").get_by_label(
        "最近ある・今ある"
    ).check()
    safety.get_by_role("group", name="家の中での暴力").get_by_label("ないと確かめた").check()
    outing = page.get_by_role("region", name="外出状況と期間")
    outing.get_by_label("ふだんは家にいるが、自分の趣味に関する用事のときだけ外出する").check()
    outing.get_by_label("年", exact=True).fill("1")
    outing.get_by_label("か月", exact=True).fill("3")
    outing.get_by_label("上のいずれでもない（ほかの病気やきっかけを含む）").check()
    outing.get_by_label("していない", exact=True).check()
    outing.get_by_label("どちらでもない").check()
    outing.get_by_label("ほとんど会話しなかった").check()
    k6_region = page.get_by_role("region", name="心理的苦痛（K6）")
    for item, answer in (
        ("神経が張りつめている感じ", "2：ときどき"),
        ("先に希望が持てない感じ", "2：ときどき"),
        ("じっとしていられない落ち着かなさ", "1：まれに"),
        ("気分が沈んで晴れない感じ", "2：ときどき"),
        ("何をするにも大きな労力がいる感じ", "1：まれに"),
        ("自分には値打ちがないと感じること", "1：まれに"),
    ):
        # The grid's radios are named by their item and their point.
        k6_region.get_by_label(f"{item}：{answer}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="完了する").click()

    main = page.locator("main").inner_text()
    assert "アセスメントを完了しました。" in main
    assert "準ひきこもりの状態" in main
    assert "1年3か月続いています（6か月以上）" in main
    assert "診断ではありません" in main
    assert "前回（2025-04-01）との比較" in main
    assert "区分：狭義のひきこもりの状態 → 準ひきこもりの状態" in main
    assert "今日、本人が安全に過ごせるかを本人または家族と確かめる" in main
    assert page.get_by_role("alert").filter(has_text="安全にかかわる回答").count() == 1
    axe_check(page)

    with page.expect_navigation():
        page.get_by_role("link", name="このケースのアセスメント一覧へ").click()
    assert (
        page.get_by_role("img", name="心理的苦痛（K6）の合計点の推移（範囲 0〜24点）").count() == 1
    )
    axe_check(page)

    page.context.clear_cookies()
    sign_in(manager1)
    home = page.get_by_role("region", name="確認を待っているリスクの報告")
    assert case.person.display_name in home.inner_text()
    with page.expect_navigation():
        home.get_by_role("link", name="確認する").click()
    axe_check(page)
    page.get_by_label("確認時のメモ").fill("担当と本日中に電話で確認")
    with page.expect_navigation():
        page.get_by_role("button", name="確認しました").click()
    assert "リスクの報告を確認済みにしました。" in page.locator("main").inner_text()
    assert page.get_by_role("region", name="確認を待っているリスクの報告").count() == 0


def test_a_draft_keeps_its_answers_and_errors_are_tied_to_fields(
    page, sign_in, axe_check, worker1, center1
):
    case = make_case(worker1, center1)
    sign_in(worker1, next_url=f"/assessments/case/{case.pk}/new/")
    k6_region = page.get_by_role("region", name="心理的苦痛（K6）")
    k6_region.get_by_label("神経が張りつめている感じ：3：しばしば").check()
    with page.expect_navigation():
        page.get_by_role("button", name="完了する").click()
    # Completing a half-filled K6 is refused, naming each missing item.
    missing = page.locator("[aria-invalid=true]")
    assert missing.count() >= 5
    assert "完了するには、この項目に答えてください。" in page.locator("main").inner_text()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="下書き保存").click()
    assert "下書きを保存しました。" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="続きを入力する").click()
    checked = page.get_by_label("神経が張りつめている感じ：3：しばしば")
    assert checked.is_checked()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_form_fits_the_screen_and_the_navigation_leads_to_each_instrument(
    page, sign_in, axe_check, worker1, center1, width
):
    case = make_case(worker1, center1)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(worker1, next_url=f"/assessments/case/{case.pk}/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    nav = page.get_by_role("navigation", name="尺度の一覧（選ぶとその尺度へ移ります）")
    nav.get_by_role("link", name="心理的苦痛（K6）").click()
    assert page.url.endswith("#h-k6")
    grid = page.get_by_role("region", name="心理的苦痛（K6）").get_by_role("table")
    assert grid.count() == 1
    grid.get_by_label("気分が沈んで晴れない感じ：4：ほぼずっと").check()
    axe_check(page)
