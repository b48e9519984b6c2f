"""A manager traces a figure to the cases behind it; the list matches the figure and stays
within what the manager may see."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from yorisoi.audit.models import AuditEvent
from yorisoi.cases.models import ClosureReason, HeardVia, Method
from yorisoi.people.models import AgeBand, Sex

from . import factories as f
from .conftest import YEAR
from .pages import page_tables


def drill(client, center, dimension, value="", year=YEAR):
    return client.get(
        reverse("reports:drilldown")
        + f"?year={year}&center={center}&dimension={dimension}&value={value}"
    )


def names(response) -> list[str]:
    rows = page_tables(response.content.decode())
    table = next(iter(rows.values()), [])
    return sorted(r[0] for r in table[1:])


def test_page_figures_link_to_their_cases(client, manager1, center1, small_world):
    client.force_login(manager1)
    page = client.get(reverse("reports:statistics") + f"?year={YEAR}&center={center1.pk}")
    html = page.content.decode()
    assert "dimension=method&amp;value=home_visit" in html
    assert "dimension=sex&amp;value=male" in html
    response = drill(client, center1.pk, "method", Method.HOME_VISIT)
    assert response.status_code == 200
    assert names(response) == ["山田"]


def test_lists_match_the_figures(client, manager1, center1, small_world):
    client.force_login(manager1)
    c = center1.pk
    anonymous = f"氏名不詳（ID {small_world['anon'].person_id}）"
    assert names(drill(client, c, "total")) == sorted(["山田", anonymous, "佐藤（重複）"])
    assert names(drill(client, c, "method", Method.LINE)) == [anonymous]
    assert names(drill(client, c, "month", "0")) == ["山田"]  # April
    assert names(drill(client, c, "month", "11")) == ["山田"]  # March 31, 23:59
    assert names(drill(client, c, "newness", "continuing")) == [anonymous]
    assert names(drill(client, c, "sex", Sex.MALE)) == ["山田"]
    # The merged person counts with the survivor's attributes (佐藤: female, 20s).
    assert names(drill(client, c, "sex", Sex.FEMALE)) == ["佐藤（重複）"]
    assert names(drill(client, c, "age", AgeBand.AGE_20S)) == ["佐藤（重複）"]
    assert names(drill(client, c, "age", AgeBand.AGE_40S)) == ["山田"]
    assert names(drill(client, c, "ward", "北区")) == sorted(["山田", anonymous])
    assert names(drill(client, c, "heard_via", HeardVia.PORTAL)) == ["山田"]
    assert names(drill(client, c, "heard_via", HeardVia.UNKNOWN)) == ["佐藤（重複）"]


def test_closures_and_the_previous_year(client, manager1, center1, small_world):
    f.closed(small_world["yamada"], on=date(2025, 2, 1), reason=ClosureReason.GOAL_REACHED)
    client.force_login(manager1)
    assert names(drill(client, center1.pk, "closure", ClosureReason.GOAL_REACHED)) == ["山田"]
    anonymous = f"氏名不詳（ID {small_world['anon'].person_id}）"
    assert names(drill(client, center1.pk, "total", year=YEAR - 1)) == [anonymous]


def test_another_centers_cases_never_appear(client, manager1, manager2, center1, small_world):
    client.force_login(manager2)
    assert drill(client, center1.pk, "total").status_code == 404
    response = client.get(reverse("reports:drilldown") + f"?year={YEAR}&dimension=total")
    assert names(response) == ["佐藤"]


def test_opening_a_list_is_audited(client, manager1, center1, small_world):
    client.force_login(manager1)
    drill(client, center1.pk, "method", Method.PHONE)
    event = AuditEvent.objects.get(action="view", object_type="reports.figure")
    assert event.actor == manager1
    assert event.changes["dimension"] == "method"
    assert event.center_id == center1.pk


def test_unknown_values_are_not_found(client, manager1, center1, small_world):
    client.force_login(manager1)
    assert drill(client, center1.pk, "method", "__no_case__").status_code == 404
    assert drill(client, center1.pk, "month", "12").status_code == 404
    assert drill(client, center1.pk, "newness", "sometimes").status_code == 404
    assert drill(client, center1.pk, "sex", "x" * 100).status_code == 404
