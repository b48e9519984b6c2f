"""The statistics as tables, exact (internal) or protected for publication. The page, the CSV,
the XLSX and the PDF all take their figures from here, so they cannot disagree."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import masking
from .charts import MASK
from .masking import Place
from .metrics import Metric
from .stats import NO_CASE, UNKNOWN, Breakdown, Row, Statistics, month_starts

logger = logging.getLogger(__name__)
# Masks and audits depend only on the figures (the cache key is their fingerprint).
CACHE_SECONDS = 6 * 3600

# External metrics that count people, so small monthly values are masked for publication.
PEOPLE_COUNTING_EXTERNAL = {Metric.FAMILY_CLASS_PARTICIPANTS.value}


@dataclass
class TableRow:
    key: str
    label: str
    count: int | None
    persons: int | None
    prev_count: int | None = None
    prev_persons: int | None = None
    change: int | None = None
    change_ratio: float | None = None
    is_total: bool = False
    drillable: bool = False
    pending: bool = False  # a month not yet reached

    @property
    def change_percent(self) -> str:
        if self.change_ratio is None:
            return ""
        return f"{self.change_ratio * 100:+.1f}%".replace("-", "−")


@dataclass
class ReportTable:
    key: str
    title: str
    count_label: str
    rows: list[TableRow]
    total: TableRow
    note: str = ""
    has_prev: bool = True
    show_change: bool = True
    persons_overlap: bool = False

    @property
    def chart_rows(self) -> list[tuple[str, int | None]]:
        return [(r.label, r.count) for r in self.rows]

    @property
    def all_rows(self) -> list[TableRow]:
        return [*self.rows, self.total]


@dataclass
class ExternalTable:
    metric: str
    label: str
    months: list[int | None]
    total: int | None
    prev_total: int | None
    sources: list[str] = field(default_factory=list)
    entered: bool = False


@dataclass
class Report:
    """Everything a page or an export shows for one fiscal year and scope."""

    stats: Statistics
    publication: bool
    threshold: int
    summary: list[TableRow]
    tables: list[ReportTable]
    months: ReportTable
    month_labels: list[str]
    month_short_labels: list[str]
    external: list[ExternalTable]

    @property
    def is_empty(self) -> bool:
        return self.stats.is_empty

    def table(self, key: str) -> ReportTable:
        if key == "month":
            return self.months
        return next(t for t in self.tables if t.key == key)


def _exact_row(row: Row, *, has_prev: bool, drillable: bool, is_total=False) -> TableRow:
    return TableRow(
        key=row.key,
        label=row.label,
        count=row.count,
        persons=row.persons,
        prev_count=row.prev_count if has_prev else None,
        prev_persons=row.prev_persons if has_prev else None,
        change=row.change if has_prev else None,
        change_ratio=row.change_ratio if has_prev else None,
        is_total=is_total,
        drillable=drillable and row.key != NO_CASE,
    )


def _table(breakdown: Breakdown, *, drill: bool, months_reached: int | None = None) -> ReportTable:
    has_prev = breakdown.has_prev
    rows = [
        _exact_row(r, has_prev=has_prev, drillable=drill and breakdown.drillable)
        for r in breakdown.rows
    ]
    if months_reached is not None:
        # A month not yet reached has no figures to compare: no 「−100.0%」.
        for index, row in enumerate(rows):
            if index >= months_reached:
                row.pending = True
                row.change = row.change_ratio = None
    total = _exact_row(
        breakdown.total, has_prev=has_prev, drillable=drill and breakdown.drillable, is_total=True
    )
    total.label = _("合計")
    return ReportTable(
        key=breakdown.key,
        title=breakdown.title,
        count_label=breakdown.count_label,
        rows=rows,
        total=total,
        note=breakdown.note,
        has_prev=has_prev,
        show_change=has_prev,
        persons_overlap=breakdown.persons_overlap,
    )


def build_report(
    stats: Statistics, *, publication: bool, drillable: bool = False, limit: int | None = None
) -> Report:
    """The report, exact or (publication=True) protected across all its tables and audited;
    PublicationRefused when the figures cannot be published safely."""
    limit = masking.threshold() if limit is None else limit
    reached = stats.months_reached
    tables = [_table(b, drill=drillable) for b in stats.breakdowns]
    months = _table(stats.months, drill=drillable, months_reached=reached)
    t = stats.totals
    to_date = stats.previous_to_date
    summary_specs = [
        ("contacts", _("延べ件数（相談件数）"), "contacts", "prev_contacts"),
        ("persons", _("実人数"), "persons", "prev_persons"),
        ("intakes", _("新規受付件数"), "intakes", None),
        ("referrals", _("紹介・引継ぎ件数"), "referrals", None),
        ("closures", _("終結件数"), "closures", None),
    ]
    prev_for = {
        "intakes": stats.breakdown("heard_via").total.prev_count,
        "closures": stats.breakdown("closure").total.prev_count,
    }
    try:
        prev_for["referrals"] = stats.breakdown("referral").total.prev_count
    except StopIteration:
        summary_specs = [s for s in summary_specs if s[0] != "referrals"]
    summary = []
    for key, label, current, previous in summary_specs:
        value = t.get(current, 0)
        if to_date is not None:
            prev = to_date.values.get(key, 0)
        else:
            prev = t.get(previous, 0) if previous else prev_for.get(key)
        row = TableRow(key=key, label=str(label), count=value, persons=None, prev_count=prev)
        if prev is not None:
            row.change = value - prev
            row.change_ratio = (value - prev) / prev if prev else None
        summary.append(row)
    external = [
        ExternalTable(
            metric=series.metric,
            label=series.label,
            months=list(series.months),
            total=series.total,
            prev_total=series.prev_total,
            sources=series.sources,
            entered=any(v is not None for v in series.months),
        )
        for series in stats.external
    ]
    report = Report(
        stats=stats,
        publication=False,
        threshold=limit,
        summary=summary,
        tables=tables,
        months=months,
        month_labels=[r.label for r in stats.months.rows],
        month_short_labels=[date_format(d, "M") for d in month_starts(stats.fiscal_year)[:12]],
        external=external,
    )
    if publication:
        publish(report, limit)
    return report


# --- publication: one set of linked tables ------------------------------------------------------

# Tables whose rows are the year's contacts, so their total is the same quantity.
CONTACT_TABLES = {
    "method",
    "consulter",
    "newness",
    "age",
    "sex",
    "ward",
    "withdrawal",
    "duration",
    "month",
}
# Tables whose persons are one per person (an attribute of the person): rows add up exactly.
PERSON_ATTRIBUTE_TABLES = {"age", "sex", "ward"}
SHARED_TOTALS = {
    "heard_via": "intakes",
    "referral": "referrals",
    "closure": "closures",
    "agency_consultation": "agency_consultations",
}
SUMMARY_TOTALS = {
    "contacts": ("contacts", "count", "prev_count"),
    "persons": ("contacts", "persons", "prev_persons"),
    "intakes": ("intakes", "count", "prev_count"),
    "referrals": ("referrals", "count", "prev_count"),
    "closures": ("closures", "count", "prev_count"),
}
COLUMNS = ("count", "persons", "prev_count", "prev_persons")


def _quantity(table: ReportTable, row: TableRow, column: str) -> tuple:
    if table.key in CONTACT_TABLES:
        if row.is_total:
            return ("contacts", column)
        if row.key == NO_CASE:
            return ("no_case", column)
    if row.is_total and table.key in SHARED_TOTALS:
        return (SHARED_TOTALS[table.key], column)
    if row.is_total:
        return (table.key, "__total__", column)
    return (table.key, row.key, column)


def _weight(quantity: tuple) -> int:
    if quantity[0] == "contacts":
        return 3
    if quantity[0] in SHARED_TOTALS.values() or (len(quantity) == 3 and quantity[1] == "__total__"):
        return 2
    if quantity[0] == "no_case":
        return 1
    return 0


class _Cell:
    """One printed figure: where it is, and how to read and mask it."""

    def __init__(self, quantity, place, obj, attr, index=None):
        self.quantity, self.place, self.obj, self.attr, self.index = (
            quantity,
            place,
            obj,
            attr,
            index,
        )

    def get(self):
        value = getattr(self.obj, self.attr)
        if self.index is not None:
            value = value[self.index]
        return None if value == MASK else value

    def mask(self) -> None:
        if self.index is None:
            setattr(self.obj, self.attr, None)
        else:
            getattr(self.obj, self.attr)[self.index] = MASK


def _cells(report: Report) -> list[_Cell]:
    cells: list[_Cell] = []
    column_names = {
        "count": _("件数"),
        "persons": _("実人数"),
        "prev_count": _("前年度の件数"),
        "prev_persons": _("前年度の実人数"),
    }
    to_date = report.stats.previous_to_date
    summary_title = str(_("概要"))
    for row in report.summary:
        base, current, previous = SUMMARY_TOTALS[row.key]
        cells.append(
            _Cell((base, current), Place(summary_title, row.label, str(_("今年度"))), row, "count")
        )
        prev_quantity = ("to_date", row.key) if to_date is not None else (base, previous)
        cells.append(
            _Cell(
                prev_quantity, Place(summary_title, row.label, str(_("前年度"))), row, "prev_count"
            )
        )
    for table in [*report.tables, report.months]:
        columns = COLUMNS if table.has_prev else COLUMNS[:2]
        for row in table.all_rows:
            for column in columns:
                cells.append(
                    _Cell(
                        _quantity(table, row, column),
                        Place(table.title, row.label, str(column_names[column])),
                        row,
                        column,
                    )
                )
    for series in report.external:
        if series.metric not in PEOPLE_COUNTING_EXTERNAL:
            continue
        for i, label in enumerate(report.month_labels):
            if series.months[i] is not None:
                cells.append(
                    _Cell(
                        ("external", series.metric, i),
                        Place(series.label, label, str(_("数値"))),
                        series,
                        "months",
                        i,
                    )
                )
        cells.append(
            _Cell(
                ("external", series.metric, "total"),
                Place(series.label, str(_("合計")), str(_("数値"))),
                series,
                "total",
            )
        )
        cells.append(
            _Cell(
                ("external", series.metric, "prev_total"),
                Place(series.label, str(_("前年度")), str(_("数値"))),
                series,
                "prev_total",
            )
        )
    return cells


def linked_tables(report: Report) -> tuple[masking.LinkedTables, list[_Cell]]:
    """Every figure the publication prints, as quantities, with every relation between them
    that a reader knows from the tables and their notes."""
    cells = _cells(report)
    linked = masking.LinkedTables()
    for cell in cells:
        linked.add(cell.quantity, cell.get(), cell.place, weight=_weight(cell.quantity))
    for table in [*report.tables, report.months]:
        columns = COLUMNS if table.has_prev else COLUMNS[:2]
        for column in columns:
            parts = [_quantity(table, r, column) for r in table.rows]
            total = _quantity(table, table.total, column)
            if column in ("count", "prev_count") or table.key in PERSON_ATTRIBUTE_TABLES:
                linked.add_sum(parts, total)
            else:
                # One person may count in several rows: the rows add up to at least the total,
                # and none exceeds it.
                linked.add_sum(parts, total, exact=False)
                for part in parts:
                    linked.add_at_most(part, total)
        for row in table.all_rows:
            linked.add_at_most(_quantity(table, row, "persons"), _quantity(table, row, "count"))
            if table.has_prev:
                linked.add_at_most(
                    _quantity(table, row, "prev_persons"), _quantity(table, row, "prev_count")
                )
    keys = {t.key for t in report.tables}
    if {"withdrawal", "duration"} <= keys:
        # 期間別's 未評価 holds every case 区分別 counts as 未評価, and more.
        for column in ("count", "persons"):
            linked.add_at_most(("withdrawal", UNKNOWN, column), ("duration", UNKNOWN, column))
    to_date = report.stats.previous_to_date
    if to_date is not None:
        for row in report.summary:
            base, _current, previous = SUMMARY_TOTALS[row.key]
            linked.add_at_most(("to_date", row.key), (base, previous))
        # The previous year up to the same day holds its months before this one, and no more
        # than those up to this one.
        reached = report.stats.months_reached or 0
        month_rows = report.months.rows
        before = [_quantity(report.months, r, "prev_count") for r in month_rows[: reached - 1]]
        upto = [_quantity(report.months, r, "prev_count") for r in month_rows[:reached]]
        if before:
            linked.relate({**dict.fromkeys(before, 1), ("to_date", "contacts"): -1}, masking.LE)
        if upto:
            linked.relate({**dict.fromkeys(upto, -1), ("to_date", "contacts"): 1}, masking.LE)
    for series in report.external:
        if series.metric not in PEOPLE_COUNTING_EXTERNAL:
            continue
        parts = [
            ("external", series.metric, i)
            for i in range(len(report.month_labels))
            if series.months[i] is not None
        ]
        linked.add_sum(parts, ("external", series.metric, "total"))
    return linked, cells


def publish(report: Report, limit: int) -> None:
    """Mask the report for publication in place, then audit what it would print."""
    linked, cells = linked_tables(report)
    key = "reports:masks:" + linked.fingerprint(limit)
    hidden = cache.get(key)
    if hidden is None:
        hidden = linked.protect(limit)
        cache.set(key, hidden, CACHE_SECONDS)
    for cell in cells:
        if cell.quantity in hidden:
            cell.mask()
    # A difference would undo the masking of either year's figure.
    for row in [*report.summary, *(r for t in [*report.tables, report.months] for r in t.all_rows)]:
        row.change = row.change_ratio = None
        row.drillable = False
    for table in [*report.tables, report.months]:
        table.show_change = False
    report.publication = True
    audit_publication(report)


def audit_publication(report: Report) -> None:
    """Rebuild the linked tables from what the report prints and check them; raises
    PublicationRefused naming every problem."""
    linked = linked_tables(report)[0]
    key = "reports:audit:" + linked.fingerprint(report.threshold)
    problems = cache.get(key)
    if problems is None:
        problems = linked.audit(report.threshold)
        cache.set(key, problems, CACHE_SECONDS)
    if problems:
        logger.error("publication refused: %s", "; ".join(problems))
        raise masking.PublicationRefused(problems)


# --- target progress beside a publication -------------------------------------------------------

METRIC_QUANTITIES = {
    Metric.CONTACTS.value: ("contacts", "count"),
    Metric.PERSONS.value: ("contacts", "persons"),
    Metric.NEW_CASES.value: ("intakes", "count"),
    Metric.HOME_VISITS.value: ("method", "home_visit", "count"),
    Metric.METAVERSE_CONTACTS.value: ("method", "metaverse", "count"),
    Metric.AGENCY_CONSULTATIONS.value: ("consulter", "agency", "count"),
    Metric.REFERRALS.value: ("referrals", "count"),
    Metric.SOCIAL_PARTICIPATION.value: ("closure", "goal_reached", "count"),
}


@dataclass
class ProgressRow:
    """A target's progress as a publication may print it: `hidden` when the achieved figure
    is not one of the publication's own (another period or scope) or is masked in it."""

    progress: object
    hidden: bool

    @property
    def target(self):
        return self.progress.target


def published_progress(report: Report, progress: list, *, center_id: int | None, is_city: bool):
    """The progress rows a report may carry. Exact reports carry them all; a publication only
    those whose achieved figure is one of its own published figures, since any other would add
    a figure (and a difference) the masking never saw."""
    if not report.publication:
        return [ProgressRow(p, hidden=False) for p in progress]
    printed = {}
    for cell in _cells(report):
        printed.setdefault(cell.quantity, cell.get())
    for series in report.external:
        if series.metric not in PEOPLE_COUNTING_EXTERNAL:
            printed[("external", series.metric, "total")] = series.total
    rows = []
    for p in progress:
        target = p.target
        same_scope = target.center_id == center_id if target.center_id else is_city
        same_year = target.start_year == target.end_year == report.stats.fiscal_year
        quantity = METRIC_QUANTITIES.get(target.metric, ("external", target.metric, "total"))
        value = printed.get(quantity) if same_scope and same_year else None
        rows.append(ProgressRow(p, hidden=value is None or value != p.achieved))
    return rows
