"""Demo data for reports: the city plan's targets and a fictional year of external figures.

The targets are those of the city plan the issue names (相談件数 7,000 a year, 10,000 accesses
to the online place, 100 family-class participants), for the current fiscal year, for the whole
city. External figures are entered for each month of the current fiscal year that has ended,
with a source marked as fictional. Idempotent: nothing is added once a target exists.
"""

from __future__ import annotations

import random
from datetime import date

from django.utils import timezone

from yorisoi.accounts.models import User
from yorisoi.core.japanese import fiscal_year

from .metrics import Metric
from .models import ExternalFigure, Target
from .stats import month_starts

PLAN_NOTE = "第2期ひきこもり支援推進計画（架空）"
CITY_TARGETS = (
    (Metric.CONTACTS, 7_000),
    (Metric.METAVERSE_ACCESS, 10_000),
    (Metric.FAMILY_CLASS_PARTICIPANTS, 100),
)
# metric -> (typical monthly value, spread, source)
MONTHLY = {
    Metric.METAVERSE_ACCESS: (760, 180, "委託事業者の月次報告書（架空）"),
    Metric.PORTAL_PAGE_VIEWS: (4200, 900, "ポータルサイトのアクセス解析（架空）"),
    Metric.POSTERS_PLACED: (12, 6, "広報担当の集計（架空）"),
    Metric.FAMILY_CLASS_PARTICIPANTS: (8, 4, "家族教室の出席簿（架空）"),
}


def load_demo_targets(stdout=None, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if Target.objects.exists():
        if stdout:
            stdout.write("Demo targets: already loaded.")
        return
    year = fiscal_year(today)
    author = User.objects.filter(username="manager1").first()
    for metric, value in CITY_TARGETS:
        Target.objects.create(
            metric=metric,
            center=None,
            start_year=year,
            end_year=year,
            value=value,
            note=PLAN_NOTE,
            created_by=author,
        )
    # The plan's five-year figure for consultations, to show a plan-period target.
    Target.objects.create(
        metric=Metric.CONTACTS,
        center=None,
        start_year=year - 1,
        end_year=year + 3,
        value=35_000,
        note=PLAN_NOTE,
        created_by=author,
    )
    rng = random.Random(8050)
    months = [m for m in month_starts(year - 1)[:12] + month_starts(year)[:12] if m < today]
    figures = []
    for metric, (typical, spread, source) in MONTHLY.items():
        for month in months:
            if month.year == today.year and month.month == today.month:
                continue  # the month in progress has no report yet
            figures.append(
                ExternalFigure(
                    metric=metric,
                    center=None,
                    month=month,
                    value=max(0, typical + rng.randint(-spread, spread)),
                    source=source,
                    entered_by=author,
                )
            )
    ExternalFigure.objects.bulk_create(figures)
    if stdout:
        stdout.write(
            f"Demo targets: {Target.objects.count()} targets and {len(figures)} monthly external "
            "figures (fictional)."
        )
