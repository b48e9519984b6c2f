"""The figures themselves: totals reconcile with their breakdowns, distinct persons are
counted the way the page says (anonymous once per case, merged once), and a contact belongs to
the fiscal year of its local date."""

from __future__ import annotations

from datetime import date

import pytest

from yorisoi.cases.models import ClosureReason, Consulter, HeardVia, Method
from yorisoi.people.models import AgeBand, Sex
from yorisoi.reports.stats import NO_CASE, fiscal_year_statistics

from . import factories as f
from .conftest import YEAR

# Breakdowns where a person has exactly one value, so 実人数 adds up too.
PERSON_ADDITIVE = ("age", "sex", "ward")


def stats_for(*centers, year=YEAR, is_city=True):
    return fiscal_year_statistics(
        fiscal_year=year, center_ids=[c.pk for c in centers], is_city=is_city
    )


def rows(stats, key):
    return {r.key: r for r in stats.breakdown(key).rows}


def test_every_breakdown_adds_up_to_its_total(small_world, center1, center2):
    stats = stats_for(center1, center2)
    assert stats.totals["contacts"] == 8
    for breakdown in [*stats.breakdowns, stats.months]:
        counted = sum(r.count for r in breakdown.rows)
        assert counted == breakdown.total.count, breakdown.key
        if breakdown.has_prev:
            assert sum(r.prev_count for r in breakdown.rows) == breakdown.total.prev_count
        if breakdown.key in PERSON_ADDITIVE:
            assert sum(r.persons for r in breakdown.rows) == breakdown.total.persons


def test_contact_level_breakdowns(small_world, center1, center2):
    stats = stats_for(center1, center2)
    method = rows(stats, "method")
    assert method[Method.PHONE].count == 5
    assert method[Method.HOME_VISIT].count == 1
    assert method[Method.LINE].count == 1
    assert method[Method.INTER_AGENCY].count == 1
    # A case-less agency consultation counts as a contact but as nobody.
    assert method[Method.INTER_AGENCY].persons == 0
    consulter = rows(stats, "consulter")
    assert consulter[Consulter.SELF].count == 1
    assert consulter[Consulter.AGENCY].count == 1
    assert consulter[Consulter.FAMILY].count == 6
    months = stats.months.rows
    assert [r.count for r in months] == [1, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1]
    assert months[0].label == "2024年4月"


def test_distinct_persons_anonymous_once_per_case_and_merged_once(small_world, center1, center2):
    stats = stats_for(center1, center2)
    # 山田, the anonymous person, and 佐藤 with the person merged into her: three persons.
    assert stats.totals["persons"] == 3
    sex = rows(stats, "sex")
    assert sex[Sex.FEMALE].persons == 1
    assert sex[Sex.FEMALE].count == 2
    assert sex[Sex.MALE].persons == 1
    assert sex[Sex.UNANSWERED].persons == 1
    assert sex[NO_CASE].count == 1 and sex[NO_CASE].persons == 0


def test_a_nameless_person_with_two_cases_counts_twice(center1, center2, worker1, worker2):
    nobody = f.person("")
    one = f.case(nobody, center1, opened_on=date(2024, 5, 1))
    two = f.case(nobody, center2, opened_on=date(2024, 5, 1))
    f.contact(one, when=f.at(date(2024, 5, 1)), user=worker1)
    f.contact(two, when=f.at(date(2024, 5, 2)), user=worker2)
    assert stats_for(center1, center2).totals["persons"] == 2
    named = f.person("田中")
    three = f.case(named, center1, opened_on=date(2024, 5, 1))
    four = f.case(named, center2, opened_on=date(2024, 5, 1))
    f.contact(three, when=f.at(date(2024, 6, 1)), user=worker1)
    f.contact(four, when=f.at(date(2024, 6, 2)), user=worker2)
    assert stats_for(center1, center2).totals["persons"] == 3


def test_a_merge_chain_counts_once_with_the_survivors_attributes(center1, worker1):
    root = f.person("本人", sex=Sex.FEMALE, age_band=AgeBand.AGE_40S, ward="東区")
    middle = f.person("", sex=Sex.MALE, merged_into=root)
    leaf = f.person("", sex=Sex.MALE, ward="西区", merged_into=middle)
    for p in (root, middle, leaf):
        c = f.case(p, center1, opened_on=date(2024, 4, 1))
        f.contact(c, when=f.at(date(2024, 4, 2)), user=worker1)
    stats = stats_for(center1)
    assert stats.totals["persons"] == 1
    assert rows(stats, "sex")[Sex.FEMALE].persons == 1
    assert rows(stats, "sex")[Sex.FEMALE].count == 3
    assert rows(stats, "ward")["東区"].count == 3
    assert rows(stats, "age")[AgeBand.AGE_40S].persons == 1


