"""What the assessments app contributes to lower apps' pages, through yorisoi.core.registry:
the case page section, timeline entries, badges, the plan editor's side panel, home sections
and a navigation entry for managers. Registered in AssessmentsConfig.ready()."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi.core import registry
from yorisoi.core.registry import Section, TimelineEntry

from . import policy, selectors
from .models import Assessment, InstrumentResponse


def case_section(request, case) -> Section | None:
    if not request.user.is_authenticated:
        return None
    context = selectors.case_section(user=request.user, case=case)
    context["request_path"] = request.path
    return Section(order=30, template="assessments/sections/case.html", context=context)


def plan_context(user, case) -> Section | None:
    latest = selectors.latest_complete(user=user, case=case)
    return Section(
        order=30,
        template="assessments/sections/plan.html",
        context={
            "case": case,
            "latest": latest,
            "informed_by_assessment_id": latest.pk if latest else None,
        },
    )


def _assessment_when(assessment: Assessment) -> datetime:
    """An assessment entered after the day it took place sorts on that day."""
    completed = timezone.localtime(assessment.completed_at)
    if completed.date() == assessment.assessed_on:
        return assessment.completed_at
    return timezone.make_aware(datetime.combine(assessment.assessed_on, completed.time()))


def timeline(user, case) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            when=_assessment_when(assessment),
            kind="assessment",
            template="assessments/sections/timeline_assessment.html",
            context={"assessment": assessment, "case": case},
        )
        for assessment in selectors.timeline_assessments(user=user, case=case)
    ]
    for escalation in selectors.timeline_escalations(user=user, case=case):
        entries.append(
            TimelineEntry(
                when=escalation.created_at,
                kind="risk",
                template="assessments/sections/timeline_risk.html",
                context={"escalation": escalation, "case": case},
            )
        )
    return entries


def case_flags(user, case) -> list[tuple[str, str]]:
    # The case header already marks an escalation awaiting a manager; this adds what only
    # assessments know.
    flags = []
    k6 = (
        InstrumentResponse.objects.filter(
            assessment__in=policy.visible_assessments(user).filter(
                case_id=case.pk, status=Assessment.Status.COMPLETE
            ),
            instrument_id="k6",
        )
        .order_by("-assessment__assessed_on", "-assessment_id")
        .values_list("total", flat=True)
        .first()
    )
    if k6 is not None and k6 >= 13:
        flags.append((_("K6 13点以上（%(total)s点）") % {"total": k6}, "badge--warning"))
    return flags


def home_risk(request) -> Section | None:
    cases = selectors.cases_awaiting_acknowledgement(user=request.user)
    if not cases:
        return None
    return Section(
        order=5,
        template="assessments/sections/home_risk.html",
        context={"cases": cases, "request_path": request.path},
    )


def home_drafts(request) -> Section | None:
    if not request.user.is_authenticated:
        return None
    drafts = selectors.my_drafts(user=request.user)
    if not drafts:
        return None
    return Section(
        order=60, template="assessments/sections/home_drafts.html", context={"drafts": drafts}
    )


def nav(request) -> list[tuple[str, str, int]]:
    if policy.can_manage_instruments(request.user):
        return [(_("尺度の設定"), reverse("assessments:definitions"), 70)]
    return []


def register() -> None:
    pairs = (
        (registry.case_section_providers, case_section),
        (registry.plan_context_providers, plan_context),
        (registry.timeline_providers, timeline),
        (registry.case_flag_providers, case_flags),
        (registry.home_providers, home_risk),
        (registry.home_providers, home_drafts),
        (registry.nav_providers, nav),
    )
    for providers, provider in pairs:
        if provider not in providers:
            providers.append(provider)
    from .demo import load_demo_assessments

    if all(loader is not load_demo_assessments for _order, loader in registry.demo_loaders):
        registry.demo_loaders.append((60, load_demo_assessments))
