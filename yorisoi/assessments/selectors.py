"""Every read of assessments, starting from assessments.policy (and so from cases.policy).
Each takes the acting user; getters of one protected object record the view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, F, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from yorisoi.audit import services as audit
from yorisoi.cases import policy as cases_policy
from yorisoi.cases.models import Case, Consulter, Method

from . import catalog, charts, phases, policy, scoring
from .models import Assessment, InstrumentResponse, RiskEscalation

COMPLETE = Assessment.Status.COMPLETE


def _responses_prefetch() -> Prefetch:
    return Prefetch("responses", queryset=InstrumentResponse.objects.order_by("position", "id"))


def assessment_get(*, user, assessment_id: int, record: bool = True) -> Assessment:
    """One assessment the user may see (404 otherwise), with its case, person and responses."""
    assessment = get_object_or_404(
        policy.visible_assessments(user)
        .select_related("case", "case__person", "case__center", "created_by", "updated_by")
        .prefetch_related(_responses_prefetch()),
        pk=assessment_id,
    )
    if record:
        audit.record_view(actor=user, obj=assessment)
    return assessment


def case_assessments(*, user, case: Case) -> list[Assessment]:
    """The case's assessments, oldest first, with responses (three queries in all)."""
    return list(
        policy.visible_assessments(user)
        .filter(case_id=case.pk)
        .select_related("created_by")
        .prefetch_related(_responses_prefetch())
        .order_by("assessed_on", "id")
    )


# ---------------------------------------------------------------------------------------------
# Change over time
# ---------------------------------------------------------------------------------------------


@dataclass
class ResponseChange:
    response: InstrumentResponse
    previous: InstrumentResponse | None = None

    @property
    def delta(self) -> int | None:
        if self.previous is None or self.previous.total is None or self.response.total is None:
            return None
        return self.response.total - self.previous.total

    @property
    def classification_changed(self) -> bool:
        return (
            self.previous is not None
            and bool(self.response.classification)
            and self.previous.classification != self.response.classification
        )

    @property
    def previous_classification(self) -> dict | None:
        return self.previous.result.get("classification") if self.previous else None

    @property
    def band_changed(self) -> bool:
        return (
            self.previous is not None
            and bool(self.response.band)
            and self.previous.band != self.response.band
        )


@dataclass
class HistoryRow:
    assessment: Assessment
    changes: list[ResponseChange] = field(default_factory=list)


@dataclass
class History:
    rows: list[HistoryRow]  # newest first
    charts: list[charts.Chart]
    drafts: list[Assessment]


def _previous_by_instrument(assessments: list[Assessment]) -> dict[int, dict[str, Any]]:
    """For each complete assessment (oldest first), the latest earlier complete response of
    each instrument."""
    latest: dict[str, InstrumentResponse] = {}
    out: dict[int, dict[str, Any]] = {}
    for assessment in assessments:
        if assessment.status != COMPLETE:
            continue
        out[assessment.pk] = dict(latest)
        for response in assessment.responses.all():
            latest[response.instrument_id] = response
    return out


def case_history(*, user, case: Case) -> History:
    """Rows with the change since the previous assessment, and one chart per scored
    instrument. A fixed number of queries whatever the number of assessments."""
    assessments = case_assessments(user=user, case=case)
    previous = _previous_by_instrument(assessments)
    rows: list[HistoryRow] = []
    series: dict[str, list[tuple]] = {}
    meta: dict[str, InstrumentResponse] = {}
    for assessment in assessments:
        if assessment.status != COMPLETE:
            continue
        row = HistoryRow(assessment)
        for response in assessment.responses.all():
            row.changes.append(
                ResponseChange(response, previous[assessment.pk].get(response.instrument_id))
            )
            if response.total is not None and response.result.get("range"):
                series.setdefault(response.instrument_id, []).append(
                    (assessment.assessed_on, response.total, assessment.pk)
                )
                meta[response.instrument_id] = response
        rows.append(row)
    rows.reverse()
    chart_list = []
    for instrument_id, points in series.items():
        latest = meta[instrument_id]
        low, high = latest.result["range"]
        bands = (latest.snapshot.get("scoring") or {}).get("bands", [])
        chart_list.append(
            charts.build(
                instrument_id,
                latest.snapshot["labels"],
                low,
                high,
                points,
                [b["min"] for b in bands[1:]],
            )
        )
    chart_list.sort(key=lambda c: meta[c.key].snapshot.get("order", 1000))
    drafts = [a for a in assessments if a.status != COMPLETE]
    return History(rows=rows, charts=chart_list, drafts=drafts)


# ---------------------------------------------------------------------------------------------
# One assessment: answers, result, comparison with the previous one
# ---------------------------------------------------------------------------------------------


