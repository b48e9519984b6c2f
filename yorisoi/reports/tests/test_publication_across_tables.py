"""Published figures cannot be undone across tables (issue 9, point 1).

The attack the issue found in analyst1's 公表用 CSV: 「ケースのない相談」 (11) was masked in
居住区別 as a second cell, but shown in other tables, so 836 − 824 − 11 = 1 gave back the masked
「不明・未記入」. These tests build data that reproduces it and attack the files as a reader
would: from the published figures alone, with an LP written here (scipy), independent of the
app's own audit.
"""

from __future__ import annotations

import math
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from scipy.optimize import linprog

from yorisoi.assessments.catalog import builtin_rows
from yorisoi.assessments.models import Assessment, InstrumentResponse
from yorisoi.cases.models import Case, Consulter, Contact, Method
from yorisoi.people.models import AgeBand, Sex

from . import factories as f
from .conftest import YEAR
from .pages import csv_rows, page_tables, xlsx_sheets

LIMIT = 4
WARDS = ("北区", "南区", "東区", "西区")
NO_CASE = "ケースのない相談（機関相談など）"
CONTACT_TABLES = ("相談方法別", "相談者別", "新規・継続別", "年代別", "性別", "居住区別")
CONTACT_TABLES += ("ひきこもりの状態の区分別", "ひきこもりの状態の期間別", "月別の推移")


@pytest.fixture
def attack_world(center1, worker1):
    """836 contacts in 年度 2024: 824 of 60 people in four wards, 1 of a person whose ward is
    not recorded (assessed as withdrawn for 12年6か月), and 11 without a case."""
    contacts = []
    for i in range(60):
        person = f.person(
            f"市民{i}",
            ward=WARDS[i % 4],
            sex=(Sex.MALE, Sex.FEMALE)[i % 2],
            age_band=(AgeBand.AGE_20S, AgeBand.AGE_30S, AgeBand.AGE_40S)[i % 3],
        )
        case = f.case(person, center1, opened_on=date(2023 + i % 2, 5, 1))
        for k in range(14 if i < 44 else 13):  # 44 * 14 + 16 * 13 = 824
            day = date(2024 + (k % 12 >= 9), (k % 12 + 3) % 12 + 1, 1 + i % 28)
            contacts.append(
                Contact(
                    case=case,
                    center=center1,
                    occurred_at=f.at(day),
                    method=(Method.PHONE, Method.VISIT, Method.HOME_VISIT)[k % 3],
                    consulter=(Consulter.FAMILY, Consulter.SELF)[k % 2],
                    recorded_by=worker1,
                )
            )
    unknown = f.person("住所不明", ward="", sex=Sex.MALE, age_band=AgeBand.AGE_30S)
    unknown_case = f.case(unknown, center1, opened_on=date(2023, 5, 1))
    contacts.append(
        Contact(
            case=unknown_case,
            center=center1,
            occurred_at=f.at(date(2024, 6, 3)),
            method=Method.PHONE,
            consulter=Consulter.FAMILY,
            recorded_by=worker1,
        )
    )
    for k in range(11):
        contacts.append(
            Contact(
                case=None,
                center=center1,
                occurred_at=f.at(date(2024, 4 + k % 9, 10)),
                method=Method.INTER_AGENCY,
                consulter=Consulter.AGENCY,
                recorded_by=worker1,
            )
        )
    Contact.objects.bulk_create(contacts)
    assessment = Assessment.objects.create(
        case=unknown_case,
        center=center1,
        assessed_on=date(2024, 6, 3),
        created_by=worker1,
        status=Assessment.Status.COMPLETE,
        completed_at=timezone.now(),
    )
    definition = builtin_rows()["outing"]
    response = InstrumentResponse(
        assessment=assessment,
        definition=definition,
        instrument_id="outing",
        definition_version=definition.version,
        definition_hash=definition.sha256,
        snapshot={},
        classification="narrow",
    )
    response.answers = {"outing_state": "rarely_room", "duration": 150}
    response.save()
    assert Contact.objects.count() == 836


def published_csv(client, **extra) -> list[list[str]]:
    query = {"year": YEAR, "center": "all", **extra}
    response = client.get(reverse("reports:export", args=["csv"]), query)
    assert response.status_code == 200
    return csv_rows(response.content)


def figure(text: str):
    return None if text == "x" else int(text)


def attacker_intervals(rows: list[list[str]]) -> dict:
    """What a reader of the CSV can derive about each masked count (延べ件数 and its previous
    year column): every table adds up to its total, the tables of contacts share their total
    with the overview's 延べ件数, and 「ケースのない相談」 is the same figure in every table."""
    values: dict = {}
    equations: list[tuple[dict, int]] = []

    def quantity(table: str, label: str, column: int):
        if table in CONTACT_TABLES and label == "合計":
            return ("contacts", column)
        if table in CONTACT_TABLES and label == NO_CASE:
            return ("no_case", column)
        return (table, label, column)

    by_table: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        by_table.setdefault(row[2], []).append(row)
    for row in by_table.get("概要", []):
        if row[3] == "延べ件数（相談件数）":
            values[("contacts", 5)] = figure(row[5])
    for table, table_rows in by_table.items():
        if table in ("概要", "外部の数値"):
            continue
        for column in (5, 7):
            if not table_rows[0][column]:
                continue
            parts = []
            for row in table_rows:
                q = quantity(table, row[3], column)
                value = figure(row[column])
                if values.get(q) is None:
                    values[q] = value
                if row[3] != "合計":
                    parts.append(q)
            total = quantity(table, "合計", column)
            equations.append(({**dict.fromkeys(parts, 1), total: -1}, 0))
    hidden = sorted((q for q, v in values.items() if v is None), key=repr)
    index = {q: i for i, q in enumerate(hidden)}
    a_eq, b_eq = [], []
    for coefficients, rhs in equations:
        row = [0.0] * len(hidden)
        constant = rhs
        for q, c in coefficients.items():
            if q in index:
                row[index[q]] += c
            else:
                constant -= c * values[q]
        if any(row):
            a_eq.append(row)
            b_eq.append(constant)
    out = {}
    for q in hidden:
        bounds = []
        for sign in (1, -1):
            c = [0.0] * len(hidden)
            c[index[q]] = sign
            result = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            bounds.append(math.inf if result.status == 3 else sign * result.fun)
        out[q] = (math.ceil(bounds[0] - 1e-6), bounds[1])
    return out


