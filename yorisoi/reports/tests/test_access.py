"""Who may open each reports page: managers their own centers, admins and analysts figures
only, everyone else nothing (404, never 403), anonymous visitors the login page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from yorisoi.reports.models import ExternalFigure, Target

from .conftest import YEAR


@pytest.fixture
def objects(center1):
    target = Target.objects.create(
        metric="contacts", center=center1, start_year=YEAR, end_year=YEAR, value=100
    )
    city_target = Target.objects.create(
        metric="contacts", center=None, start_year=YEAR, end_year=YEAR, value=7000
    )
    figure = ExternalFigure.objects.create(
        metric="metaverse_access",
        center=center1,
        month=date(YEAR, 5, 1),
        value=10,
        source="報告書",
    )
    return {"target": target, "city_target": city_target, "figure": figure}


def urls(center1, objects) -> dict[str, str]:
    c1 = f"year={YEAR}&center={center1.pk}"
    return {
        "statistics_c1": f"{reverse('reports:statistics')}?{c1}",
        "drilldown_c1": f"{reverse('reports:drilldown')}?{c1}&dimension=total",
        "csv_c1": f"{reverse('reports:export', args=['csv'])}?{c1}",
        "xlsx_c1": f"{reverse('reports:export', args=['xlsx'])}?{c1}",
        "commentary_c1": f"{reverse('reports:commentary')}?{c1}",
        "targets": reverse("reports:targets"),
        "target_create": reverse("reports:target_create"),
        "target_edit_c1": reverse("reports:target_edit", args=[objects["target"].pk]),
        "target_delete_c1": reverse("reports:target_delete", args=[objects["target"].pk]),
        "city_target_edit": reverse("reports:target_edit", args=[objects["city_target"].pk]),
        "external": reverse("reports:external_figures"),
        "external_edit_c1": reverse("reports:external_figure_edit", args=[objects["figure"].pk]),
    }


FIGURES = {"statistics_c1", "csv_c1", "xlsx_c1", "targets"}
EXPECTED = {
    # manager of center 1: everything
    "manager1": {},
    # manager of center 2: nothing that is center 1's; the city plan's target is shared
    "manager2": {
        "statistics_c1": 404,
        "drilldown_c1": 404,
        "csv_c1": 404,
        "xlsx_c1": 404,
        "commentary_c1": 404,
        "target_edit_c1": 404,
        "target_delete_c1": 404,
        "external_edit_c1": 404,
    },
}


@pytest.mark.parametrize("role", ["manager1", "manager2", "analyst1", "admin_user"])
def test_staff_with_figures(client, request, role, center1, objects, center2):
    user = request.getfixturevalue(role)
    client.force_login(user)
    got = {name: client.get(url).status_code for name, url in urls(center1, objects).items()}
    if role in ("analyst1", "admin_user"):
        want = {name: (200 if name in FIGURES else 404) for name in got}
    else:
        want = {name: EXPECTED[role].get(name, 200) for name in got}
    assert got == want


@pytest.mark.parametrize("role", ["worker1", "worker1b", "peer1", "partner1"])
def test_everyone_else_finds_nothing(client, request, role, center1, objects):
    client.force_login(request.getfixturevalue(role))
    for name, url in urls(center1, objects).items():
        assert client.get(url).status_code == 404, name
    assert client.get(reverse("reports:statistics")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, center1, objects):
    for name, url in urls(center1, objects).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name


def test_posts_follow_the_same_rules(client, manager2, center1, objects):
    client.force_login(manager2)
    target = objects["target"]
    assert client.post(reverse("reports:target_delete", args=[target.pk])).status_code == 404
    assert Target.objects.filter(pk=target.pk).exists()
    edit = reverse("reports:external_figure_edit", args=[objects["figure"].pk])
    assert client.post(edit, {"delete": "1"}).status_code == 404
    assert ExternalFigure.objects.filter(pk=objects["figure"].pk).exists()


def test_nonsense_parameters_are_not_found(client, manager1, center1):
    client.force_login(manager1)
    base = reverse("reports:statistics")
    assert client.get(f"{base}?year=abcd").status_code == 404
    assert client.get(f"{base}?year=1999").status_code == 404
    assert client.get(f"{base}?center=999999").status_code == 404
    assert client.get(reverse("reports:export", args=["doc"])).status_code == 404
    drill = reverse("reports:drilldown")
    assert client.get(f"{drill}?center={center1.pk}&dimension=nonsense").status_code == 404


def test_menu_entry_only_for_those_with_figures(client, manager1, worker1, analyst1):
    label = "統計・報告"
    for user, shown in ((manager1, True), (analyst1, True), (worker1, False)):
        client.force_login(user)
        assert (label in client.get(reverse("core:home")).content.decode()) is shown
