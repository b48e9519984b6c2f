"""Plan targets: a manager keeps them, bad values and periods are refused, and the dashboard
shows progress, the pace needed and whether each is on track."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.core.japanese import fiscal_year, fiscal_year_bounds
from yorisoi.reports.models import ExternalFigure, Target
from yorisoi.reports.selectors import target_progress

from . import factories as f

THIS_YEAR = fiscal_year(timezone.localdate())


def form(**overrides):
    data = {
        "metric": "contacts",
        "center": "",
        "start_year": str(THIS_YEAR),
        "end_year": str(THIS_YEAR),
        "value": "7000",
        "note": "第2期計画",
    }
    data.update(overrides)
    return data


def test_a_manager_adds_a_city_target(client, manager1):
    client.force_login(manager1)
    response = client.post(reverse("reports:target_create"), form())
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.metric, target.center, target.value) == ("contacts", None, 7000)
    assert target.created_by == manager1
    event = AuditEvent.objects.get(action="create", object_type="reports.target")
    assert event.changes["value"] == [None, 7000]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"value": "-1"}, "value", "0以上"),
        ({"start_year": "2026", "end_year": "2025"}, "end_year", "終了年度が開始年度より前"),
        ({"start_year": "1999", "end_year": "2000"}, "start_year", "2000〜2100"),
        ({"start_year": "2100", "end_year": "2101"}, "end_year", "2000〜2100"),
        ({"value": "たくさん"}, "value", "整数"),
        ({"metric": "happiness"}, "metric", "選択"),
    ],
)
def test_bad_targets_are_refused_with_a_clear_message(client, manager1, overrides, field, message):
    client.force_login(manager1)
    response = client.post(reverse("reports:target_create"), form(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not Target.objects.exists()


def test_a_double_submit_creates_one_target(client, manager1):
    client.force_login(manager1)
    client.post(reverse("reports:target_create"), form())
    response = client.post(reverse("reports:target_create"), form())
    assert response.status_code == 400
    assert "すでにあります" in response.content.decode()
    assert Target.objects.count() == 1


def test_a_manager_may_not_set_a_target_for_another_center(client, manager1, center2):
    client.force_login(manager1)
    response = client.post(reverse("reports:target_create"), form(center=str(center2.pk)))
    assert response.status_code == 400
    assert not Target.objects.exists()


def test_edit_and_stale_edit(client, manager1, manager2):
    target = Target.objects.create(
        metric="contacts", start_year=THIS_YEAR, end_year=THIS_YEAR, value=7000
    )
    url = reverse("reports:target_edit", args=[target.pk])
    client.force_login(manager1)
    assert client.post(url, form(value="7500", version="1")).status_code == 302
    target.refresh_from_db()
    assert (target.value, target.version) == (7500, 2)
    # manager2 opened the form at version 1 and saves afterwards: refused, shown what changed.
    client.force_login(manager2)
    response = client.post(url, form(value="8000", version="1"))
    assert response.status_code == 409
    assert "ほかの職員が同じ記録を保存しています" in response.content.decode()
    target.refresh_from_db()
    assert target.value == 7500
    assert client.post(url, form(value="8000", version="2")).status_code == 302
    target.refresh_from_db()
    assert target.value == 8000


def test_delete_asks_first_and_is_audited(client, manager1):
    target = Target.objects.create(
        metric="contacts", start_year=THIS_YEAR, end_year=THIS_YEAR, value=7000
    )
    client.force_login(manager1)
    url = reverse("reports:target_delete", args=[target.pk])
    assert "削除します。よろしいですか" in client.get(url).content.decode()
    assert Target.objects.exists()
    client.post(url)
    assert not Target.objects.exists()
    assert AuditEvent.objects.filter(action="delete", object_type="reports.target").exists()


def progress_of(value, achieved, today, start=2024, end=2024):
    target = Target(metric="contacts", start_year=start, end_year=end, value=value)
    return target_progress(target, values={"contacts": achieved}, today=today)


def test_pace_and_status_through_the_year():
    # Half-way (end of September): 3,600 of 7,000 is ahead of the 3,500 expected.
    p = progress_of(7000, 3600, date(2024, 9, 30))
    assert p.expected_now == 3509  # 183 of 365 days
    assert p.status == "on_track"
    assert p.months_left == 7  # September .. March
    assert p.needed_per_month == 486  # (7000 - 3600) / 7, rounded up
    assert p.projected == round(3600 * 365 / 183)
    assert progress_of(7000, 3000, date(2024, 9, 30)).status == "behind"
    assert progress_of(7000, 7000, date(2024, 12, 1)).status == "achieved"
    assert progress_of(7000, 6999, date(2025, 4, 1)).status == "missed"
    assert progress_of(7000, 7001, date(2025, 4, 1)).status == "achieved"
    before = progress_of(7000, 0, date(2024, 3, 31))
    assert before.status == "not_started"
    assert before.needed_per_month == 584  # 7000 / 12


def test_a_plan_period_spans_its_years():
    p = progress_of(35000, 6990, date(2025, 3, 31), start=2024, end=2028)
    assert p.first_day == date(2024, 4, 1)
    assert p.last_day == date(2029, 3, 31)
    assert p.months_left == 49
    assert p.expected_now == 6996  # 365 of 1,826 days
    assert p.status == "behind"
    assert progress_of(35000, 7000, date(2025, 3, 31), start=2024, end=2028).status == "on_track"


def test_dashboard_shows_case_work_and_external_figures(client, manager1, center1, worker1):
    today = timezone.localdate()
    first, _last = fiscal_year_bounds(THIS_YEAR)
    for i in range(3):
        c = f.case(f.person(f"目標{i}"), center1, opened_on=first)
        f.contact(c, when=f.at(first if i else today), user=worker1)
    Target.objects.create(metric="contacts", start_year=THIS_YEAR, end_year=THIS_YEAR, value=7000)
    Target.objects.create(
        metric="metaverse_access", start_year=THIS_YEAR, end_year=THIS_YEAR, value=10000
    )
    Target.objects.create(
        metric="persons", center=center1, start_year=THIS_YEAR, end_year=THIS_YEAR + 4, value=50
    )
    ExternalFigure.objects.create(
        metric="metaverse_access", month=first, value=850, source="委託事業者の月次報告"
    )
    ExternalFigure.objects.create(
        metric="metaverse_access", month=first.replace(month=5), value=150, source="同上"
    )
    client.force_login(manager1)
    response = client.get(reverse("reports:targets"))
    assert response.status_code == 200
    by_metric = {p.target.metric: p for p in response.context["progress"]}
    assert by_metric["contacts"].achieved == 3
    may_counts = today >= first.replace(month=5)
    assert by_metric["metaverse_access"].achieved == (1000 if may_counts else 850)
    assert by_metric["persons"].achieved == 3
    html = response.content.decode()
    assert "オンライン居場所（メタバース）アクセス数" in html
    assert "<progress" in html
    assert "必要なペース" in html


def test_targets_of_other_centers_are_not_shown(client, manager2, center1):
    Target.objects.create(
        metric="contacts", center=center1, start_year=THIS_YEAR, end_year=THIS_YEAR, value=10
    )
    Target.objects.create(metric="contacts", start_year=THIS_YEAR, end_year=THIS_YEAR, value=7000)
    client.force_login(manager2)
    progress = client.get(reverse("reports:targets")).context["progress"]
    assert [p.target.center_id for p in progress] == [None]


def test_analysts_read_targets_without_edit_links(client, analyst1, center1):
    target = Target.objects.create(
        metric="contacts", start_year=THIS_YEAR, end_year=THIS_YEAR, value=7000
    )
    client.force_login(analyst1)
    html = client.get(reverse("reports:targets")).content.decode()
    assert "相談件数（延べ件数）" in html
    assert reverse("reports:target_edit", args=[target.pk]) not in html
    assert reverse("reports:target_create") not in html


def test_an_old_contact_outside_the_period_does_not_count(client, manager1, center1, worker1):
    first, _last = fiscal_year_bounds(THIS_YEAR)
    c = f.case(f.person("前年"), center1, opened_on=first - timedelta(days=30))
    f.contact(c, when=f.at(first - timedelta(days=1), 23, 59), user=worker1)
    Target.objects.create(metric="contacts", start_year=THIS_YEAR, end_year=THIS_YEAR, value=10)
    client.force_login(manager1)
    assert client.get(reverse("reports:targets")).context["progress"][0].achieved == 0


def test_target_figures_agree_with_the_statistics(small_world, center1, center2):
    """Two independent queries (the dashboard's one pass, the statistics' breakdowns) give
    every metric the same value for a whole fiscal year."""
    from yorisoi.cases.models import ClosureReason
    from yorisoi.reports.stats import (
        fiscal_year_statistics,
        metric_values_from,
        period_metric_values,
    )

    from .conftest import YEAR

    f.closed(small_world["yamada"], on=date(2025, 1, 5), reason=ClosureReason.GOAL_REACHED)
    ExternalFigure.objects.create(
        metric="portal_page_views", month=date(YEAR, 7, 1), value=4200, source="解析"
    )
    ids = [center1.pk, center2.pk]
    first, last = fiscal_year_bounds(YEAR)
    from_stats = metric_values_from(
        fiscal_year_statistics(fiscal_year=YEAR, center_ids=ids, is_city=True)
    )
    for_targets = period_metric_values(center_ids=ids, is_city=True, first_day=first, last_day=last)
    assert from_stats == for_targets
    assert for_targets["contacts"] == 8
    assert for_targets["persons"] == 3
    assert for_targets["social_participation"] == 1
    assert for_targets["portal_page_views"] == 4200
