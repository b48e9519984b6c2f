"""The demo loader seeds the city plan's targets and a fictional year of external figures,
once."""

from __future__ import annotations

from datetime import date

from yorisoi.reports.demo import load_demo_targets
from yorisoi.reports.models import ExternalFigure, Target


def test_the_city_plans_targets_are_seeded_once(db):
    today = date(2025, 11, 15)
    load_demo_targets(today=today)
    yearly = {
        t.metric: t.value
        for t in Target.objects.filter(start_year=2025, end_year=2025, center=None)
    }
    assert yearly == {"contacts": 7000, "metaverse_access": 10000, "family_class_participants": 100}
    assert Target.objects.filter(start_year=2024, end_year=2028).exists()
    months = set(ExternalFigure.objects.values_list("month", flat=True))
    assert date(2025, 10, 1) in months
    assert date(2025, 11, 1) not in months  # the month in progress has no report yet
    assert all(f.source.endswith("（架空）") for f in ExternalFigure.objects.all())
    count = (Target.objects.count(), ExternalFigure.objects.count())
    load_demo_targets(today=today)
    assert (Target.objects.count(), ExternalFigure.objects.count()) == count


def test_the_loader_is_registered_after_the_case_work():
    from yorisoi.core.registry import demo_loaders

    orders = {fn.__name__: order for order, fn in demo_loaders}
    assert orders["load_demo_targets"] == 40
    assert orders["load_demo_cases"] < 40
