"""The statistics as tables, exact (internal) or protected for publication. The page, the CSV,
the XLSX and the PDF all take their figures from here, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import masking
from .charts import MASK
from .metrics import Metric
from .stats import NO_CASE, Breakdown, Row, Statistics, month_starts

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


def _masked_column(values: list[int], total: int, limit: int) -> tuple[list, int | None]:
    masked_rows, total_masked = masking.protect_column(values, total, limit)
    shown = [None if i in masked_rows else v for i, v in enumerate(values)]
    return shown, (None if total_masked else total)


def _table(breakdown: Breakdown, *, publication: bool, limit: int, drill: bool) -> ReportTable:
    has_prev = breakdown.has_prev
    rows = [
        _exact_row(r, has_prev=has_prev, drillable=drill and breakdown.drillable)
        for r in breakdown.rows
    ]
    total = _exact_row(
        breakdown.total, has_prev=has_prev, drillable=drill and breakdown.drillable, is_total=True
    )
    total.label = _("合計")
    if publication:
        columns = ["count", "persons"] + (["prev_count", "prev_persons"] if has_prev else [])
        for name in columns:
            shown, shown_total = _masked_column(
                [getattr(r, name) or 0 for r in rows], getattr(total, name) or 0, limit
            )
            for r, value in zip(rows, shown, strict=True):
                setattr(r, name, value)
            setattr(total, name, shown_total)
        # A difference would undo the masking of either year's figure.
        for r in [*rows, total]:
            r.change = r.change_ratio = None
            r.drillable = False
        total.drillable = False
    return ReportTable(
        key=breakdown.key,
        title=breakdown.title,
        count_label=breakdown.count_label,
        rows=rows,
        total=total,
        note=breakdown.note,
        has_prev=has_prev,
        show_change=has_prev and not publication,
        persons_overlap=breakdown.persons_overlap,
    )


def _small(value: int | None, limit: int, publication: bool) -> int | None:
    if publication and value is not None and masking.is_small(value, limit):
        return None
    return value


def build_report(
    stats: Statistics, *, publication: bool, drillable: bool = False, limit: int | None = None
) -> Report:
    limit = masking.threshold() if limit is None else limit
    tables = [
        _table(b, publication=publication, limit=limit, drill=drillable) for b in stats.breakdowns
    ]
    months = _table(stats.months, publication=publication, limit=limit, drill=drillable)
    t = stats.totals
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
        prev = t.get(previous, 0) if previous else prev_for.get(key)
        row = TableRow(
            key=key,
            label=str(label),
            count=_small(value, limit, publication),
            persons=None,
            prev_count=_small(prev, limit, publication),
        )
        if not publication and prev is not None:
            row.change = value - prev
            row.change_ratio = (value - prev) / prev if prev else None
        summary.append(row)
    external = []
    for series in stats.external:
        if publication and series.metric in PEOPLE_COUNTING_EXTERNAL:
            values = [v or 0 for v in series.months]
            shown, total = _masked_column(values, series.total, limit)
            months_shown = [
                None if orig is None else s for orig, s in zip(series.months, shown, strict=True)
            ]
            masked_marks = [
                orig is not None and s is None for orig, s in zip(series.months, shown, strict=True)
            ]
            external.append(
                ExternalTable(
                    metric=series.metric,
                    label=series.label,
                    months=[
                        MASK if m else v for v, m in zip(months_shown, masked_marks, strict=True)
                    ],
                    total=total,
                    prev_total=_small(series.prev_total, limit, True),
                    sources=series.sources,
                    entered=any(v is not None for v in series.months),
                )
            )
        else:
            external.append(
                ExternalTable(
                    metric=series.metric,
                    label=series.label,
                    months=list(series.months),
                    total=series.total,
                    prev_total=series.prev_total,
                    sources=series.sources,
                    entered=any(v is not None for v in series.months),
                )
            )
    return Report(
        stats=stats,
        publication=publication,
        threshold=limit,
        summary=summary,
        tables=tables,
        months=months,
        month_labels=[r.label for r in stats.months.rows],
        month_short_labels=[date_format(d, "M") for d in month_starts(stats.fiscal_year)[:12]],
        external=external,
    )
