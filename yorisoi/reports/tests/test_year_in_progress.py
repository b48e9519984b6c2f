"""Statistics in the middle of a year (issue 9, point 7): no 「−100.0%」 for months not yet
reached, the overview compares the same part of the previous year and says so, the PDF says
年度途中 with the date, and the XLSX holds numbers as numbers."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from yorisoi.core.japanese import fiscal_year, fiscal_year_bounds

from . import factories as f
from .pages import csv_rows, page_tables, pdf_text

YEAR = fiscal_year(timezone.localdate())


@pytest.fixture
def this_year(center1, worker1):
    """Contacts today and earlier this year, and the previous year: some before the same day,
    some after it (which a year-to-date comparison leaves out)."""
    today = timezone.localdate()
    first, last = fiscal_year_bounds(YEAR)
    prev_first = fiscal_year_bounds(YEAR - 1)[0]
    person = f.person("途中", ward="北区")
    case = f.case(person, center1, opened_on=prev_first, primary_worker=worker1)
    for k in range(6):
        f.contact(case, when=f.at(first + timedelta(days=k)), user=worker1)
    f.contact(case, when=f.at(today), user=worker1)
    same_day_last_year = today.replace(year=today.year - 1) if today.month != 2 else today
    for k in range(5):
        f.contact(case, when=f.at(prev_first + timedelta(days=k)), user=worker1)
    for k in range(20):  # the rest of the previous year, after the same day
        day = min(same_day_last_year + timedelta(days=1 + k), first - timedelta(days=1))
        f.contact(case, when=f.at(day), user=worker1)
    return {"today": today, "first": first, "last": last}


def statistics(client, **extra):
    return client.get(reverse("reports:statistics"), {"year": YEAR, **extra})


def test_months_not_yet_reached_show_no_change(client, manager1, this_year):
    client.force_login(manager1)
    html = statistics(client).content.decode()
    months = page_tables(html)["table-month"]
    assert not [row for row in months if "−100.0%" in " ".join(row)]
    reached = (this_year["today"].year - this_year["first"].year) * 12 + (
        this_year["today"].month - 4
    )
    assert html.count(">未到来<") == 11 - reached


def test_the_overview_compares_the_same_months_of_the_previous_year(client, manager1, this_year):
    client.force_login(manager1)
    html = statistics(client).content.decode()
    summary = {row[0]: row for row in page_tables(html)["table-summary"][1:]}
    contacts = summary["延べ件数（相談件数）"]
    assert contacts[1] == "7"
    # Only the 5 contacts up to the same day of last year, not the 25 of the whole year.
    if this_year["today"] != this_year["first"]:
        assert contacts[2] == "5", contacts
    assert "同じ時期" in html


def test_the_pdf_says_it_is_in_the_middle_of_the_year_with_the_date(client, manager1, this_year):
    client.force_login(manager1)
    response = client.get(reverse("reports:export", args=["pdf"]), {"year": YEAR})
    text = " ".join(pdf_text(response.content).split())
    today = this_year["today"]
    assert "年度途中" in text
    assert f"{today.year}年{today.month}月{today.day}日現在" in text


def test_xlsx_numbers_are_numbers_and_change_rates_are_percentages(client, manager1, this_year):
    from openpyxl import load_workbook

    client.force_login(manager1)
    response = client.get(reverse("reports:export", args=["xlsx"]), {"year": YEAR})
    workbook = load_workbook(BytesIO(response.content))
    detail = workbook["内訳"]
    texts = [
        c.value
        for row in detail.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.rstrip("%").lstrip("+−-").replace(".", "").isdigit()
    ]
    assert texts == [], "numbers stored as text"
    header = next(r for r in detail.iter_rows() if r[0].value == "項目")
    ratio_column = next(c.column for c in header if c.value == "増減率")
    ratios = [
        row[ratio_column - 1]
        for row in detail.iter_rows()
        if isinstance(row[ratio_column - 1].value, int | float)
    ]
    assert ratios and all("%" in c.number_format for c in ratios)
    summary = workbook["概要"]
    assert any(
        isinstance(c.value, str) and "年度途中" in c.value
        for row in summary.iter_rows()
        for c in row
    )


def test_the_csv_says_which_previous_period_the_overview_compares(client, manager1, this_year):
    client.force_login(manager1)
    rows = csv_rows(client.get(reverse("reports:export", args=["csv"]), {"year": YEAR}).content)
    overview = [r for r in rows if r[2] == "概要"]
    assert all("年度途中" in r[4] for r in overview)


def test_a_finished_year_compares_whole_years(client, manager1, center1, worker1):
    case = f.case(f.person("昨年"), center1, opened_on=date(2020, 4, 1))
    f.contact(case, when=f.at(date(2020, 5, 1)), user=worker1)
    client.force_login(manager1)
    html = client.get(reverse("reports:statistics"), {"year": 2020}).content.decode()
    assert "同じ時期" not in html
    assert "未到来" not in html
