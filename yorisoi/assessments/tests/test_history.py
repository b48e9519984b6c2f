"""A person's assessments over time: change since last time, an accessible SVG chart per score
with its data table, comparison with the previous assessment, and a constant query count."""

from __future__ import annotations

import re
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import OUTING_NARROW, assess, k6

OUTING_SEMI = {**OUTING_NARROW, "outing_state": "hobby_only"}


def lonely(value: int) -> dict:
    return {"no_companions": value, "left_out": value, "cut_off": value}


def three_assessments(worker, case):
    assess(worker, case, {"k6": k6(13), "outing": OUTING_NARROW}, on=date(2025, 4, 10))
    assess(
        worker,
        case,
        {"k6": k6(9), "outing": OUTING_NARROW, "loneliness": lonely(3)},
        on=date(2025, 10, 1),
    )
    return assess(
        worker,
        case,
        {"k6": k6(14), "outing": OUTING_SEMI, "loneliness": lonely(2)},
        on=date(2026, 3, 31),
    ).assessment


def test_the_list_shows_change_since_last_time(client, worker1, case_c1):
    three_assessments(worker1, case_c1)
    client.force_login(worker1)
    html = client.get(f"/assessments/case/{case_c1.pk}/").content.decode()
    assert "−4点（前回 13点）" in html
    assert "+5点（前回 9点）" in html
    assert "狭義のひきこもりの状態 → 準ひきこもりの状態" in html
    assert "区分は変わらず" in html
    assert "−3点（前回 9点）" in html  # loneliness 9 -> 6
    # Newest first.
    assert html.index("2026-03-31") < html.index("2025-10-01") < html.index("2025-04-10")


def test_each_score_has_an_accessible_svg_chart_with_a_table(client, worker1, case_c1):
    three_assessments(worker1, case_c1)
    assess(worker1, case_c1, {"k6": k6(24)}, complete=False)  # drafts are not charted
    client.force_login(worker1)
    html = client.get(f"/assessments/case/{case_c1.pk}/").content.decode()
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, flags=re.S)
    assert len(svgs) == 2  # K6 and loneliness; classification-only instruments have no total
    k6_svg = next(s for s in svgs if "chart-k6" in s)
    assert 'role="img"' in k6_svg
    assert 'aria-labelledby="chart-k6-title"' in k6_svg
    assert 'aria-describedby="chart-k6-table"' in k6_svg
    assert (
        '<title id="chart-k6-title">心理的苦痛（K6）の合計点の推移（範囲 0〜24点）</title>'
        in k6_svg
    )
    points = re.search(r'<polyline class="score-chart__line" points="([^"]+)"', k6_svg).group(1)
    assert len(points.split()) == 3
    assert k6_svg.count("<circle") == 3
    # y grows downward: 14 is drawn higher than 9.
    ys = [float(p.split(",")[1]) for p in points.split()]
    assert ys[2] < ys[1] and ys[0] < ys[1]
    table = html[html.index('<table id="chart-k6-table">') :]
    table = table[: table.index("</table>")]
    assert [int(v) for v in re.findall(r"<td>(\d+)</td>", table)] == [13, 9, 14]
    assert "−4" in table and "+5" in table


def test_a_single_assessment_draws_one_point(client, worker1, case_c1):
    assess(worker1, case_c1, {"k6": k6(5)})
    client.force_login(worker1)
    html = client.get(f"/assessments/case/{case_c1.pk}/").content.decode()
    assert html.count('class="score-chart__point"') == 1
    assert "<polyline" not in html


def test_the_detail_page_compares_with_the_previous_assessment(client, worker1, case_c1):
    latest = three_assessments(worker1, case_c1)
    client.force_login(worker1)
    html = client.get(latest.get_absolute_url()).content.decode()
    assert "前回（2025-10-01）との比較" in html
    assert "9点 → 14点（+5点）" in html
    assert "区分：狭義のひきこもりの状態 → 準ひきこもりの状態" in html
    assert "変化あり" in html
    row = re.search(
        r"<tr class=\"changed\">\s*<th scope=\"row\">ふだんどのくらい外出しますか</th>.*?</tr>",
        html,
        flags=re.S,
    )
    assert row and "自室からは出るが、家からは出ない" in row.group(0)


def test_the_first_assessment_has_nothing_to_compare(client, worker1, case_c1):
    first = assess(worker1, case_c1, {"k6": k6(5)}).assessment
    client.force_login(worker1)
    html = client.get(first.get_absolute_url()).content.decode()
    assert "との比較" not in html
    listing = client.get(f"/assessments/case/{case_c1.pk}/").content.decode()
    assert "初回" in listing


def test_another_cases_assessments_stay_out(client, worker1, case_c1):
    from .factories import make_case

    other = make_case(worker1, case_c1.center)
    assess(worker1, other, {"k6": k6(21)})
    assess(worker1, case_c1, {"k6": k6(2)})
    client.force_login(worker1)
    html = client.get(f"/assessments/case/{case_c1.pk}/").content.decode()
    assert "21点" not in html and "2点（0〜24点）" in html


def test_the_page_reads_in_english(client, worker1, case_c1):
    three_assessments(worker1, case_c1)
    client.force_login(worker1)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/assessments/case/{case_c1.pk}/").content.decode()
    assert "Psychological distress (K6)" in html
    assert "Semi-withdrawn state" in html
    assert "心理的苦痛" not in html


def _count_list_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/assessments/case/{case.pk}/").status_code == 200
    return len(queries)


def test_list_page_query_count_does_not_grow(client, worker1, case_c1, django_assert_num_queries):
    assess(worker1, case_c1, {"k6": k6(3), "outing": OUTING_NARROW}, on=date(2025, 4, 1))
    client.force_login(worker1)
    few = _count_list_queries(client, case_c1)
    for month in range(5, 12):
        assess(
            worker1,
            case_c1,
            {"k6": k6(month), "outing": OUTING_SEMI, "loneliness": lonely(2)},
            on=date(2025, month, 1),
        )
    assess(worker1, case_c1, {"k6": k6(1)}, complete=False)
    with django_assert_num_queries(few):
        client.get(f"/assessments/case/{case_c1.pk}/")
