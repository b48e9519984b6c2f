"""The date rules behind 途切れない支援, on the days calendars make awkward: month ends,
year ends, the 年度 boundary (March 31 → April 1) and leap days."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from yorisoi.cases import continuity as c

JST = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("planned", "today", "days"),
    [
        (date(2026, 3, 31), date(2026, 4, 1), 1),  # 年度末 → 年度初め
        (date(2026, 3, 1), date(2026, 4, 1), 31),  # a whole March across the 年度 boundary
        (date(2025, 12, 31), date(2026, 1, 1), 1),  # year end
        (date(2026, 1, 31), date(2026, 2, 1), 1),  # month end
        (date(2026, 2, 28), date(2026, 3, 1), 1),  # no leap day in 2026
        (date(2028, 2, 28), date(2028, 3, 1), 2),  # leap year: the 29th counts
        (date(2028, 2, 29), date(2028, 2, 29), 0),  # due on the leap day itself
        (date(2027, 4, 1), date(2027, 3, 31), -1),  # planned for tomorrow
    ],
)
def test_days_overdue(planned, today, days):
    assert c.days_overdue(planned, today) == days
    assert c.is_contact_overdue(planned, today) is (days > 0)
    assert c.is_contact_due_today(planned, today) is (days == 0)


def test_no_planned_contact_is_neither_overdue_nor_due():
    assert c.days_overdue(None, date(2026, 4, 1)) == 0
    assert not c.is_contact_overdue(None, date(2026, 4, 1))
    assert not c.is_contact_due_today(None, date(2026, 4, 1))


@pytest.mark.parametrize(
    ("last_contact", "today", "quiet"),
    [
        # 30 days from March 2 to April 1 across the 年度 boundary: quiet.
        (datetime(2026, 3, 2, 23, 30, tzinfo=JST), date(2026, 4, 1), True),
        # A contact in the first minutes of March 3 (still March 2 in UTC) is 29 days ago.
        (datetime(2026, 3, 3, 0, 10, tzinfo=JST), date(2026, 4, 1), False),
        # Year end: December 2 to January 1 is 30 days.
        (datetime(2025, 12, 2, 9, 0, tzinfo=JST), date(2026, 1, 1), True),
        (datetime(2025, 12, 3, 9, 0, tzinfo=JST), date(2026, 1, 1), False),
        # Leap year: January 31 to March 1, 2028 is 30 days (29 in February).
        (datetime(2028, 1, 31, 12, 0, tzinfo=JST), date(2028, 3, 1), True),
        (datetime(2027, 1, 31, 12, 0, tzinfo=JST), date(2027, 3, 1), False),
    ],
)
def test_quiet_after_thirty_days(last_contact, today, quiet):
    assert c.is_quiet(last_contact, date(2020, 1, 1), today, 30) is quiet


def test_a_case_nobody_contacted_counts_from_its_opening():
    assert c.is_quiet(None, date(2026, 3, 2), date(2026, 4, 1), 30)
    assert not c.is_quiet(None, date(2026, 3, 3), date(2026, 4, 1), 30)
    assert c.days_without_contact(None, date(2026, 3, 2), date(2026, 4, 1)) == 30


def test_center_setting_and_default():
    last = datetime(2026, 3, 22, 10, 0, tzinfo=JST)
    assert c.is_quiet(last, date(2026, 1, 1), date(2026, 4, 1), 10)
    assert not c.is_quiet(last, date(2026, 1, 1), date(2026, 4, 1), None)  # default 30


def test_quiet_cutoff_matches_the_rule():
    today = date(2028, 3, 1)
    cutoff = c.quiet_cutoff(today, 30)
    assert cutoff == date(2028, 1, 31)
    assert c.is_quiet(None, cutoff, today, 30)
    assert not c.is_quiet(None, cutoff + timedelta(days=1), today, 30)


@pytest.mark.parametrize(
    ("review_on", "today", "due"),
    [
        (date(2026, 4, 7), date(2026, 3, 31), True),  # seven days ahead, across 年度
        (date(2026, 4, 8), date(2026, 3, 31), False),
        (date(2026, 1, 7), date(2025, 12, 31), True),
        (date(2028, 3, 7), date(2028, 2, 28), False),  # eight days: the leap day counts
        (date(2028, 3, 7), date(2028, 2, 29), True),
        (date(2026, 3, 1), date(2026, 4, 1), True),  # past reviews stay due
        (None, date(2026, 4, 1), False),
    ],
)
def test_plan_review_due(review_on, today, due):
    assert c.is_review_due(review_on, today) is due


@pytest.mark.parametrize(
    ("assigned", "today", "new"),
    [
        (datetime(2026, 3, 26, 0, 0, tzinfo=JST), date(2026, 4, 1), True),
        (datetime(2026, 3, 25, 23, 59, tzinfo=JST), date(2026, 4, 1), False),
        (datetime(2025, 12, 26, 9, 0, tzinfo=JST), date(2026, 1, 1), True),
        (datetime(2028, 2, 24, 9, 0, tzinfo=JST), date(2028, 3, 1), True),  # leap week
        (datetime(2028, 2, 23, 9, 0, tzinfo=JST), date(2028, 3, 1), False),
        (None, date(2026, 4, 1), False),
    ],
)
def test_new_assignment_is_one_week(assigned, today, new):
    assert c.is_new_assignment(assigned, today) is new


@pytest.mark.parametrize(
    ("leaving_on", "today", "listed"),
    [
        (date(2026, 5, 30), date(2026, 3, 31), True),  # 60 days ahead
        (date(2026, 5, 31), date(2026, 3, 31), False),
        (date(2026, 3, 31), date(2026, 4, 1), True),  # already gone
        (None, date(2026, 4, 1), False),
    ],
)
def test_leaving_within_sixty_days_or_gone(leaving_on, today, listed):
    assert c.is_leaving(leaving_on, today) is listed
