"""Reads for the reports pages: the scope a user asked for, the statistics, the cases behind a
figure (managers only), targets with their progress, external figures and commentary."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case as When_
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi.accounts.models import Center
from yorisoi.audit import services as audit
from yorisoi.audit.models import Action
from yorisoi.cases import policy as cases_policy
from yorisoi.cases.models import Case, Contact, HeardVia, Status
from yorisoi.core.japanese import fiscal_year, fiscal_year_bounds
from yorisoi.people.models import AgeBand, Sex

from . import masking, policy, stats
from .labels import year_label
from .models import LAST_FISCAL_YEAR, Commentary, ExternalFigure, Target
from .tables import Report, build_report

FIRST_SELECTABLE_YEAR = 2000


@dataclass(frozen=True)
class Scope:
    """The centers a page counts: one center, or every center the user may see ("all")."""

    key: str
    center_ids: tuple[int, ...]
    label: str
    center: Center | None
    is_city: bool


def scope_options(user) -> list[Scope]:
    ids = policy.statistics_center_ids(user)
    centers = list(Center.objects.filter(id__in=ids).order_by("id"))
    options = []
    if len(centers) > 1:
        options.append(_all_scope(centers))
    options += [
        Scope(
            key=str(c.pk),
            center_ids=(c.pk,),
            label=str(c),
            center=c,
            is_city=len(centers) == 1 and _is_every_center({c.pk}),
        )
        for c in centers
    ]
    return options


def _is_every_center(ids: set[int]) -> bool:
    return ids >= policy.all_center_ids()


def _all_scope(centers: list[Center]) -> Scope:
    ids = {c.pk for c in centers}
    city = _is_every_center(ids)
    label = _("全センター（市全体）") if city else _("担当センターの合計")
    return Scope(key="all", center_ids=tuple(sorted(ids)), label=label, center=None, is_city=city)


def scope_for(user, raw: str | None, options: list[Scope] | None = None) -> Scope:
    """The scope named by `raw` ("all" or a center id), or the user's default; 404 when the
    user may see no figures or asks for a center that is not theirs."""
    options = scope_options(user) if options is None else options
    if not options:
        raise Http404
    if not raw:
        return options[0]
    for option in options:
        if option.key == raw:
            return option
    if raw == "all":  # a single-center user asking for all: their one center
        return options[0]
    raise Http404


def parse_year(raw: str | None) -> int:
    """The fiscal year asked for, the current one when none; 404 for nonsense."""
    if not raw:
        return fiscal_year(timezone.localdate())
    if not raw.isdigit() or len(raw) != 4:
        raise Http404
    year = int(raw)
    if not FIRST_SELECTABLE_YEAR <= year <= LAST_FISCAL_YEAR:
        raise Http404
    return year


def year_choices(scope: Scope) -> list[tuple[int, str]]:
    """Fiscal years from the first contact at these centers to the current year."""
    current = fiscal_year(timezone.localdate())
    first = Contact.objects.filter(center_id__in=scope.center_ids).aggregate(
        first=Min("occurred_at")
    )["first"]
    start = fiscal_year(timezone.localtime(first).date()) if first else current
    return [(y, year_label(y)) for y in range(current, start - 1, -1)]


def publication_only(*, user, scope: Scope) -> bool:
    """Exact figures are for managers of every center in view; everyone else (analysts,
    admins, a manager looking beyond their centers) sees publication figures only."""
    return not policy.can_see_exact_figures(user, scope.center_ids)


def statistics_report(
    *, user, scope: Scope, year: int, publication: bool = False, today: date | None = None
) -> Report:
    """The year's report for the scope. Publication figures whenever asked for or whenever the
    user may not see exact ones; PublicationRefused when they cannot be published safely."""
    publication = publication or publication_only(user=user, scope=scope)
    result = stats.fiscal_year_statistics(
        fiscal_year=year, center_ids=scope.center_ids, is_city=scope.is_city
    )
    stats.year_to_date(result, today=today or timezone.localdate(), is_city=scope.is_city)
    return build_report(
        result,
        publication=publication,
        drillable=not publication and policy.can_drill_down(user, scope.center_ids),
    )


# --- the cases behind a figure ------------------------------------------------------------------

DRILL_DIMENSIONS = {
    "total",
    "method",
    "consulter",
    "month",
    "newness",
    "age",
    "sex",
    "ward",
    "heard_via",
    "withdrawal",
    "duration",
    "referral",
    "agency_consultation",
    "closure",
}


@dataclass
class DrillDown:
    year: int
    dimension: str
    value: str
    label: str
    title: str
    cases: QuerySet[Case]


def _root(field: str) -> When_:
    """A field of the surviving person of the case's merge chain (as stats._root does)."""
    return When_(
        When(
            person__merged_into__merged_into__isnull=False,
            then=F(f"person__merged_into__merged_into__{field}"),
        ),
        When(person__merged_into__isnull=False, then=F(f"person__merged_into__{field}")),
        default=F(f"person__{field}"),
    )


