"""In Chromium: a manager opens the statistics, follows a figure to its cases, adds a target
and sees it on the dashboard; axe finds no serious problem on the reports pages."""

from __future__ import annotations

import pytest

from .conftest import YEAR

pytestmark = pytest.mark.browser


def test_manager_statistics_drill_down_and_target(
    page, sign_in, axe_check, manager1, center1, small_world
):
    sign_in(manager1)
    page.goto(f"/reports/?year={YEAR}&center={center1.pk}")
    assert page.locator("h1").inner_text() == "令和6年度（2024年度）の統計"
    axe_check(page)
    page.get_by_role("link", name="訪問・アウトリーチのケース一覧（1件）").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "「訪問・アウトリーチ」のケース"
    assert page.get_by_role("link", name="山田").count() == 1
    axe_check(page)

    page.goto("/reports/targets/new/")
    axe_check(page)
    page.get_by_label("指標").select_option("contacts")
    page.get_by_label("開始年度").fill(str(YEAR))
    page.get_by_label("終了年度").fill(str(YEAR))
    page.get_by_label("目標値").fill("-3")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.locator("#id_value").get_attribute("aria-invalid") == "true"
    axe_check(page)
    page.get_by_label("目標値").fill("40")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert "計画目標を登録しました。" in page.locator(".messages").inner_text()
    row = page.locator("#table-targets tbody tr").first
    assert "相談件数（延べ件数）" in row.inner_text()
    assert "達成" in row.inner_text() or "未達成" in row.inner_text()
    axe_check(page)


def test_analyst_page_has_figures_without_links(page, sign_in, axe_check, analyst1, small_world):
    sign_in(analyst1)
    page.goto(f"/reports/?year={YEAR}&center=all")
    assert page.locator("#table-method").count() == 1
    assert page.locator("a[href*='/reports/cases/']").count() == 0
    axe_check(page)