def test_the_issues_attack_no_longer_gives_back_a_masked_count(client, analyst1, attack_world):
    client.force_login(analyst1)
    rows = published_csv(client, publication="1")
    ward = {r[3]: r for r in rows if r[2] == "居住区別"}
    assert ward["不明・未記入"][5] == "x"
    assert ward["合計"][5] == "836"
    # The no-case figure is either masked in every table or shown in every table, never both.
    no_case = {r[5] for r in rows if r[3] == NO_CASE}
    assert len(no_case) == 1, no_case
    # 836 minus what 居住区別 shows never leaves the masked 「不明・未記入」 alone.
    hidden_in_ward = [label for label, r in ward.items() if r[5] == "x"]
    assert len(hidden_in_ward) >= 2, "a lone masked row is recovered by subtraction"
    for q, (low, high) in attacker_intervals(rows).items():
        assert high - low >= LIMIT + 1, f"{q} narrowed to [{low}, {high}]"


def test_analysts_get_publication_figures_even_when_asking_for_exact_ones(
    client, analyst1, attack_world
):
    client.force_login(analyst1)
    asked_exact = published_csv(client, publication="0")
    assert asked_exact == published_csv(client, publication="1")
    counts = [figure(v) for r in asked_exact[1:] if r[2] != "外部の数値" for v in r[5:9] if v]
    assert not [v for v in counts if v is not None and 1 <= v <= LIMIT]
    sheets = xlsx_sheets(
        client.get(
            reverse("reports:export", args=["xlsx"]), {"year": YEAR, "center": "all"}
        ).content
    )
    cells = [v for row in sheets["内訳"] for v in row if isinstance(v, int)]
    assert "x" in [v for row in sheets["内訳"] for v in row]
    assert not [v for v in cells if 1 <= v <= LIMIT]


def test_the_analysts_page_shows_the_publication_figures(client, analyst1, attack_world):
    client.force_login(analyst1)
    page = client.get(reverse("reports:statistics"), {"year": YEAR, "center": "all"})
    html = page.content.decode()
    tables = page_tables(html)
    wards = {row[0]: row[1] for row in tables["table-ward"][1:]}
    assert wards["不明・未記入"] == "x"
    csv_ward = {r[3]: r[5] for r in published_csv(client) if r[2] == "居住区別"}
    assert {k: v.replace(",", "") for k, v in wards.items()} == csv_ward
    assert "内部用（正確な数値）で表示する" not in html
    assert 'value="0"' not in html  # no choice of exact figures in the export form


def test_managers_see_exact_figures_of_their_own_center_and_can_switch(
    client, manager1, center1, attack_world
):
    client.force_login(manager1)
    query = {"year": YEAR, "center": center1.pk}
    exact = page_tables(client.get(reverse("reports:statistics"), query).content.decode())
    assert {row[0]: row[1] for row in exact["table-ward"][1:]}["不明・未記入"] == "1"
    published = client.get(reverse("reports:statistics"), {**query, "publication": "1"})
    wards = {row[0]: row[1] for row in page_tables(published.content.decode())["table-ward"][1:]}
    assert wards["不明・未記入"] == "x"
    assert "公表用で表示中" in published.content.decode()


def test_the_pdf_carries_no_target_figure_the_masking_did_not_see(
    client, manager1, center1, attack_world
):
    from yorisoi.reports.models import Target
    from yorisoi.reports.selectors import scope_for, statistics_report, targets_progress
    from yorisoi.reports.tables import published_progress

    Target.objects.create(
        metric="social_participation", center=center1, start_year=YEAR, end_year=YEAR, value=3
    )
    Target.objects.create(
        metric="contacts", center=center1, start_year=YEAR - 1, end_year=YEAR + 1, value=900
    )
    # One case closed as 目標達成・社会参加: a count of 1, masked in the publication.
    f.closed(
        Case.objects.filter(center=center1).first(), on=date(2024, 9, 1), reason="goal_reached"
    )
    scope = scope_for(manager1, str(center1.pk))
    report = statistics_report(user=manager1, scope=scope, year=YEAR, publication=True)
    progress = targets_progress(user=manager1, year=YEAR)
    rows = published_progress(report, progress, center_id=center1.pk, is_city=False)
    hidden = {r.target.metric: r.hidden for r in rows}
    assert hidden == {"social_participation": True, "contacts": True}


def test_the_targets_page_masks_small_achievements_for_analysts(
    client, analyst1, manager1, center1, attack_world
):
    from yorisoi.reports.models import Target

    Target.objects.create(
        metric="social_participation", center=center1, start_year=YEAR, end_year=YEAR, value=3
    )
    f.closed(
        Case.objects.filter(center=center1).first(), on=date(2024, 9, 1), reason="goal_reached"
    )
    client.force_login(analyst1)
    html = client.get(reverse("reports:targets"), {"year": YEAR}).content.decode()
    assert "少数のため秘匿" in html
    client.force_login(manager1)
    html = client.get(reverse("reports:targets"), {"year": YEAR}).content.decode()
    assert "少数のため秘匿" not in html
