"""The masking audit passes over every export the app produces for the demo (issue 9, point
1): analyst1's page, CSV, XLSX and PDF for this year and the last, for every scope, are
publication figures that the audit let through, and the files agree with each other."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from yorisoi.core.japanese import fiscal_year

from .pages import csv_rows, pdf_text, xlsx_sheets
from .test_publication_across_tables import LIMIT, NO_CASE, attacker_intervals

YEAR = fiscal_year(timezone.localdate())


@pytest.fixture
def demo(db):
    call_command("loaddemo", stdout=None)


def test_every_publication_of_the_demo_passes_the_audit(client, demo):
    from yorisoi.accounts.models import Center, User

    analyst = User.objects.get(username="analyst1")
    client.force_login(analyst)
    scopes = ["all", *(str(pk) for pk in Center.objects.values_list("pk", flat=True))]
    for year, scope in [(YEAR, s) for s in scopes] + [(YEAR - 1, "all")]:
        query = {"year": year, "center": scope}
        page = client.get(reverse("reports:statistics"), query)
        assert page.status_code == 200, (scope, page.status_code)
        assert "公表用の数値（1〜4の数値" in page.content.decode()
        response = client.get(reverse("reports:export", args=["csv"]), query)
        assert response.status_code == 200, "the audit refused the demo's CSV"
        rows = csv_rows(response.content)
        figures = [v for r in rows[1:] if r[2] != "外部の数値" for v in r[5:9] if v]
        assert not [v for v in figures if v.isdigit() and 1 <= int(v) <= LIMIT]
        assert len({r[5] for r in rows if r[3] == NO_CASE}) <= 1
        for q, (low, high) in attacker_intervals(rows).items():
            assert high - low >= LIMIT + 1, (scope, q, low, high)
        xlsx = client.get(reverse("reports:export", args=["xlsx"]), query)
        assert xlsx.status_code == 200
        cells = [v for row in xlsx_sheets(xlsx.content)["内訳"] for v in row if isinstance(v, int)]
        assert not [v for v in cells if 1 <= v <= LIMIT]
    pdf = client.get(reverse("reports:export", args=["pdf"]), {"year": YEAR, "center": "all"})
    assert pdf.status_code == 200
    assert "秘匿しています" in pdf_text(pdf.content)
