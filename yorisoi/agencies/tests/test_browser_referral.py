"""Headless Chromium: a worker records consent and refers a case to partner1's agency;
partner1 sees only that referral and the consented information, accepts it and reports the
outcome; the worker sees it on the case timeline; consent is withdrawn and partner1 no longer
sees the details."""

from __future__ import annotations

import re

import pytest

from yorisoi.agencies.models import Referral, ReferralStatus
from yorisoi.cases import services as cases_services

from .factories import consent_for, make_agency, refer

pytestmark = pytest.mark.browser


def _sign_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="ログアウト").click()


def test_consent_referral_outcome_and_withdrawal(
    page, sign_in, axe_check, worker1, partner1, agency, case_c1
):
    cases_services.plan_version_create(
        user=worker1, case=case_c1, data={"goals": "朝型の生活に戻したい"}
    )
    # Another agency's referral of the same case, which partner1 must never see.
    clinic = make_agency("こころの診療所", kind="medical")
    consent_for(worker1, case_c1, agency=clinic)
    elsewhere = refer(worker1, case_c1, clinic, request="通院先のご相談")

    # The worker records the consent from the case page ...
    sign_in(worker1, next_url=f"/cases/{case_c1.pk}/")
    section = page.locator("#agencies-section")
    with page.expect_navigation():
        section.get_by_role("link", name="同意を記録").click()
    axe_check(page)
    page.get_by_label("提供先").select_option(label="しごとサポートみなと")
    page.get_by_label("氏名・連絡先").check()
    page.get_by_label("相談の概要").check()
    page.get_by_label("目的").fill("就労準備支援の利用を始めるため")
    with page.expect_navigation():
        page.get_by_role("button", name="同意を記録").click()
    assert "同意を記録しました。" in page.locator(".messages").inner_text()

    # ... and refers the case to partner1's agency.
    with page.expect_navigation():
        page.locator("#agencies-section").get_by_role("link", name="紹介・引継ぎを依頼").click()
    axe_check(page)
    page.get_by_label("紹介先の機関").select_option(label="しごとサポートみなと")
    page.get_by_label("氏名・連絡先").check()
    page.get_by_label("相談の概要", exact=True).check()
    page.get_by_label("依頼内容").fill("週1回の作業体験についてご相談させてください。")
    page.get_by_label("本人の状況（相談の概要）").fill("夕方なら外出できるようになりました。")
    with page.expect_navigation():
        page.get_by_role("button", name="依頼する").click()
    referral = Referral.objects.get(agency=agency)
    assert page.url.endswith(referral.get_absolute_url())
    _sign_out(page)

    # partner1 sees only that referral, and only what was agreed.
    sign_in(partner1)
    home = page.locator("main").inner_text()
    assert f"紹介 {referral.pk}" in home and f"紹介 {elsewhere.pk}" not in home
    page.goto("/agencies/referrals/?status=")
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    with page.expect_navigation():
        rows.first.get_by_role("link").click()
    axe_check(page)
    main = page.locator("main").inner_text()
    assert "090-1111-2222" in main and "夕方なら外出できるようになりました。" in main
    assert "朝型の生活に戻したい" not in main  # the plan was not agreed
    assert "通院先のご相談" not in main
    assert page.goto(f"/cases/{case_c1.pk}/").status == 404
    assert page.goto(elsewhere.get_absolute_url()).status == 404

    page.goto(referral.get_absolute_url())
    with page.expect_navigation():
        page.get_by_role("button", name="受理する").click()
    assert "紹介を「受理」にしました。" in page.locator(".messages").inner_text()
    page.get_by_label(re.compile("結果（どのような支援につながったか）")).fill(
        "週1回の作業体験を始めました。"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="結果を報告して完了にする").click()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.COMPLETED
    _sign_out(page)

    # The worker sees the outcome on the case timeline, and withdraws the consent.
    sign_in(worker1, next_url=f"/cases/{case_c1.pk}/")
    timeline = page.locator("#h-timeline").locator("..").inner_text()
    assert "週1回の作業体験を始めました。" in timeline
    assert "しごとサポートみなと（partner1）" in timeline
    with page.expect_navigation():
        page.locator("#agencies-section").get_by_role(
            "link", name=re.compile("撤回を記録.*しごとサポートみなと")
        ).click()
    page.get_by_label("撤回の内容").fill("本人から電話で撤回の申し出")
    with page.expect_navigation():
        page.get_by_role("button", name="撤回を記録").click()
    _sign_out(page)

    # partner1 no longer sees the details.
    sign_in(partner1, next_url=referral.get_absolute_url())
    main = page.locator("main").inner_text()
    assert "090-1111-2222" not in main and "夕方なら外出できるようになりました。" not in main
    assert "同意が撤回されたか期間が終わったため" in main


def test_network_pages_pass_axe(page, sign_in, axe_check, worker1, agency):
    sign_in(worker1, next_url="/agencies/")
    axe_check(page)
    for url in (
        f"/agencies/{agency.pk}/",
        "/agencies/referrals/",
        "/agencies/consultations/",
        "/agencies/consultations/new/",
        "/agencies/meetings/",
        "/agencies/meetings/new/",
        "/agencies/trainings/",
    ):
        page.goto(url)
        axe_check(page)
