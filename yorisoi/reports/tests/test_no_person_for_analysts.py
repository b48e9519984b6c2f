"""An analyst sees figures, never a person: no list of cases behind a figure, and no name in
any page or file they can open."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from yorisoi.cases.models import Method

from . import factories as f
from .conftest import YEAR
from .pages import csv_rows, pdf_text, xlsx_sheets

NAMES = ("山田", "佐藤", "やまだ", "見張り太郎")


@pytest.fixture
def named_world(small_world, center1, worker1):
    p = f.person("見張り太郎", nickname="みはり")
    c = f.case(p, center1, opened_on=date(2024, 4, 1))
    f.contact(c, when=f.at(date(2024, 4, 2)), user=worker1, method=Method.METAVERSE)
    return small_world


def pages_for(client, center):
    q = f"?year={YEAR}&center={center}"
    return {
        "statistics": client.get(reverse("reports:statistics") + q),
        "targets": client.get(reverse("reports:targets") + f"?year={YEAR}"),
        "csv": client.get(reverse("reports:export", args=["csv"]) + q),
        "xlsx": client.get(reverse("reports:export", args=["xlsx"]) + q),
        "pdf": client.get(reverse("reports:export", args=["pdf"]) + q),
        "csv_pub": client.get(reverse("reports:export", args=["csv"]) + q + "&publication=1"),
    }


def text_of(name, response) -> str:
    if name.startswith("csv"):
        return "\n".join(",".join(r) for r in csv_rows(response.content))
    if name == "xlsx":
        return repr(xlsx_sheets(response.content))
    if name == "pdf":
        return pdf_text(response.content)
    return response.content.decode()


@pytest.mark.parametrize("center", ["all", "center1"])
def test_no_name_in_any_page_or_file(client, analyst1, center1, named_world, center):
    client.force_login(analyst1)
    key = "all" if center == "all" else center1.pk
    for name, response in pages_for(client, key).items():
        assert response.status_code == 200, name
        text = text_of(name, response)
        for person_name in NAMES:
            assert person_name not in text, (name, person_name)
    page = pages_for(client, key)["statistics"].content.decode()
    assert reverse("reports:drilldown") not in page


def test_the_list_behind_a_figure_is_not_found_for_analysts(client, analyst1, center1, named_world):
    client.force_login(analyst1)
    for dimension, value in (("total", ""), ("method", "metaverse"), ("sex", "male")):
        url = (
            reverse("reports:drilldown")
            + f"?year={YEAR}&center={center1.pk}&dimension={dimension}&value={value}"
        )
        assert client.get(url).status_code == 404
        assert client.get(url.replace(f"center={center1.pk}", "center=all")).status_code == 404


def test_admins_see_figures_but_no_cases(client, admin_user, center1, named_world):
    client.force_login(admin_user)
    page = client.get(reverse("reports:statistics") + f"?year={YEAR}&center=all")
    assert page.status_code == 200
    assert "見張り太郎" not in page.content.decode()
    url = reverse("reports:drilldown") + f"?year={YEAR}&center={center1.pk}&dimension=total"
    assert client.get(url).status_code == 404


def test_exports_for_managers_carry_no_names_either(client, manager1, center1, named_world):
    client.force_login(manager1)
    for name, response in pages_for(client, center1.pk).items():
        if name == "statistics":
            continue
        text = text_of(name, response)
        for person_name in NAMES:
            assert person_name not in text, (name, person_name)