def _age_band_expression(reference: date):
    whens = [When(root_birth_date__isnull=True, then=F("root_age_band"))]
    for years, code in stats.AGE_BOUNDS:
        whens.append(
            When(root_birth_date__gt=stats._years_before(reference, years), then=Value(code.value))
        )
    return When_(*whens, default=Value(AgeBand.AGE_70_PLUS.value))


def _month_range(year: int, index: int) -> tuple[date, date]:
    starts = stats.month_starts(year)
    return starts[index], starts[index + 1] - timedelta(days=1)


def drilldown(*, user, scope: Scope, year: int, dimension: str, value: str) -> DrillDown:
    """The cases counted in one figure, for a manager of every center in the scope; 404 for
    anyone else (analysts and admins see figures only). Records the view."""
    if not policy.can_drill_down(user, scope.center_ids):
        raise Http404
    if dimension not in DRILL_DIMENSIONS or value == stats.NO_CASE or len(value) > 60:
        raise Http404
    first, last = fiscal_year_bounds(year)
    start, end = stats.local_start(first), stats.local_start(last + timedelta(days=1))
    cases = cases_policy.visible_cases(user).filter(center_id__in=scope.center_ids)
    in_year = Contact.objects.filter(
        case_id=OuterRef("pk"), occurred_at__gte=start, occurred_at__lt=end
    )
    active = Exists(in_year)
    label = value
    if dimension == "total":
        cases = cases.filter(active)
        label = _("合計")
    elif dimension in ("method", "consulter"):
        cases = cases.filter(Exists(in_year.filter(**{dimension: value})))
    elif dimension == "month":
        if not value.isdigit() or int(value) > 11:
            raise Http404
        m_first, m_last = _month_range(year, int(value))
        cases = cases.filter(
            Exists(
                Contact.objects.filter(
                    case_id=OuterRef("pk"),
                    occurred_at__gte=stats.local_start(m_first),
                    occurred_at__lt=stats.local_start(m_last + timedelta(days=1)),
                )
            )
        )
    elif dimension == "newness":
        cases = cases.filter(active)
        if value == "new":
            cases = cases.filter(opened_on__gte=first)
        elif value == "continuing":
            cases = cases.filter(opened_on__lt=first)
        else:
            raise Http404
    elif dimension in ("sex", "ward"):
        wanted = "" if value == stats.UNKNOWN else value
        cases = cases.filter(active).annotate(root_value=_root(dimension)).filter(root_value=wanted)
    elif dimension == "age":
        cases = (
            cases.filter(active)
            .annotate(root_birth_date=_root("birth_date"), root_age_band=_root("age_band"))
            .annotate(band=_age_band_expression(first))
            .filter(band=value)
        )
    elif dimension == "heard_via":
        intakes = in_year.filter(is_intake=True)
        if value == HeardVia.UNKNOWN:
            intakes = intakes.filter(Q(heard_via="") | Q(heard_via=HeardVia.UNKNOWN))
        else:
            intakes = intakes.filter(heard_via=value)
        cases = cases.filter(Exists(intakes))
    elif dimension in ("withdrawal", "duration"):
        cases = _withdrawal_cases(cases.filter(active), dimension, value, last)
    elif dimension == "referral":
        cases = _referral_cases(cases, value, start, end)
    elif dimension == "agency_consultation":
        if not stats._agencies_available():
            raise Http404
        cases = cases.filter(Exists(in_year.filter(agency_consultation__agency__kind=value)))
    elif dimension == "closure":
        cases = cases.filter(
            status=Status.CLOSED, closed_on__gte=first, closed_on__lte=last, closure_reason=value
        )
    label = _drill_label(year, scope, dimension, value) if dimension != "total" else label
    cases = (
        cases.select_related("person", "center", "primary_worker")
        .annotate(
            year_contacts=Count(
                "contacts",
                filter=Q(contacts__occurred_at__gte=start, contacts__occurred_at__lt=end),
            )
        )
        .order_by("center_id", "person__family_name_kana", "person__given_name_kana", "id")
    )
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="reports.figure",
        center_id=scope.center.pk if scope.center else None,
        changes={
            "fiscal_year": year,
            "centers": list(scope.center_ids),
            "dimension": dimension,
            "value": value,
        },
    )
    return DrillDown(
        year=year,
        dimension=dimension,
        value=value,
        label=str(label),
        title=_drill_title(year, dimension),
        cases=cases,
    )


