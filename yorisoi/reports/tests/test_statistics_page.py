"""The statistics page: the year with its 和暦 label, an empty year said plainly, charts with
their tables, and the figures a manager may follow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yorisoi.core.japanese import fiscal_year_label

from .conftest import YEAR


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (1988, "昭和63年度（1988年度）"),
        (1989, "平成元年度（1989年度）"),
        (2018, "平成30年度（2018年度）"),
        (2019, "令和元年度（2019年度）"),
        (2020, "令和2年度（2020年度）"),
        (2024, "令和6年度（2024年度）"),
        (2025, "令和7年度（2025年度）"),
    ],
)
def test_each_year_has_its_wareki_label(year, label):
    assert fiscal_year_label(year) == label


@pytest.mark.parametrize(("year", "label"), [(2018, "平成30年度"), (2019, "令和元年度")])
def test_the_page_names_the_year_in_wareki(client, manager1, center1, year, label):
    client.force_login(manager1)
    html = client.get(reverse("reports:statistics") + f"?year={year}").content.decode()
    assert f"<h1>{label}（{year}年度）の統計</h1>" in html
    assert f"{year}年4月1日" in html and f"{year + 1}年3月31日" in html


def test_an_empty_year_shows_zeros_and_says_so(client, manager1, center1):
    client.force_login(manager1)
    response = client.get(reverse("reports:statistics") + "?year=2012")
    html = response.content.decode()
    assert "この年度のデータはありません。すべて0件として表示しています。" in html
    report = response.context["report"]
    assert all(r.count == 0 for t in report.tables for r in t.rows)


def test_a_year_with_data_says_nothing_of_the_kind(client, manager1, center1, small_world):
    client.force_login(manager1)
    html = client.get(reverse("reports:statistics") + f"?year={YEAR}").content.decode()
    assert "この年度のデータはありません" not in html


def test_every_chart_has_a_title_and_names_its_table(client, manager1, center1, small_world):
    client.force_login(manager1)
    html = client.get(reverse("reports:statistics") + f"?year={YEAR}").content.decode()
    assert html.count('role="img"') >= 10
    for key in ("month", "method", "sex", "closure"):
        assert f'aria-describedby="table-{key}"' in html
        assert f'id="table-{key}"' in html


def test_the_manager_chooses_among_own_centers_only(client, manager1, analyst1, center1, center2):
    client.force_login(manager1)
    scopes = client.get(reverse("reports:statistics")).context["scopes"]
    assert [s.key for s in scopes] == [str(center1.pk)]
    client.force_login(analyst1)
    scopes = client.get(reverse("reports:statistics")).context["scopes"]
    assert [s.key for s in scopes] == ["all", str(center1.pk), str(center2.pk)]
    assert str(scopes[0].label) == "全センター（市全体）"


def test_english_page(client, manager1, center1, small_world):
    client.force_login(manager1)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("reports:statistics") + f"?year={YEAR}").content.decode()
    assert "FY2024 (Reiwa 6)" in html
    assert "By method" in html
