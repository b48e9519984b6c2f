# SQL here is assembled from model metadata and constants only; every value is a parameter.
# ruff: noqa: S608
"""Fiscal-year statistics: 延べ件数 and 実人数 by every breakdown, computed in the database.

One statement reads the year's contacts (and the previous year's, for the comparison) once:
stage 1 groups them by case with filtered counts per method, consulter and month; stage 2 joins
those per-case rows to cases and persons and aggregates each breakdown with GROUP BY or
COUNT(DISTINCT ...) over them. Reading every contact once matters: on SQLite a pass over
200,000 contacts costs far more than any aggregate over the few thousand per-case rows.
Closures, referrals, the length of withdrawal and external figures are small further queries,
so a page makes the same number of queries whatever the data size.

Counting rules (shown on the page as notes):
- 延べ件数 counts contacts; 実人数 counts distinct persons. A merged person counts as the person
  they were merged into (merged_into, followed two steps). A person with no name at all
  (anonymous) counts once per case, since nothing shows that two cases are the same person.
- Person attributes (sex, age band, ward) are those of the surviving person; age is the age on
  the first day of the fiscal year (or the recorded age band when there is no birth date).
- New (新規) means the case was opened in the year; continuing (継続) means earlier.
- Contacts without a case (an agency consultation about someone the center has no record of)
  count in 延べ件数 and in the contact-level breakdowns, and under their own row elsewhere.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yorisoi.cases.models import (
    Case,
    ClosureReason,
    Consulter,
    Contact,
    HeardVia,
    Method,
    Status,
)
from yorisoi.core.japanese import fiscal_year_bounds
from yorisoi.people.models import AgeBand, Person, Sex

from .labels import year_label
from .metrics import EXTERNAL_METRICS, Metric

NO_CASE = "__no_case__"
TOTAL = "__total__"
UNKNOWN = "__unknown__"
OUTING_INSTRUMENT = "outing"

WITHDRAWAL_CHOICES = (
    ("semi", _("準ひきこもりの状態")),
    ("narrow", _("狭義のひきこもりの状態")),
    ("none", _("区分に該当しない")),
    (UNKNOWN, _("未評価")),
)
# (code, label, lower bound in months inclusive, upper bound exclusive)
DURATION_BANDS = (
    ("lt6m", _("6か月未満"), 0, 6),
    ("6m_1y", _("6か月〜1年未満"), 6, 12),
    ("1y_3y", _("1年〜3年未満"), 12, 36),
    ("3y_5y", _("3年〜5年未満"), 36, 60),
    ("5y_10y", _("5年〜10年未満"), 60, 120),
    ("10y_20y", _("10年〜20年未満"), 120, 240),
    ("20y_plus", _("20年以上"), 240, None),
    (UNKNOWN, _("未評価"), None, None),
)
NEWNESS_CHOICES = (("new", _("新規")), ("continuing", _("継続")))
CENTER_DESTINATION = "center"
AGE_BOUNDS = (
    (20, AgeBand.UNDER_20),
    (30, AgeBand.AGE_20S),
    (40, AgeBand.AGE_30S),
    (50, AgeBand.AGE_40S),
    (60, AgeBand.AGE_50S),
    (70, AgeBand.AGE_60S),
)


@dataclass
class Row:
    key: str
    label: str
    count: int = 0
    persons: int = 0
    prev_count: int | None = None
    prev_persons: int | None = None

    @property
    def change(self) -> int | None:
        if self.prev_count is None:
            return None
        return self.count - self.prev_count

    @property
    def change_ratio(self) -> float | None:
        if not self.prev_count:
            return None
        return (self.count - self.prev_count) / self.prev_count


@dataclass
class Breakdown:
    key: str
    title: str
    count_label: str
    rows: list[Row]
    total: Row
    note: str = ""
    has_prev: bool = True
    # Whether a person counted in one row can also count in another (e.g. by method).
    persons_overlap: bool = False
    # Whether a manager can list the cases behind each row.
    drillable: bool = True


@dataclass
class ExternalSeries:
    metric: str
    label: str
    months: list[int | None]  # Apr..Mar; None: not entered
    total: int
    prev_total: int
    sources: list[str]


@dataclass
class PreviousToDate:
    """The previous fiscal year's summary figures up to the same day, for a year in progress."""

    first_day: date
    last_day: date
    values: dict[str, int]


@dataclass
class Statistics:
    fiscal_year: int
    center_ids: tuple[int, ...]
    first_day: date
    last_day: date
    breakdowns: list[Breakdown]
    months: Breakdown
    external: list[ExternalSeries]
    totals: dict[str, int] = field(default_factory=dict)
    # For a year in progress: the day the figures run to, how many of its months have begun
    # (the rest have nothing to compare), and the previous year up to the same day.
    as_of: date | None = None
    months_reached: int | None = None
    previous_to_date: PreviousToDate | None = None

    @property
    def in_progress(self) -> bool:
        return self.as_of is not None

    @property
    def label(self) -> str:
        return year_label(self.fiscal_year)

    @property
    def previous_label(self) -> str:
        return year_label(self.fiscal_year - 1)

    @property
    def is_empty(self) -> bool:
        return not (
            self.totals.get("contacts")
            or self.totals.get("referrals")
            or self.totals.get("closures")
            or any(s.total for s in self.external)
        )

    def breakdown(self, key: str) -> Breakdown:
        if key == "month":
            return self.months
        return next(b for b in self.breakdowns if b.key == key)


# --- SQL helpers --------------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _q(model._meta.db_table)


def _col(model, name: str) -> str:
    return _q(model._meta.get_field(name).column)