def _drill_title(year: int, dimension: str) -> str:
    return year_label(year)


def _drill_label(year: int, scope: Scope, dimension: str, value: str) -> str:
    """The row label the statistics page shows for this figure."""
    if dimension == "month":
        return stats._month_label(stats.month_starts(year)[int(value)])
    labels = {
        "method": Contact._meta.get_field("method").choices,
        "consulter": Contact._meta.get_field("consulter").choices,
        "newness": stats.NEWNESS_CHOICES,
        "age": AgeBand.choices,
        "sex": Sex.choices,
        "heard_via": HeardVia.choices,
        "withdrawal": stats.WITHDRAWAL_CHOICES,
        "duration": [(c, label) for c, label, *_rest in stats.DURATION_BANDS],
        "referral": stats._agency_kind_choices(),
        "agency_consultation": stats._agency_kind_choices(with_centers=False),
        "closure": Case._meta.get_field("closure_reason").choices,
    }.get(dimension, [])
    for code, label in labels:
        if code == value:
            return str(label)
    if value == stats.UNKNOWN:
        return str(stats.UNKNOWN_LABEL)
    if dimension == "ward":
        return value
    raise Http404


def _withdrawal_cases(cases, dimension: str, value: str, as_of: date):
    if not stats._assessments_available():
        raise Http404
    from yorisoi.assessments.models import Assessment, InstrumentResponse

    latest = InstrumentResponse.objects.filter(
        assessment__case_id=OuterRef("pk"),
        assessment__status=Assessment.Status.COMPLETE,
        assessment__assessed_on__lte=as_of,
        instrument_id=stats.OUTING_INSTRUMENT,
    ).order_by("-assessment__assessed_on", "-assessment_id")
    cases = cases.annotate(latest_outing=Subquery(latest.values("pk")[:1]))
    if dimension == "withdrawal":
        if value == stats.UNKNOWN:
            return cases.filter(latest_outing__isnull=True)
        classification = Subquery(latest.values("classification")[:1])
        return cases.annotate(outing_class=classification).filter(outing_class=value)
    bands = {code: (low, high) for code, _label, low, high in stats.DURATION_BANDS}
    if value not in bands:
        raise Http404
    # Durations are encrypted answers: read the latest one of each case and keep the cases
    # whose duration falls in the band (a list page, so one case at a time is fine here).
    responses = InstrumentResponse.objects.filter(
        pk__in=cases.exclude(latest_outing__isnull=True).values("latest_outing")
    ).values_list("assessment__case_id", "answers_data")
    wanted: set[int] = set()
    answered: set[int] = set()
    low, high = bands[value]
    for case_id, text in responses:
        months = stats._duration_months(json.loads(text)) if text else None
        if months is None:
            continue
        answered.add(case_id)
        if low is not None and months >= low and (high is None or months < high):
            wanted.add(case_id)
    if value == stats.UNKNOWN:
        return cases.exclude(pk__in=answered)
    return cases.filter(pk__in=wanted)


def _referral_cases(cases, value: str, start, end):
    if not stats._agencies_available():
        raise Http404
    from yorisoi.agencies.models import Referral

    referrals = Referral.objects.filter(
        case_id=OuterRef("pk"), created_at__gte=start, created_at__lt=end
    )
    if value == stats.CENTER_DESTINATION:
        referrals = referrals.filter(to_center__isnull=False)
    else:
        referrals = referrals.filter(agency__kind=value)
    return cases.filter(Exists(referrals))


# --- targets and their progress -----------------------------------------------------------------