@dataclass
class AnswerRow:
    item: dict
    now: str
    before: str | None = None
    compared: bool = False

    @property
    def changed(self) -> bool:
        return self.compared and self.now != self.before


@dataclass
class ResponseView:
    response: InstrumentResponse
    sections: list[tuple[dict | None, list[AnswerRow]]]
    previous: InstrumentResponse | None
    previous_assessment_id: int | None

    @property
    def delta(self) -> int | None:
        return ResponseChange(self.response, self.previous).delta


def previous_responses(
    *, user, assessment: Assessment, instrument_ids
) -> dict[str, InstrumentResponse]:
    """The latest complete response of each instrument before this assessment (one query)."""
    earlier = (
        InstrumentResponse.objects.filter(
            assessment__in=policy.visible_assessments(user).filter(
                case_id=assessment.case_id, status=COMPLETE
            ),
            instrument_id__in=list(instrument_ids),
        )
        .exclude(assessment_id=assessment.pk)
        .filter(
            Q(assessment__assessed_on__lt=assessment.assessed_on)
            | Q(assessment__assessed_on=assessment.assessed_on, assessment_id__lt=assessment.pk)
        )
        .select_related("assessment")
        .order_by("assessment__assessed_on", "assessment_id")
    )
    out: dict[str, InstrumentResponse] = {}
    for response in earlier:
        out[response.instrument_id] = response
    return out


def response_views(*, user, assessment: Assessment, lang: str) -> list[ResponseView]:
    responses = list(assessment.responses.all())
    previous = previous_responses(
        user=user, assessment=assessment, instrument_ids=[r.instrument_id for r in responses]
    )
    vocabulary = catalog.vocabulary_labels()
    views = []
    for response in responses:
        before = previous.get(response.instrument_id)
        answers = response.answers
        old_answers = before.answers if before else {}
        old_items = scoring.items_by_id(before.snapshot) if before else {}
        sections: dict[str | None, list[AnswerRow]] = {}
        for item in response.snapshot["items"]:
            row = AnswerRow(
                item=item,
                now=scoring.answer_text(item, answers.get(item["id"]), lang, vocabulary),
            )
            if item["id"] in old_items:
                row.compared = True
                row.before = scoring.answer_text(
                    old_items[item["id"]], old_answers.get(item["id"]), lang, vocabulary
                )
            sections.setdefault(item.get("section"), []).append(row)
        titles = {s["id"]: s for s in response.snapshot.get("sections", [])}
        views.append(
            ResponseView(
                response=response,
                sections=[(titles.get(key), rows) for key, rows in sections.items()],
                previous=before,
                previous_assessment_id=before.assessment_id if before else None,
            )
        )
    return views


def assessment_escalations(*, assessment: Assessment) -> list[RiskEscalation]:
    """Escalations of an assessment already fetched through assessment_get."""
    return list(
        RiskEscalation.objects.filter(assessment_id=assessment.pk).select_related(
            "acknowledged_by", "created_by"
        )
    )


# ---------------------------------------------------------------------------------------------
# What other pages show: case section, plan editor, timeline, flags, home
# ---------------------------------------------------------------------------------------------


def latest_complete(*, user, case: Case) -> Assessment | None:
    return (
        policy.visible_assessments(user)
        .filter(case_id=case.pk, status=COMPLETE)
        .select_related("created_by")
        .prefetch_related(_responses_prefetch())
        .order_by("-assessed_on", "-id")
        .first()
    )


def awaiting_acknowledgement(case: Case) -> bool:
    """The case's risk was escalated after the last acknowledgement (the cases app's rule)."""
    if case.risk_escalated_at is None:
        return False
    return case.risk_acknowledged_at is None or case.risk_acknowledged_at < case.risk_escalated_at


AWAITING_Q = Q(risk_escalated_at__isnull=False) & (
    Q(risk_acknowledged_at__isnull=True) | Q(risk_acknowledged_at__lt=F("risk_escalated_at"))
)


def pending_escalations(*, user, case: Case) -> list[RiskEscalation]:
    """Escalations of the case not yet acknowledged (on the case or here)."""
    if not awaiting_acknowledgement(case):
        return []
    return list(
        policy.visible_escalations(user)
        .filter(case_id=case.pk, acknowledged_at__isnull=True)
        .select_related("created_by", "assessment")
        .order_by("created_at", "id")
    )


def merged_checklist(escalations: list[RiskEscalation]) -> list[dict]:
    """The steps of every pending rule, each once, in the order they first appear."""
    steps: list[dict] = []
    for escalation in escalations:
        for rule in escalation.rules:
            for step in rule["checklist"]:
                if step not in steps:
                    steps.append(step)
    return steps