def local_start(day: date) -> datetime:
    """The first instant of a local (Asia/Tokyo) day, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _dt(day: date):
    return connection.ops.adapt_datetimefield_value(local_start(day))


def _d(day: date):
    return connection.ops.adapt_datefield_value(day)


def month_starts(fiscal_year: int) -> list[date]:
    """April 1 .. March 1 of a fiscal year, and April 1 of the next (13 dates)."""
    out = []
    for i in range(13):
        month = (3 + i) % 12 + 1
        year = fiscal_year + (3 + i) // 12
        out.append(date(year, month, 1))
    return out


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # February 29
        return day.replace(year=day.year - years, day=28)


def _person_joins(case_alias: str) -> str:
    """LEFT JOINs of the case's person (p), the person it was merged into (m) and that one's
    own merge target (r)."""
    person = _table(Person)
    merged = _col(Person, "merged_into")
    return (
        f"LEFT JOIN {person} p ON p.id = {case_alias}.{_col(Case, 'person')} "
        f"LEFT JOIN {person} m ON m.id = p.{merged} "
        f"LEFT JOIN {person} r ON r.id = m.{merged}"
    )


def _root(column: str) -> str:
    """A column of the surviving person of a merge chain."""
    return (
        f"CASE WHEN r.id IS NOT NULL THEN r.{column} WHEN m.id IS NOT NULL THEN m.{column} "
        f"ELSE p.{column} END"
    )


def _person_key(case_alias: str) -> str:
    """The distinct-person key: the surviving person's id, or minus the case id for a person
    with no name (counted once per case) unless someone was merged into them."""
    person = _table(Person)
    merged = _col(Person, "merged_into")
    nameless = " AND ".join(
        f"p.{_col(Person, f)} = ''"
        for f in ("family_name", "given_name", "family_name_kana", "given_name_kana")
    )
    return (
        "CASE WHEN r.id IS NOT NULL THEN r.id WHEN m.id IS NOT NULL THEN m.id "
        f"WHEN p.id IS NULL THEN NULL "
        f"WHEN {nameless} AND p.id NOT IN (SELECT {merged} FROM {person} "
        f"WHERE {merged} IS NOT NULL) THEN -{case_alias}.id "
        "ELSE p.id END"
    )


def _age_band_sql(reference: date) -> tuple[str, list]:
    birth = _root(_col(Person, "birth_date"))
    band = _root(_col(Person, "age_band"))
    parts = [f"CASE WHEN ({birth}) IS NULL THEN {band}"]
    params: list = []
    for years, code in AGE_BOUNDS:
        parts.append(f"WHEN ({birth}) > %s THEN '{code.value}'")
        params.append(_d(_years_before(reference, years)))
    parts.append(f"ELSE '{AgeBand.AGE_70_PLUS.value}' END")
    return " ".join(parts), params


def _assessments_available() -> bool:
    return apps.is_installed("yorisoi.assessments")


def _agencies_available() -> bool:
    return apps.is_installed("yorisoi.agencies")


def _classification_sql(case_alias: str, as_of: date) -> tuple[str, list]:
    if not _assessments_available():
        return "NULL", []
    from yorisoi.assessments.models import Assessment, InstrumentResponse

    a, r = _table(Assessment), _table(InstrumentResponse)
    sql = (
        f"(SELECT ir.{_col(InstrumentResponse, 'classification')} FROM {r} ir "
        f"JOIN {a} aa ON aa.id = ir.{_col(InstrumentResponse, 'assessment')} "
        f"WHERE aa.{_col(Assessment, 'case')} = {case_alias}.id "
        f"AND aa.{_col(Assessment, 'status')} = %s "
        f"AND ir.{_col(InstrumentResponse, 'instrument_id')} = %s "
        f"AND aa.{_col(Assessment, 'assessed_on')} <= %s "
        f"ORDER BY aa.{_col(Assessment, 'assessed_on')} DESC, aa.id DESC LIMIT 1)"
    )
    return sql, [Assessment.Status.COMPLETE.value, OUTING_INSTRUMENT, _d(as_of)]


def _in(values) -> tuple[str, list]:
    values = list(values)
    return ", ".join(["%s"] * len(values)), values


# --- the main statement ---------------------------------------------------------------------------


def _month_index_sql(column: str, bounds: list, low: int, high: int) -> tuple[str, list]:
    """The index i of the month [bounds[i], bounds[i+1]) holding `column`, for a value known to
    lie in [bounds[low], bounds[high]): a balanced CASE, about log2(high - low) comparisons."""
    if high - low == 1:
        return str(low), []
    mid = (low + high) // 2
    left, left_params = _month_index_sql(column, bounds, low, mid)
    right, right_params = _month_index_sql(column, bounds, mid, high)
    return (
        f"CASE WHEN {column} < %s THEN {left} ELSE {right} END",
        [bounds[mid], *left_params, *right_params],
    )


def _contact_statement(center_ids: tuple[int, ...], fiscal_year: int) -> tuple[str, list]:
    """Stage 1 (per case, one pass over two years of contacts) and stage 2 (every breakdown),
    as rows (dimension, value, count, persons, prev_count, prev_persons)."""
    k = Contact
    occurred = f"k.{_col(k, 'occurred_at')}"
    method, consulter = f"k.{_col(k, 'method')}", f"k.{_col(k, 'consulter')}"
    intake, heard = f"k.{_col(k, 'is_intake')}", f"k.{_col(k, 'heard_via')}"
    current, previous = month_starts(fiscal_year), month_starts(fiscal_year - 1)
    bounds = previous[:12] + current  # 25 month starts, prev April .. next April

    center_marks, center_params = _in(center_ids)
    # Stage 1a: per case and month (0-11 the previous year, 12-23 this one). The month comes
    # from a balanced CASE over the month starts, a handful of comparisons per contact.
    month_sql, month_params = _month_index_sql(occurred, [_dt(d) for d in bounds], 0, 24)
    cols = [f"COUNT(*) FILTER (WHERE {method} = %s) AS m{i}" for i in range(len(Method.values))]
    cols += [
        f"COUNT(*) FILTER (WHERE {consulter} = %s) AS c{i}" for i in range(len(Consulter.values))
    ]
    params = [*month_params, *Method.values, *Consulter.values]
    per_month = (
        f"SELECT k.{_col(k, 'case')} AS case_id, {month_sql} AS mi, COUNT(*) AS n, "
        f"{', '.join(cols)}, COUNT(*) FILTER (WHERE {intake}) AS intakes, "
        f"MAX({heard}) FILTER (WHERE {intake}) AS heard "
        f"FROM {_table(k)} k WHERE k.{_col(k, 'center')} IN ({center_marks}) "
        f"AND {occurred} >= %s AND {occurred} < %s GROUP BY 1, 2"
    )
    params += [*center_params, _dt(bounds[0]), _dt(bounds[24])]
    # Stage 1b: per case, this year's and last year's figures side by side.
    cur, prev = "FILTER (WHERE mi >= 12)", "FILTER (WHERE mi < 12)"
    cols = [f"COALESCE(SUM(n) {cur}, 0) AS n", f"COALESCE(SUM(n) {prev}, 0) AS n_prev"]
    for name, count in (("m", len(Method.values)), ("c", len(Consulter.values))):
        for i in range(count):
            cols += [f"SUM({name}{i}) {cur} AS {name}{i}", f"SUM({name}{i}) {prev} AS p{name}{i}"]
    cols += [
        f"SUM(intakes) {cur} AS intakes",
        f"SUM(intakes) {prev} AS p_intakes",
        "MAX(heard) FILTER (WHERE mi >= 12 AND intakes > 0) AS heard",
        "MAX(heard) FILTER (WHERE mi < 12 AND intakes > 0) AS p_heard",
    ]
    cols += [f"SUM(n) FILTER (WHERE mi = {j}) AS mo{j}" for j in range(24)]
    stage1 = f"SELECT case_id, {', '.join(cols)} FROM ({per_month}) pm GROUP BY case_id"

    band_cur, band_cur_params = _age_band_sql(current[0])
    band_prev, band_prev_params = _age_band_sql(previous[0])
    cls, cls_params = _classification_sql("ca", current[12] - timedelta(days=1))
    opened = f"ca.{_col(Case, 'opened_on')}"
    x = (
        f"x AS MATERIALIZED (SELECT s.*, "
        f"{_person_key('ca')} AS pkey, "
        f"{_root(_col(Person, 'sex'))} AS sex, {_root(_col(Person, 'ward'))} AS ward, "
        f"{band_cur} AS band, {band_prev} AS p_band, "
        f"CASE WHEN ca.id IS NULL THEN NULL WHEN {opened} >= %s THEN 'new' "
        f"ELSE 'continuing' END AS newness, "
        f"CASE WHEN ca.id IS NULL THEN NULL WHEN {opened} >= %s AND {opened} < %s THEN 'new' "
        f"ELSE 'continuing' END AS p_newness, "
        f"CASE WHEN ca.id IS NULL THEN NULL ELSE COALESCE({cls}, '{UNKNOWN}') END AS cls "
        f"FROM ({stage1}) s LEFT JOIN {_table(Case)} ca ON ca.id = s.case_id "
        f"{_person_joins('ca')})"
    )
    # In the order the placeholders appear: the select list first, stage 1 in FROM last.
    x_params = [
        *band_cur_params,
        *band_prev_params,
        _d(current[0]),
        _d(previous[0]),
        _d(current[0]),
        *cls_params,
        *params,
    ]

    # y: one row per person (per distinct-person key), so the figures that follow a person
    # count rows instead of distinct keys. Case-less contacts share the NULL key's row.
    summed = [
        "n",
        "n_prev",
        "intakes",
        "p_intakes",
        *(f"{p}m{i}" for i in range(len(Method.values)) for p in ("", "p")),
        *(f"{p}c{i}" for i in range(len(Consulter.values)) for p in ("", "p")),
        *(f"mo{j}" for j in range(24)),
    ]
    y = (
        "y AS MATERIALIZED (SELECT pkey, "
        + ", ".join(f"SUM({c}) AS {c}" for c in summed)
        + ", MAX(sex) AS sex, MAX(ward) AS ward, MAX(band) AS band, MAX(p_band) AS p_band "
        "FROM x GROUP BY pkey)"
    )

    def persons_y(expr: str) -> str:
        return f"COUNT(*) FILTER (WHERE {expr} > 0 AND pkey IS NOT NULL)"

    def persons_x(expr: str) -> str:
        return f"COUNT(DISTINCT CASE WHEN {expr} > 0 THEN pkey END)"

    selects: list[str] = []
    sel_params: list = []
    # Every figure with a fixed list of values comes from one scan of y into a single row
    # (agg), which the selects below then read column by column.
    aggregates: list[str] = []

    def fixed(dim: str, value: str, cur: str, prev: str | None) -> None:
        k = len(aggregates)
        aggregates.extend([f"SUM({cur})", persons_y(cur)])
        aggregates.extend([f"SUM({prev})", persons_y(prev)] if prev else ["NULL", "NULL"])
        selects.append(f"SELECT %s, %s, a{k}, a{k + 1}, a{k + 2}, a{k + 3} FROM agg")
        sel_params.extend([dim, value])

    fixed("total", "", "n", "n_prev")
    fixed("intakes", "", "intakes", "p_intakes")
    for i, value in enumerate(Method.values):
        fixed("method", value, f"m{i}", f"pm{i}")
    for i, value in enumerate(Consulter.values):
        fixed("consulter", value, f"c{i}", f"pc{i}")
    for i in range(12):
        fixed("month", str(i), f"mo{i + 12}", f"mo{i}")

    def grouped(dim: str, value_sql: str, cur: str | None, prev: str | None, *, source="x"):
        persons = persons_y if source == "y" else persons_x
        cur_sql = f"SUM({cur}), {persons(cur)}" if cur else "0, 0"
        prev_sql = f"SUM({prev}), {persons(prev)}" if prev else "0, 0"
        where = " OR ".join(f"{e} > 0" for e in (cur, prev) if e)
        selects.append(
            f"SELECT %s, {value_sql}, {cur_sql}, {prev_sql} FROM {source} WHERE {where} "
            f"GROUP BY {value_sql}"
        )
        sel_params.append(dim)

    # A person's sex, ward and age band are the surviving person's: one value per key.
    grouped("sex", "sex", "n", "n_prev", source="y")
    grouped("ward", "ward", "n", "n_prev", source="y")
    grouped("age", "band", "n", None, source="y")
    grouped("age", "p_band", None, "n_prev", source="y")
    # Newness, how they heard and the classification belong to a case, and a person may have
    # cases at several centers.
    grouped("newness", "newness", "n", None)
    grouped("newness", "p_newness", None, "n_prev")
    grouped("heard_via", "heard", "intakes", None)
    grouped("heard_via", "p_heard", None, "p_intakes")
    grouped("withdrawal", "cls", "n", None)
    agg = (
        "agg AS MATERIALIZED (SELECT "
        + ", ".join(f"{expr} AS a{k}" for k, expr in enumerate(aggregates))
        + " FROM y)"
    )
    statement = f"WITH {x}, {y}, {agg} " + " UNION ALL ".join(selects)
    return statement, x_params + sel_params


# --- the smaller queries ------------------------------------------------------------------------


def _closure_rows(center_ids, fiscal_year) -> list[tuple]:
    """Closed cases by closure reason, this year and the previous one, plus a total row."""
    first, _last = fiscal_year_bounds(fiscal_year)
    prev_first = fiscal_year_bounds(fiscal_year - 1)[0]
    closed_on = f"ca.{_col(Case, 'closed_on')}"
    reason = f"ca.{_col(Case, 'closure_reason')}"
    key = _person_key("ca")
    marks, params = _in(center_ids)
    figures = (
        f"COUNT(*) FILTER (WHERE {closed_on} >= %s), "
        f"COUNT(DISTINCT CASE WHEN {closed_on} >= %s THEN {key} END), "
        f"COUNT(*) FILTER (WHERE {closed_on} < %s), "
        f"COUNT(DISTINCT CASE WHEN {closed_on} < %s THEN {key} END) "
        f"FROM {_table(Case)} ca {_person_joins('ca')} "
        f"WHERE ca.{_col(Case, 'center')} IN ({marks}) AND ca.{_col(Case, 'status')} = %s "
        f"AND {closed_on} >= %s AND {closed_on} < %s"
    )
    args = [
        *([_d(first)] * 4),
        *params,
        Status.CLOSED.value,
        _d(prev_first),
        _d(first.replace(year=first.year + 1)),
    ]
    sql = f"SELECT {reason}, {figures} GROUP BY {reason} UNION ALL SELECT %s, {figures}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*args, TOTAL, *args])
        return cursor.fetchall()


def _agency_consultation_rows(center_ids, fiscal_year) -> list[tuple] | None:
    """Contacts recorded as agency consultations (機関相談), by the kind of agency that asked,
    this year and the previous one, plus a total row. None without the agencies app."""
    if not _agencies_available():
        return None
    from yorisoi.agencies.models import Agency, AgencyConsultation

    first = fiscal_year_bounds(fiscal_year)[0]
    prev_first = fiscal_year_bounds(fiscal_year - 1)[0]
    k = Contact
    occurred = f"k.{_col(k, 'occurred_at')}"
    kind = f"ag.{_col(Agency, 'kind')}"
    marks, params = _in(center_ids)
    key = _person_key("ca")
    figures = (
        f"COUNT(*) FILTER (WHERE {occurred} >= %s), "
        f"COUNT(DISTINCT CASE WHEN {occurred} >= %s THEN {key} END), "
        f"COUNT(*) FILTER (WHERE {occurred} < %s), "
        f"COUNT(DISTINCT CASE WHEN {occurred} < %s THEN {key} END) "
        f"FROM {_table(AgencyConsultation)} ac "
        f"JOIN {_table(k)} k ON k.id = ac.{_col(AgencyConsultation, 'contact')} "
        f"JOIN {_table(Agency)} ag ON ag.id = ac.{_col(AgencyConsultation, 'agency')} "
        f"LEFT JOIN {_table(Case)} ca ON ca.id = k.{_col(k, 'case')} {_person_joins('ca')} "
        f"WHERE k.{_col(k, 'center')} IN ({marks}) AND {occurred} >= %s AND {occurred} < %s"
    )
    cur = _dt(first)
    args = [cur] * 4 + params + [_dt(prev_first), _dt(first.replace(year=first.year + 1))]
    sql = f"SELECT {kind}, {figures} GROUP BY {kind} UNION ALL SELECT %s, {figures}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*args, TOTAL, *args])
        return cursor.fetchall()


def _referral_rows(center_ids, fiscal_year) -> list[tuple] | None:
    """Referrals and hand-overs sent by the centers, by destination (the agency's kind, or
    another center), this year and the previous one, plus a total row. None when the agencies
    app is not installed."""
    if not _agencies_available():
        return None
    from yorisoi.agencies.models import Agency, Referral

    first, _last = fiscal_year_bounds(fiscal_year)
    prev_first = fiscal_year_bounds(fiscal_year - 1)[0]
    created = f"f.{_col(Referral, 'created_at')}"
    dest = (
        f"CASE WHEN f.{_col(Referral, 'to_center')} IS NOT NULL THEN '{CENTER_DESTINATION}' "
        f"ELSE ag.{_col(Agency, 'kind')} END"
    )
    marks, params = _in(center_ids)
    key = _person_key("ca")
    figures = (
        f"COUNT(*) FILTER (WHERE {created} >= %s), "
        f"COUNT(DISTINCT CASE WHEN {created} >= %s THEN {key} END), "
        f"COUNT(*) FILTER (WHERE {created} < %s), "
        f"COUNT(DISTINCT CASE WHEN {created} < %s THEN {key} END) "
        f"FROM {_table(Referral)} f JOIN {_table(Case)} ca ON ca.id = f.{_col(Referral, 'case')} "
        f"{_person_joins('ca')} "
        f"LEFT JOIN {_table(Agency)} ag ON ag.id = f.{_col(Referral, 'agency')} "
        f"WHERE f.{_col(Referral, 'from_center')} IN ({marks}) "
        f"AND {created} >= %s AND {created} < %s"
    )
    cur = _dt(first)
    args = [cur] * 4 + params + [_dt(prev_first), _dt(first.replace(year=first.year + 1))]
    sql = f"SELECT {dest}, {figures} GROUP BY {dest} UNION ALL SELECT %s, {figures}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*args, TOTAL, *args])
        return cursor.fetchall()


def _duration_months(answers: dict) -> int | None:
    value = answers.get("duration")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _duration_counts(center_ids, fiscal_year) -> dict[str, tuple[int, int]] | None:
    """Persons by how long the withdrawn state has lasted, from each case's latest complete
    outing assessment as of the year's end.

    The duration is an answer, and answers are encrypted at rest, so the database cannot group
    by it: this fetches one row per assessed case with a contact in the year (the latest
    response, its person key and the case's contacts in the year, all chosen in SQL) and
    bands the decrypted durations here.
    """
    if not _assessments_available():
        return None
    from yorisoi.assessments.models import Assessment, InstrumentResponse

    first, last = fiscal_year_bounds(fiscal_year)
    k = Contact
    occurred = f"k.{_col(k, 'occurred_at')}"
    a, r = _table(Assessment), _table(InstrumentResponse)
    latest = (
        f"SELECT ir.id FROM {r} ir "
        f"JOIN {a} aa ON aa.id = ir.{_col(InstrumentResponse, 'assessment')} "
        f"WHERE aa.{_col(Assessment, 'case')} = ca.id AND aa.{_col(Assessment, 'status')} = %s "
        f"AND ir.{_col(InstrumentResponse, 'instrument_id')} = %s "
        f"AND aa.{_col(Assessment, 'assessed_on')} <= %s "
        f"ORDER BY aa.{_col(Assessment, 'assessed_on')} DESC, aa.id DESC LIMIT 1"
    )
    contacts = (
        f"SELECT COUNT(*) FROM {_table(k)} k WHERE k.{_col(k, 'case')} = ca.id "
        f"AND {occurred} >= %s AND {occurred} < %s"
    )
    marks, params = _in(center_ids)
    sql = (
        f"SELECT {_person_key('ca')}, ({contacts}) AS n, "
        f"resp.{_col(InstrumentResponse, 'answers_data')} "
        f"FROM {_table(Case)} ca {_person_joins('ca')} "
        f"JOIN {r} resp ON resp.id = ({latest}) "
        f"WHERE ca.{_col(Case, 'center')} IN ({marks}) "
        f"AND EXISTS (SELECT 1 FROM {_table(k)} k WHERE k.{_col(k, 'case')} = ca.id "
        f"AND {occurred} >= %s AND {occurred} < %s)"
    )
    start, end = _dt(first), _dt(last + timedelta(days=1))
    args = [
        start,
        end,
        Assessment.Status.COMPLETE.value,
        OUTING_INSTRUMENT,
        _d(last),
        *params,
        start,
        end,
    ]
    field = InstrumentResponse._meta.get_field("answers_data")
    counts: Counter = Counter()
    persons: dict[str, set] = {code: set() for code, *_ in DURATION_BANDS}
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        fetched = cursor.fetchall()
    for key, n, encrypted in fetched:
        text = field.from_db_value(encrypted, None, connection) if encrypted else ""
        months = _duration_months(json.loads(text)) if text else None
        code = UNKNOWN
        if months is not None:
            for band, _label, low, high in DURATION_BANDS:
                if low is not None and months >= low and (high is None or months < high):
                    code = band
                    break
        counts[code] += n
        persons[code].add(key)
    return {code: (counts[code], len(persons[code])) for code, *_ in DURATION_BANDS}


# --- assembling the figures ---------------------------------------------------------------------

NO_CASE_LABEL = _("ケースのない相談（機関相談など）")
UNKNOWN_LABEL = _("不明・未記入")


def _choice_rows(choices, found: dict[str, list], *, extra_label=None) -> list[Row]:
    """Rows in the order of `choices` (every choice, zeros included), then values found in the
    data that are not among them, then the no-case row when it has any figure."""
    rows = []
    known = set()
    for value, label in choices:
        known.add(value)
        rows.append(_row(value, str(label), found.get(value)))
    for value in sorted(v for v in found if v not in known and v != NO_CASE):
        rows.append(_row(value, extra_label(value) if extra_label else value, found[value]))
    if NO_CASE in found and any(found[NO_CASE]):
        rows.append(_row(NO_CASE, str(NO_CASE_LABEL), found[NO_CASE]))
    return rows


def _row(key: str, label: str, figures: list | None, *, has_prev: bool = True) -> Row:
    count, persons, prev_count, prev_persons = figures or [0, 0, 0, 0]
    return Row(
        key=key,
        label=label,
        count=int(count or 0),
        persons=int(persons or 0),
        prev_count=int(prev_count or 0) if has_prev else None,
        prev_persons=int(prev_persons or 0) if has_prev else None,
    )


def _month_label(day: date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "YEAR_MONTH_FORMAT")


def _normalise(dim: str, value) -> str:
    if value is None:
        return NO_CASE
    if dim in ("ward",) and value == "":
        return UNKNOWN
    if dim == "heard_via" and value in ("", None):
        return HeardVia.UNKNOWN.value
    return str(value)


def _agency_kind_choices(*, with_centers: bool = True):
    if not _agencies_available():
        return []
    from yorisoi.agencies.models import AgencyKind

    if not with_centers:
        return list(AgencyKind.choices)
    return [*AgencyKind.choices, (CENTER_DESTINATION, _("他のセンターへの引継ぎ"))]


def fiscal_year_statistics(*, fiscal_year: int, center_ids, is_city: bool) -> Statistics:
    """Every figure of one fiscal year for the given centers, with the previous year's beside
    it. `is_city`: the centers are all the city's, so figures entered for the whole city count.
    """
    center_ids = tuple(sorted(center_ids))
    first, last = fiscal_year_bounds(fiscal_year)
    found: dict[str, dict[str, list]] = {}
    if center_ids:
        sql, params = _contact_statement(center_ids, fiscal_year)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
    else:
        fetched = []
    for dim, value, count, persons, prev_count, prev_persons in fetched:
        key = _normalise(dim, value)
        bucket = found.setdefault(dim, {}).setdefault(key, [0, 0, 0, 0])
        for i, figure in enumerate((count, persons, prev_count, prev_persons)):
            bucket[i] += int(figure or 0)
    total = _row("total", str(_("合計")), found.get("total", {}).get("", None))
    intakes = _row("total", str(_("合計")), found.get("intakes", {}).get("", None))

    breakdowns = [
        Breakdown(
            key="method",
            title=str(_("相談方法別")),
            count_label=str(_("延べ件数")),
            rows=_choice_rows(Method.choices, found.get("method", {})),
            total=total,
            persons_overlap=True,
            note=str(_("1人が複数の方法で相談した場合、それぞれの方法で1人と数えます。")),
        ),
        Breakdown(
            key="consulter",
            title=str(_("相談者別")),
            count_label=str(_("延べ件数")),
            rows=_choice_rows(Consulter.choices, found.get("consulter", {})),
            total=total,
            persons_overlap=True,
            note=str(_("実人数は、その相談者からの相談があった本人の数です。")),
        ),
        Breakdown(
            key="newness",
            title=str(_("新規・継続別")),
            count_label=str(_("延べ件数")),
            rows=_choice_rows(NEWNESS_CHOICES, found.get("newness", {})),
            total=total,
            persons_overlap=True,
            note=str(_("新規は、その年度にケースを受け付けた方です。")),
        ),
        Breakdown(
            key="age",
            title=str(_("年代別")),
            count_label=str(_("延べ件数")),
            rows=_choice_rows(AgeBand.choices, found.get("age", {})),
            total=total,
            note=str(_("年齢は年度初日（4月1日）時点です。生年月日がない方は記録された年代です。")),
        ),
        Breakdown(
            key="sex",
            title=str(_("性別")),
            count_label=str(_("延べ件数")),
            rows=_choice_rows(Sex.choices, found.get("sex", {})),
            total=total,
        ),
        Breakdown(
            key="ward",
            title=str(_("居住区別")),
            count_label=str(_("延べ件数")),
            rows=_ward_rows(found.get("ward", {})),
            total=total,
        ),
        Breakdown(
            key="heard_via",
            title=str(_("センターを知ったきっかけ別（受付時）")),
            count_label=str(_("受付件数")),
            rows=_choice_rows(HeardVia.choices, found.get("heard_via", {})),
            total=intakes,
            note=str(_("その年度の受付（インテーク）の記録から数えます。")),
        ),
    ]
    withdrawal_found = found.get("withdrawal", {})
    withdrawal = Breakdown(
        key="withdrawal",
        title=str(_("ひきこもりの状態の区分別")),
        count_label=str(_("延べ件数")),
        rows=[
            _row(value, str(label), withdrawal_found.get(value), has_prev=False)
            for value, label in WITHDRAWAL_CHOICES
        ],
        total=_row("total", str(_("合計")), found.get("total", {}).get(""), has_prev=False),
        has_prev=False,
        persons_overlap=True,
        note=str(
            _(
                "年度末時点で最新の「外出状況と期間」のアセスメントによる区分です（内閣府調査の"
                "区分。診断ではありません）。準ひきこもりと狭義を合わせたものが広義です。"
            )
        ),
    )
    if NO_CASE in withdrawal_found and any(withdrawal_found[NO_CASE]):
        withdrawal.rows.append(
            _row(NO_CASE, str(NO_CASE_LABEL), withdrawal_found[NO_CASE], has_prev=False)
        )
    if _assessments_available():
        breakdowns.append(withdrawal)
        durations = _duration_counts(center_ids, fiscal_year) if center_ids else {}
        unassessed = withdrawal_found.get(UNKNOWN) or [0, 0, 0, 0]
        duration_rows = []
        for code, label, *_bounds in DURATION_BANDS:
            count, persons = durations.get(code, (0, 0))
            if code == UNKNOWN:
                count, persons = count + unassessed[0], persons + unassessed[1]
            duration_rows.append(Row(key=code, label=str(label), count=count, persons=persons))
        if NO_CASE in withdrawal_found and any(withdrawal_found[NO_CASE]):
            duration_rows.append(
                _row(NO_CASE, str(NO_CASE_LABEL), withdrawal_found[NO_CASE], has_prev=False)
            )
        breakdowns.append(
            Breakdown(
                key="duration",
                title=str(_("ひきこもりの状態の期間別")),
                count_label=str(_("延べ件数")),
                rows=duration_rows,
                total=withdrawal.total,
                has_prev=False,
                persons_overlap=True,
                note=str(_("年度末時点で最新の「外出状況と期間」のアセスメントで答えた期間です。")),
            )
        )
    totals = {
        "contacts": total.count,
        "persons": total.persons,
        "intakes": intakes.count,
        "prev_contacts": total.prev_count or 0,
        "prev_persons": total.prev_persons or 0,
    }
    referral_rows = _referral_rows(center_ids, fiscal_year) if center_ids else []
    if referral_rows is not None:
        ref = {_normalise("referral", r[0]): list(r[1:]) for r in referral_rows}
        ref_total = _row("total", str(_("合計")), ref.pop(TOTAL, None))
        breakdowns.append(
            Breakdown(
                key="referral",
                title=str(_("紹介・引継ぎ先別")),
                count_label=str(_("紹介件数")),
                rows=_choice_rows(_agency_kind_choices(), ref),
                total=ref_total,
                persons_overlap=True,
                note=str(_("その年度に依頼した紹介・引継ぎを、紹介先の種別ごとに数えます。")),
            )
        )
        totals["referrals"] = ref_total.count
    consultation_rows = _agency_consultation_rows(center_ids, fiscal_year) if center_ids else []
    if consultation_rows is not None:
        asked = {_normalise("agency", r[0]): list(r[1:]) for r in consultation_rows}
        asked_total = _row("total", str(_("合計")), asked.pop(TOTAL, None))
        breakdowns.append(
            Breakdown(
                key="agency_consultation",
                title=str(_("関係機関からの相談（機関の種別別）")),
                count_label=str(_("延べ件数")),
                rows=_choice_rows(_agency_kind_choices(with_centers=False), asked),
                total=asked_total,
                persons_overlap=True,
                note=str(
                    _(
                        "機関相談として記録した相談を、相談してきた機関の種別ごとに数えます。"
                        "ケースのない機関相談は実人数に数えません。"
                    )
                ),
            )
        )
    closure_rows = _closure_rows(center_ids, fiscal_year) if center_ids else []
    closed = {_normalise("closure", r[0]): list(r[1:]) for r in closure_rows}
    closed_total = _row("total", str(_("合計")), closed.pop(TOTAL, None))
    breakdowns.append(
        Breakdown(
            key="closure",
            title=str(_("終結の理由別")),
            count_label=str(_("終結件数")),
            rows=_choice_rows(ClosureReason.choices, closed),
            total=closed_total,
            note=str(_("その年度に終結したケースを、終結の理由ごとに数えます。")),
        )
    )
    totals["closures"] = closed_total.count

    month_found = found.get("month", {})
    starts = month_starts(fiscal_year)[:12]
    months = Breakdown(
        key="month",
        title=str(_("月別の推移")),
        count_label=str(_("延べ件数")),
        rows=[
            _row(str(i), _month_label(day), month_found.get(str(i))) for i, day in enumerate(starts)
        ],
        total=total,
        persons_overlap=True,
        note=str(_("実人数は、その月に相談があった本人の数です。")),
    )
    external = external_series(fiscal_year=fiscal_year, center_ids=center_ids, is_city=is_city)
    return Statistics(
        fiscal_year=fiscal_year,
        center_ids=center_ids,
        first_day=first,
        last_day=last,
        breakdowns=breakdowns,
        months=months,
        external=external,
        totals=totals,
    )


def _ward_rows(found: dict[str, list]) -> list[Row]:
    rows = [_row(w, w, found[w]) for w in sorted(found) if w not in (UNKNOWN, NO_CASE)]
    if UNKNOWN in found:
        rows.append(_row(UNKNOWN, str(UNKNOWN_LABEL), found[UNKNOWN]))
    if NO_CASE in found and any(found[NO_CASE]):
        rows.append(_row(NO_CASE, str(NO_CASE_LABEL), found[NO_CASE]))
    return rows


def _external_queryset(*, center_ids, is_city: bool):
    from .models import ExternalFigure

    figures = ExternalFigure.objects.all()
    if is_city:
        return figures
    return figures.filter(center_id__in=center_ids)


def external_series(*, fiscal_year: int, center_ids, is_city: bool) -> list[ExternalSeries]:
    """Each external metric's monthly figures for the year (None where nothing was entered),
    its total and the previous year's total, and the sources named."""
    from django.db.models import Sum

    starts = month_starts(fiscal_year)
    prev_first = month_starts(fiscal_year - 1)[0]
    figures = _external_queryset(center_ids=center_ids, is_city=is_city).filter(
        month__gte=prev_first, month__lt=starts[12]
    )
    sums = figures.values("metric", "month").annotate(total=Sum("value")).order_by()
    sources = (
        figures.filter(month__gte=starts[0])
        .values_list("metric", "source")
        .distinct()
        .order_by("metric", "source")
    )
    by_metric: dict[str, dict[date, int]] = {}
    for entry in sums:
        by_metric.setdefault(entry["metric"], {})[entry["month"]] = entry["total"]
    source_map: dict[str, list[str]] = {}
    for metric, source in sources:
        source_map.setdefault(metric, []).append(source)
    series = []
    for metric in EXTERNAL_METRICS:
        values = by_metric.get(metric.value, {})
        monthly = [values.get(day) for day in starts[:12]]
        series.append(
            ExternalSeries(
                metric=metric.value,
                label=str(metric.label),
                months=monthly,
                total=sum(v for v in monthly if v),
                prev_total=sum(v for d, v in values.items() if d < starts[0]),
                sources=source_map.get(metric.value, []),
            )
        )
    return series


def same_day_a_year_before(day: date) -> date:
    return _years_before(day, 1)


def year_to_date(stats: Statistics, *, today: date, is_city: bool) -> Statistics:
    """Mark a year in progress on `stats`: the months reached, and the previous year's summary
    figures up to the same day (so the overview compares like with like). A year already
    ended, or not begun, is left as it is."""
    if today < stats.first_day:
        stats.months_reached = 0
        return stats
    if today > stats.last_day:
        return stats
    starts = month_starts(stats.fiscal_year)
    stats.as_of = today
    stats.months_reached = sum(1 for day in starts[:12] if day <= today)
    prev_first = fiscal_year_bounds(stats.fiscal_year - 1)[0]
    prev_last = same_day_a_year_before(today)
    values = period_metric_values(
        center_ids=stats.center_ids, is_city=is_city, first_day=prev_first, last_day=prev_last
    )
    closures = 0
    if stats.center_ids:
        closures = Case.objects.filter(
            center_id__in=stats.center_ids,
            status=Status.CLOSED,
            closed_on__gte=prev_first,
            closed_on__lte=prev_last,
        ).count()
    stats.previous_to_date = PreviousToDate(
        first_day=prev_first,
        last_day=prev_last,
        values={
            "contacts": values[Metric.CONTACTS.value],
            "persons": values[Metric.PERSONS.value],
            "intakes": values[Metric.NEW_CASES.value],
            "referrals": values[Metric.REFERRALS.value],
            "closures": closures,
        },
    )
    return stats


def metric_values_from(stats: Statistics) -> dict[str, int]:
    """The value of every metric (metrics.Metric) for the statistics' fiscal year."""

    def row(breakdown: str, key: str) -> int:
        try:
            found = stats.breakdown(breakdown)
        except StopIteration:
            return 0
        return next((r.count for r in found.rows if r.key == key), 0)

    values = {
        Metric.CONTACTS: stats.totals["contacts"],
        Metric.PERSONS: stats.totals["persons"],
        Metric.NEW_CASES: stats.totals["intakes"],
        Metric.HOME_VISITS: row("method", Method.HOME_VISIT),
        Metric.METAVERSE_CONTACTS: row("method", Method.METAVERSE),
        Metric.AGENCY_CONSULTATIONS: row("consulter", Consulter.AGENCY),
        Metric.REFERRALS: stats.totals.get("referrals", 0),
        Metric.SOCIAL_PARTICIPATION: row("closure", ClosureReason.GOAL_REACHED),
    }
    for series in stats.external:
        values[series.metric] = series.total
    return {str(k): v for k, v in values.items()}


def period_metric_values(*, center_ids, is_city: bool, first_day: date, last_day: date) -> dict:
    """Every metric over a span of days (a fiscal year, a plan period, or its part so far)."""
    values = dict.fromkeys((str(m) for m in Metric), 0)
    center_ids = tuple(sorted(center_ids))
    start, end = _dt(first_day), _dt(last_day + timedelta(days=1))
    if center_ids and first_day <= last_day:
        k = Contact
        marks, params = _in(center_ids)
        occurred = f"k.{_col(k, 'occurred_at')}"
        sql = (
            f"SELECT COUNT(*), COUNT(DISTINCT {_person_key('ca')}), "
            f"COUNT(*) FILTER (WHERE k.{_col(k, 'is_intake')}), "
            f"COUNT(*) FILTER (WHERE k.{_col(k, 'method')} = %s), "
            f"COUNT(*) FILTER (WHERE k.{_col(k, 'method')} = %s), "
            f"COUNT(*) FILTER (WHERE k.{_col(k, 'consulter')} = %s) "
            f"FROM {_table(k)} k LEFT JOIN {_table(Case)} ca ON ca.id = k.{_col(k, 'case')} "
            f"{_person_joins('ca')} "
            f"WHERE k.{_col(k, 'center')} IN ({marks}) AND {occurred} >= %s AND {occurred} < %s"
        )
        args = [
            Method.HOME_VISIT.value,
            Method.METAVERSE.value,
            Consulter.AGENCY.value,
            *params,
            start,
            end,
        ]
        closed_on = f"ca.{_col(Case, 'closed_on')}"
        closures = (
            f"SELECT COUNT(*) FROM {_table(Case)} ca WHERE ca.{_col(Case, 'center')} IN ({marks}) "
            f"AND ca.{_col(Case, 'status')} = %s AND ca.{_col(Case, 'closure_reason')} = %s "
            f"AND {closed_on} >= %s AND {closed_on} <= %s"
        )
        closure_args = [
            *params,
            Status.CLOSED.value,
            ClosureReason.GOAL_REACHED.value,
            _d(first_day),
            _d(last_day),
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            contacts, persons, intakes, visits, metaverse, agency = cursor.fetchone()
            cursor.execute(closures, closure_args)
            (goal_reached,) = cursor.fetchone()
        values.update(
            {
                Metric.CONTACTS.value: contacts,
                Metric.PERSONS.value: persons,
                Metric.NEW_CASES.value: intakes,
                Metric.HOME_VISITS.value: visits,
                Metric.METAVERSE_CONTACTS.value: metaverse,
                Metric.AGENCY_CONSULTATIONS.value: agency,
                Metric.SOCIAL_PARTICIPATION.value: goal_reached,
            }
        )
        if _agencies_available():
            from yorisoi.agencies.models import Referral

            values[Metric.REFERRALS.value] = Referral.objects.filter(
                from_center_id__in=center_ids,
                created_at__gte=local_start(first_day),
                created_at__lt=local_start(last_day + timedelta(days=1)),
            ).count()
    from django.db.models import Sum

    sums = (
        _external_queryset(center_ids=center_ids, is_city=is_city)
        .filter(month__gte=first_day.replace(day=1), month__lte=last_day)
        .values("metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for entry in sums:
        values[entry["metric"]] = entry["total"] or 0
    return values
