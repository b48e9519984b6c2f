"""Publication over hypothesis-made data sets (issue 9, point 1): contacts of made-up people
are tallied into the statistics' tables (so every table adds up as the real ones do), the
report is protected for publication, and the printed rows are attacked with the independent LP
of test_publication_across_tables. A refusal to publish is safe; a publication that lets a
masked figure be narrowed, or shows a small one, is not."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yorisoi.reports.exports import _header, report_rows
from yorisoi.reports.masking import PublicationRefused
from yorisoi.reports.stats import NO_CASE, Breakdown, Row, Statistics
from yorisoi.reports.tables import build_report

from .test_publication_across_tables import LIMIT, attacker_intervals

METHODS = ("phone", "visit", "line")
SEXES = ("female", "male")
WARDS = ("北区", "南区", "東区")
BANDS = ("20s", "30s", "40s", "50s")

contact = st.tuples(st.one_of(st.none(), st.integers(0, 14)), st.integers(0, 2), st.integers(0, 11))


def tally(key, current, previous, *, attr, choices, title):
    rows = []
    for value in [*choices, NO_CASE]:

        def pick(records, value=value):
            return [r for r in records if attr(r) == value]

        now, before = pick(current), pick(previous)
        if value == NO_CASE and not now and not before:
            continue
        rows.append(
            Row(
                key=value,
                label=str(value),
                count=len(now),
                persons=len({r[0] for r in now if r[0] is not None}),
                prev_count=len(before),
                prev_persons=len({r[0] for r in before if r[0] is not None}),
            )
        )
    total = Row(
        key="total",
        label="合計",
        count=len(current),
        persons=len({r[0] for r in current if r[0] is not None}),
        prev_count=len(previous),
        prev_persons=len({r[0] for r in previous if r[0] is not None}),
    )
    return Breakdown(key=key, title=title, count_label="延べ件数", rows=rows, total=total)


def statistics(current, previous) -> Statistics:
    def person(attribute):
        return lambda r: NO_CASE if r[0] is None else attribute[r[0] % len(attribute)]

    breakdowns = [
        tally(
            "method",
            current,
            previous,
            attr=lambda r: METHODS[r[1]],
            choices=METHODS,
            title="相談方法別",
        ),
        tally("sex", current, previous, attr=person(SEXES), choices=SEXES, title="性別"),
        tally("ward", current, previous, attr=person(WARDS), choices=WARDS, title="居住区別"),
        tally("age", current, previous, attr=person(BANDS), choices=BANDS, title="年代別"),
    ]
    intakes_now = [r for r in current if r[0] is not None and r[2] == 0]
    intakes_before = [r for r in previous if r[0] is not None and r[2] == 0]
    breakdowns.append(
        tally(
            "heard_via",
            intakes_now,
            intakes_before,
            attr=lambda r: ("portal", "line")[r[0] % 2],
            choices=("portal", "line"),
            title="センターを知ったきっかけ別（受付時）",
        )
    )
    breakdowns.append(
        tally("closure", [], [], attr=lambda r: "", choices=("goal_reached",), title="終結の理由別")
    )
    months = tally(
        "month",
        current,
        previous,
        attr=lambda r: str(r[2]),
        choices=[str(i) for i in range(12)],
        title="月別の推移",
    )
    total = breakdowns[0].total
    return Statistics(
        fiscal_year=2020,
        center_ids=(1,),
        first_day=date(2020, 4, 1),
        last_day=date(2021, 3, 31),
        breakdowns=breakdowns,
        months=months,
        external=[],
        totals={
            "contacts": total.count,
            "persons": total.persons,
            "intakes": breakdowns[4].total.count,
            "prev_contacts": total.prev_count,
            "prev_persons": total.prev_persons,
            "closures": 0,
        },
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(contact, max_size=80), st.lists(contact, max_size=80))
def test_no_publication_lets_a_masked_figure_be_narrowed(current, previous):
    stats = statistics(current, previous)
    try:
        report = build_report(stats, publication=True, limit=LIMIT)
    except PublicationRefused:
        return
    rows = [_header(), *[[str(v) for v in row] for row in report_rows(report, "市")]]
    shown = [v for r in rows[1:] for v in r[5:9] if v.isdigit()]
    assert not [v for v in shown if 1 <= int(v) <= LIMIT]
    for q, (low, high) in attacker_intervals(rows).items():
        assert high - low >= LIMIT + 1, (q, low, high)