def recent_contact_counts(*, user, case: Case) -> dict[str, int]:
    since = timezone.now() - timedelta(days=phases.RECENT_DAYS)
    return (
        cases_policy.visible_contacts(user)
        .filter(case_id=case.pk, occurred_at__gte=since)
        .aggregate(
            contacts=Count("id"),
            self_contacts=Count("id", filter=Q(consulter=Consulter.SELF)),
            visits=Count(
                "id",
                filter=Q(consulter=Consulter.SELF, method__in=[Method.VISIT, Method.ACCOMPANY]),
            ),
        )
    )


def phase_signals(*, case: Case, latest: Assessment | None, counts: dict) -> phases.Signals:
    by_instrument = {r.instrument_id: r for r in latest.responses.all()} if latest else {}
    outing = by_instrument.get("outing")
    k6 = by_instrument.get("k6")
    interests = by_instrument.get("interests")
    return phases.Signals(
        phase=case.phase,
        has_assessment=latest is not None,
        outing_state=outing.answers.get("outing_state") if outing else None,
        k6_total=k6.total if k6 else None,
        risk_now=any(r.result.get("risks") for r in by_instrument.values()),
        wishes=frozenset((interests.tags.get("wishes") or {}).get("tags", []))
        if interests
        else frozenset(),
        contacts=counts.get("contacts") or 0,
        self_contacts=counts.get("self_contacts") or 0,
        visits=counts.get("visits") or 0,
    )


def case_section(*, user, case: Case) -> dict:
    """What the case page shows of assessments (a fixed handful of queries)."""
    latest = latest_complete(user=user, case=case)
    drafts = list(
        policy.visible_assessments(user)
        .filter(case_id=case.pk, status=Assessment.Status.DRAFT)
        .select_related("created_by")
        .order_by("-updated_at")
    )
    counts = recent_contact_counts(user=user, case=case)
    suggestion = phases.suggest(phase_signals(case=case, latest=latest, counts=counts))
    escalations = pending_escalations(user=user, case=case)
    return {
        "case": case,
        "latest": latest,
        "drafts": drafts,
        "escalations": escalations,
        "checklist": merged_checklist(escalations),
        "suggestion": suggestion,
        "can_assess": case.is_open and policy.can_assess(user, case),
        "can_acknowledge": policy.can_acknowledge_risk(user, case),
    }


def timeline_assessments(*, user, case: Case) -> list[Assessment]:
    return list(
        policy.visible_assessments(user)
        .filter(case_id=case.pk, status=COMPLETE)
        .select_related("created_by")
        .prefetch_related(_responses_prefetch())
        .order_by("-completed_at")
    )


def timeline_escalations(*, user, case: Case) -> list[RiskEscalation]:
    return list(
        policy.visible_escalations(user)
        .filter(case_id=case.pk)
        .select_related("created_by", "acknowledged_by")
    )


def cases_awaiting_acknowledgement(*, user) -> list[Case]:
    """For a manager: cases of their centers with risk escalated and not yet acknowledged,
    oldest escalation first, each with its pending escalations."""
    centers = policy.managed_center_ids(user)
    if not centers:
        return []
    cases = list(
        cases_policy.visible_cases(user)
        .filter(AWAITING_Q, center_id__in=centers)
        .select_related("person", "center", "primary_worker")
        .prefetch_related(
            Prefetch(
                "risk_escalations",
                queryset=RiskEscalation.objects.filter(acknowledged_at__isnull=True).order_by(
                    "created_at"
                ),
                to_attr="pending",
            )
        )
        .order_by("risk_escalated_at")
    )
    for case in cases:
        labels: list[dict] = []
        for escalation in case.pending:
            for rule in escalation.rules:
                if rule["labels"] not in labels:
                    labels.append(rule["labels"])
        case.pending_rule_labels = labels
    return cases


def my_drafts(*, user) -> list[Assessment]:
    return list(
        policy.visible_assessments(user)
        .filter(created_by_id=user.pk, status=Assessment.Status.DRAFT)
        .select_related("case", "case__person")
        .order_by("-updated_at")[:20]
    )


def form_specs(*, center_id: int, assessment: Assessment | None = None) -> list:
    """The instruments an assessment form offers: a draft's own responses on the definitions
    they were started on, then today's definitions (with the center's variants) for the rest."""
    from .forms import InstrumentSpec

    specs = []
    taken = set()
    if assessment is not None:
        responses = InstrumentResponse.objects.filter(assessment_id=assessment.pk).select_related(
            "definition"
        )
        for response in responses:
            specs.append(InstrumentSpec(response.definition, response.snapshot, response))
            taken.add(response.instrument_id)
    variants = catalog.center_variants(center_id)
    for row in catalog.current_definitions(center_id):
        if row.instrument_id in taken:
            continue
        specs.append(InstrumentSpec(row, row.resolved(variants.get(row.instrument_id, ""))))
    specs.sort(key=lambda s: (s.snapshot.get("order", 1000), s.instrument_id))
    return specs