@dataclass
class Progress:
    target: Target
    first_day: date
    last_day: date
    achieved: int
    expected_now: int
    percent: float
    status: str  # not_started, on_track, behind, achieved, missed
    needed_per_month: int | None
    months_left: int
    projected: int | None
    # A small achieved figure shown to someone who may see publication figures only: the page
    # shows the mask mark for it and for everything computed from it.
    masked: bool = False

    @property
    def status_label(self) -> str:
        return {
            "not_started": _("開始前"),
            "on_track": _("順調"),
            "behind": _("遅れ"),
            "achieved": _("達成"),
            "missed": _("未達成"),
        }[self.status]

    @property
    def status_class(self) -> str:
        return {
            "on_track": "badge--ok",
            "achieved": "badge--ok",
            "behind": "badge--warning",
            "missed": "badge--risk",
        }.get(self.status, "")

    @property
    def bar_percent(self) -> int:
        return min(100, round(self.percent))


def _months_between(first: date, last: date) -> int:
    """Calendar months from first's month to last's month, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def target_progress(target: Target, *, values: dict, today: date) -> Progress:
    first = fiscal_year_bounds(target.start_year)[0]
    last = fiscal_year_bounds(target.end_year)[1]
    achieved = int(values.get(target.metric, 0))
    total_days = (last - first).days + 1
    elapsed = max(0, min(total_days, (today - first).days + 1))
    expected = math.floor(target.value * elapsed / total_days)
    percent = 100.0 * achieved / target.value if target.value else 100.0
    months_left = 0
    needed = None
    projected = None
    if today < first:
        status = "not_started"
        months_left = _months_between(first, last)
        needed = math.ceil(target.value / months_left)
    elif today > last:
        status = "achieved" if achieved >= target.value else "missed"
    else:
        months_left = _months_between(today, last)
        remaining = max(0, target.value - achieved)
        needed = math.ceil(remaining / months_left) if months_left else remaining
        projected = round(achieved * total_days / elapsed) if elapsed else None
        if achieved >= target.value:
            status = "achieved"
        else:
            status = "on_track" if achieved >= expected else "behind"
    return Progress(
        target=target,
        first_day=first,
        last_day=last,
        achieved=achieved,
        expected_now=expected,
        percent=percent,
        status=status,
        needed_per_month=needed,
        months_left=months_left,
        projected=projected,
    )


def targets_for_year(*, user, year: int) -> list[Target]:
    return list(
        policy.visible_targets(user)
        .filter(start_year__lte=year, end_year__gte=year)
        .select_related("center")
        .order_by("center_id", "start_year", "end_year", "metric", "id")
    )


def targets_progress(*, user, year: int, today: date | None = None) -> list[Progress]:
    """Progress of every target covering the year that the user may see, as of today. Figures
    are computed once per (scope, period)."""
    today = today or timezone.localdate()
    targets = targets_for_year(user=user, year=year)
    every = sorted(policy.all_center_ids())
    cache: dict[tuple, dict] = {}
    out = []
    for target in targets:
        first = fiscal_year_bounds(target.start_year)[0]
        last = min(fiscal_year_bounds(target.end_year)[1], today)
        key = (target.center_id, first, last)
        if key not in cache:
            ids = [target.center_id] if target.center_id else every
            cache[key] = stats.period_metric_values(
                center_ids=ids, is_city=target.center_id is None, first_day=first, last_day=last
            )
        progress = target_progress(target, values=cache[key], today=today)
        ids = [target.center_id] if target.center_id else every
        if not policy.can_see_exact_figures(user, ids) and masking.is_small(
            progress.achieved, masking.threshold()
        ):
            progress.masked = True
        out.append(progress)
    return out


def target_get_for_edit(*, user, target_id: int) -> Target:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(policy.editable_targets(user), pk=target_id)


# --- external figures and commentary --------------------------------------------------------


def external_figures(*, user, year: int) -> list[ExternalFigure]:
    first, last = fiscal_year_bounds(year)
    return list(
        policy.editable_external_figures(user)
        .filter(month__gte=first, month__lte=last)
        .select_related("center", "entered_by")
        .order_by("metric", "center_id", "month")
    )


def external_figure_get_for_edit(*, user, figure_id: int) -> ExternalFigure:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(policy.editable_external_figures(user), pk=figure_id)


def commentary_for(*, scope: Scope, year: int) -> Commentary | None:
    center_id = scope.center.pk if scope.center else None
    if center_id is None and not scope.is_city:
        return None
    return Commentary.objects.filter(fiscal_year=year, center_id=center_id).first()


def can_edit_commentary(*, user, scope: Scope) -> bool:
    center_id = scope.center.pk if scope.center else None
    if center_id is None and not scope.is_city:
        return False
    return policy.can_edit_commentary(user, center_id=center_id, center_ids=scope.center_ids)
