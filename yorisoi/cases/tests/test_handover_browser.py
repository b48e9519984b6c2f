"""Headless Chromium: a manager hands a leaving worker's cases to a colleague, who then finds
them on their home page; both pages pass axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yorisoi.accounts.models import Role
from yorisoi.conftest import make_user

from .factories import make_case

pytestmark = pytest.mark.browser


def test_manager_hands_over_and_the_new_worker_sees_the_cases(
    page, sign_in, axe_check, manager1, worker1b, center1
):
    leaving = make_user(
        "leaving", (center1, Role.WORKER), leaving_on=timezone.localdate() + timedelta(days=10)
    )
    make_case(leaving, center1, person_data={"family_name": "山田", "given_name": "太郎"})
    make_case(leaving, center1, person_data={"family_name": "佐藤", "given_name": "花子"})

    sign_in(manager1, next_url="/cases/manage/")
    assert page.locator("h1").inner_text() == "センター管理：北部"
    axe_check(page)
    page.get_by_label("山田 太郎").check()
    page.get_by_label("佐藤 花子").check()
    page.get_by_label("新しい主担当").select_option(label="worker1b")
    page.get_by_label("引継ぎの理由").fill("退職のため")
    with page.expect_navigation():
        page.get_by_role("button", name="選んだケースを引き継ぐ").click()
    assert "2件のケースをworker1bさんに引き継ぎました。" in page.locator("main").inner_text()

    page.context.clear_cookies()
    sign_in(worker1b)
    new_list = page.locator("section[aria-labelledby=h-home-new]")
    assert "山田 太郎" in new_list.inner_text()
    assert "佐藤 花子" in new_list.inner_text()
    axe_check(page)