def test_an_anonymous_person_others_were_merged_into_counts_once(center1, worker1):
    root = f.person("")
    other = f.person("", merged_into=root)
    for p in (root, other):
        c = f.case(p, center1, opened_on=date(2024, 4, 1))
        f.contact(c, when=f.at(date(2024, 4, 2)), user=worker1)
    assert stats_for(center1).totals["persons"] == 1


@pytest.mark.parametrize(
    ("when", "year"),
    [
        (f.at(date(2025, 3, 31), 23, 59), 2024),
        (f.at(date(2025, 4, 1), 0, 0), 2025),
        (f.at(date(2024, 4, 1), 0, 0), 2024),
        (f.at(date(2024, 3, 31), 23, 59), 2023),
    ],
)
def test_fiscal_year_boundary_follows_the_local_date(center1, worker1, when, year):
    c = f.case(f.person("境"), center1, opened_on=date(2024, 1, 1))
    f.contact(c, when=when, user=worker1)
    for candidate in (year - 1, year, year + 1):
        got = stats_for(center1, year=candidate).totals["contacts"]
        assert got == (1 if candidate == year else 0), candidate


def test_march_31_is_march_and_april_1_is_april(center1, worker1):
    c = f.case(f.person("境"), center1, opened_on=date(2024, 1, 1))
    f.contact(c, when=f.at(date(2025, 3, 31), 23, 59), user=worker1)
    f.contact(c, when=f.at(date(2024, 4, 1), 0, 0), user=worker1)
    months = stats_for(center1).months.rows
    assert months[0].count == 1  # April
    assert months[11].count == 1  # March
    assert sum(r.count for r in months[1:11]) == 0


def test_previous_year_beside_this_year(small_world, center1, center2):
    stats = stats_for(center1, center2)
    assert stats.totals["prev_contacts"] == 1
    assert stats.totals["prev_persons"] == 1
    assert rows(stats, "method")[Method.PHONE].prev_count == 1
    assert stats.months.rows[6].prev_count == 1  # October of the previous year
    newness = rows(stats, "newness")
    assert newness["new"].prev_count == 1  # opened in 2023年度, new that year
    assert newness["continuing"].count == 2  # the same case, continuing in 2024年度


def test_new_and_continuing_and_how_they_heard(small_world, center1, center2):
    stats = stats_for(center1, center2)
    newness = rows(stats, "newness")
    assert newness["new"].count == 5
    assert newness["new"].persons == 2
    assert newness["continuing"].persons == 1
    heard = rows(stats, "heard_via")
    assert heard[HeardVia.PORTAL].count == 1
    # Intakes without a recorded way of hearing count as unknown.
    assert heard[HeardVia.UNKNOWN].count == 2
    assert stats.breakdown("heard_via").total.count == 3


def test_age_is_the_age_on_april_first(center1, worker1):
    # Born 1985-04-02: 38 on 2024-04-01 (30s), although 39 for most of the year.
    p = f.person("年齢", birth_date=date(1985, 4, 2))
    c = f.case(p, center1, opened_on=date(2024, 4, 1))
    f.contact(c, when=f.at(date(2025, 1, 10)), user=worker1)
    assert rows(stats_for(center1), "age")[AgeBand.AGE_30S].persons == 1
    q = f.person("誕生日", birth_date=date(1984, 4, 1))  # 40 on 2024-04-01
    d = f.case(q, center1, opened_on=date(2024, 4, 1))
    f.contact(d, when=f.at(date(2024, 4, 1)), user=worker1)
    assert rows(stats_for(center1), "age")[AgeBand.AGE_40S].persons == 1


def test_scope_counts_only_the_centers_asked_for(small_world, center1, center2):
    assert stats_for(center1).totals["contacts"] == 7
    assert stats_for(center2).totals["contacts"] == 1
    assert stats_for(center1).totals["persons"] == 3  # 山田, anonymous, the merged 佐藤
    assert stats_for(center2).totals["persons"] == 1


def test_closures_by_reason(small_world, center1, center2):
    f.closed(small_world["yamada"], on=date(2025, 3, 1), reason=ClosureReason.GOAL_REACHED)
    f.closed(small_world["anon"], on=date(2024, 3, 1), reason=ClosureReason.MOVED)
    stats = stats_for(center1, center2)
    closure = rows(stats, "closure")
    assert closure[ClosureReason.GOAL_REACHED].count == 1
    assert closure[ClosureReason.GOAL_REACHED].persons == 1
    assert closure[ClosureReason.MOVED].count == 0
    assert closure[ClosureReason.MOVED].prev_count == 1
    assert stats.totals["closures"] == 1


def test_a_year_with_no_data_is_all_zeros(center1):
    stats = stats_for(center1, year=2010)
    assert stats.is_empty
    assert stats.totals["contacts"] == 0
    for breakdown in [*stats.breakdowns, stats.months]:
        assert all(r.count == 0 and r.persons == 0 for r in breakdown.rows), breakdown.key
    assert len(stats.months.rows) == 12
