"""Figures from outside the system: a manager enters them per month with their source, and
they count in the statistics and targets like any other figure."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from yorisoi.audit.models import AuditEvent
from yorisoi.reports.models import ExternalFigure

from .conftest import YEAR


def entry(**overrides):
    data = {
        "metric": "metaverse_access",
        "center": "",
        "month": f"{YEAR}-05",
        "value": "812",
        "source": "委託事業者の月次報告書",
    }
    data.update(overrides)
    return data


def test_a_manager_enters_a_month_with_its_source(client, manager1, center1):
    client.force_login(manager1)
    response = client.post(reverse("reports:external_figures"), entry())
    assert response.status_code == 302
    figure = ExternalFigure.objects.get()
    assert figure.month == date(YEAR, 5, 1)
    assert figure.value == 812
    assert (figure.source, figure.entered_by) == ("委託事業者の月次報告書", manager1)
    assert AuditEvent.objects.filter(action="create", object_type="reports.externalfigure").exists()
    page = client.get(reverse("reports:external_figures") + f"?year={YEAR}").content.decode()
    assert "委託事業者の月次報告書" in page


def test_bad_entries_are_refused(client, manager1):
    client.force_login(manager1)
    for overrides, field in (
        ({"value": "-5"}, "value"),
        ({"month": "2025-13"}, "month"),
        ({"month": "五月"}, "month"),
        ({"source": ""}, "source"),
        ({"metric": "contacts"}, "metric"),  # computed from case work, not entered
    ):
        response = client.post(reverse("reports:external_figures"), entry(**overrides))
        assert response.status_code == 400, overrides
        assert field in response.context["form"].errors, overrides
    assert not ExternalFigure.objects.exists()


def test_the_same_month_twice_is_refused(client, manager1):
    client.force_login(manager1)
    client.post(reverse("reports:external_figures"), entry())
    response = client.post(reverse("reports:external_figures"), entry(value="900"))
    assert response.status_code == 400
    assert "すでに入力されています" in response.content.decode()
    assert ExternalFigure.objects.get().value == 812


def test_correcting_and_deleting(client, manager1, manager2):
    figure = ExternalFigure.objects.create(
        metric="metaverse_access", month=date(YEAR, 5, 1), value=812, source="報告書"
    )
    url = reverse("reports:external_figure_edit", args=[figure.pk])
    client.force_login(manager1)
    assert client.post(url, entry(value="820", version="1")).status_code == 302
    figure.refresh_from_db()
    assert (figure.value, figure.version) == (820, 2)
    client.force_login(manager2)
    assert client.post(url, entry(value="999", version="1")).status_code == 409
    client.post(url, {"delete": "1"})
    assert not ExternalFigure.objects.exists()


def test_they_count_in_the_statistics(client, analyst1, center1):
    for month, value in ((date(YEAR, 4, 1), 700), (date(YEAR, 6, 1), 300)):
        ExternalFigure.objects.create(
            metric="metaverse_access", month=month, value=value, source="報告書"
        )
    ExternalFigure.objects.create(
        metric="metaverse_access", month=date(YEAR - 1, 4, 1), value=50, source="報告書"
    )
    client.force_login(analyst1)
    response = client.get(reverse("reports:statistics") + f"?year={YEAR}&center=all")
    series = next(s for s in response.context["report"].external if s.metric == "metaverse_access")
    assert series.months[:3] == [700, None, 300]
    assert series.total == 1000
    assert series.prev_total == 50
    assert "出典：報告書" in response.content.decode()


def test_a_centers_figures_count_for_that_center_and_the_city(client, manager1, center1, center2):
    ExternalFigure.objects.create(
        metric="posters_placed", center=center1, month=date(YEAR, 4, 1), value=12, source="集計"
    )
    ExternalFigure.objects.create(
        metric="posters_placed", center=None, month=date(YEAR, 4, 1), value=30, source="集計"
    )
    from yorisoi.reports.stats import external_series

    def total(center_ids, is_city):
        series = external_series(fiscal_year=YEAR, center_ids=center_ids, is_city=is_city)
        return next(s.total for s in series if s.metric == "posters_placed")

    assert total([center1.pk], False) == 12
    assert total([center2.pk], False) == 0
    assert total([center1.pk, center2.pk], True) == 42
