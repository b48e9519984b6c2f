"""Referrals, hand-overs and joint support: the list, the request form, the referral page
(where both sides take their steps and post progress). Partners reach only these pages,
and only for referrals addressed to their agency."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yorisoi.accounts.models import Center
from yorisoi.cases import selectors as cases_selectors
from yorisoi.people import selectors as people_selectors

from . import consent as consent_rules
from . import policy, selectors, services
from .forms import ProgressForm, ReferralForm, TransitionForm
from .models import REASON_REQUIRED_STATUSES, Referral, ReferralKind, ReferralStatus
from .views import add_errors
from .views_consents import case_for

PAGE_SIZE = 50

# What each step is called on its button, and what its text box asks for.
STEP_LABELS = {
    ReferralStatus.ACCEPTED: gettext_lazy("受理する"),
    ReferralStatus.IN_PROGRESS: gettext_lazy("対応を始める"),
    ReferralStatus.COMPLETED: gettext_lazy("結果を報告して完了にする"),
    ReferralStatus.NOT_ESTABLISHED: gettext_lazy("不成立にする"),
    ReferralStatus.RETURNED: gettext_lazy("差し戻す"),
    ReferralStatus.REQUESTED: gettext_lazy("内容を見直して再依頼する"),
}
TEXT_LABELS = {
    ReferralStatus.ACCEPTED: gettext_lazy("受理にあたってのメモ（任意）"),
    ReferralStatus.IN_PROGRESS: gettext_lazy("メモ（任意）"),
    ReferralStatus.COMPLETED: gettext_lazy("結果（どのような支援につながったか）"),
    ReferralStatus.NOT_ESTABLISHED: gettext_lazy("不成立の理由"),
    ReferralStatus.RETURNED: gettext_lazy("差し戻す理由（確認・補足してほしいこと）"),
    ReferralStatus.REQUESTED: gettext_lazy("見直した点"),
}


@login_required
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "active")
    kind = request.GET.get("kind", "")
    queryset = selectors.referral_list(user=request.user, status=status, kind=kind)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "agencies/referral_list.html",
        {
            "page_obj": page,
            "referrals": list(page.object_list),
            "status": status,
            "kind": kind,
            "statuses": ReferralStatus.choices,
            "kinds": ReferralKind.choices,
            "is_partner": policy.is_partner(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for(request, case_id)
    centers = Center.objects.filter(is_active=True).exclude(pk=case.center_id)
    can_override = policy.can_override_consent(request.user, case)
    form = ReferralForm(
        request.POST or None,
        agencies=selectors.active_agencies(),
        centers=list(centers),
        can_override=can_override,
        initial={"agency": request.GET.get("agency")},
    )
    missing = None
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                user=request.user,
                case=case,
                submission_token=form.cleaned_data["submission_token"],
                **form.service_data(),
            )
        except consent_rules.ConsentMissing as error:
            missing = error.missing
            form.add_error(None, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if referral.override_at:
                messages.warning(
                    request,
                    _("同意がないまま、緊急の判断として紹介しました。理由は記録されています。"),
                )
            else:
                messages.success(request, _("紹介・引継ぎを依頼しました。"))
            return redirect(referral)
    return render(
        request,
        "agencies/referral_form.html",
        {
            "case": case,
            "form": form,
            "consents": people_selectors.consents_of_person(user=request.user, person=case.person),
            "missing": missing,
            "can_override": can_override,
        },
    )


def _steps(request: HttpRequest, referral: Referral, sent: TransitionForm | None = None):
    """One small form per step this user may take now (the one just sent keeps its input
    and errors)."""
    staff = []
    if referral.is_handover and referral.status == ReferralStatus.REQUESTED:
        staff = list(cases_selectors.center_staff(center_id=referral.to_center_id))
    steps = []
    for to in policy.allowed_transitions(request.user, referral):
        pick_worker = bool(staff) and to == ReferralStatus.ACCEPTED
        if sent is not None and sent.prefix == f"step-{to}":
            form = sent
        else:
            form = TransitionForm(
                initial={"version": referral.version},
                staff=staff if pick_worker else (),
                prefix=f"step-{to}",
            )
        steps.append(
            {
                "to": to,
                "label": STEP_LABELS[to],
                "text_label": TEXT_LABELS[to],
                "text_required": to in REASON_REQUIRED_STATUSES,
                "form": form,
                "danger": to in (ReferralStatus.NOT_ESTABLISHED, ReferralStatus.RETURNED),
                "pick_worker": pick_worker,
                "can_override": to == ReferralStatus.REQUESTED
                and policy.can_override_consent(request.user, referral.case),
            }
        )
    return steps


def _detail(
    request: HttpRequest,
    referral: Referral,
    *,
    sent: TransitionForm | None = None,
    progress_form: ProgressForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "agencies/referral_detail.html",
        {
            "referral": referral,
            "shared": selectors.referral_shared_info(user=request.user, referral=referral),
            "events": selectors.referral_events(user=request.user, referral=referral),
            "steps": _steps(request, referral, sent),
            "progress_form": progress_form or ProgressForm(),
            "can_post": policy.can_post_progress(request.user, referral),
            "is_sender": policy.is_sender(request.user, referral),
            "is_receiver": policy.is_receiver(request.user, referral),
            "show_case_link": selectors.can_see_case(user=request.user, case_id=referral.case_id),
        },
    )


@login_required
@require_GET
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = selectors.referral_get(user=request.user, referral_id=referral_id)
    return _detail(request, referral)


@login_required
@require_POST
def referral_transition(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = selectors.referral_get(user=request.user, referral_id=referral_id, record=False)
    to = request.POST.get("step", "")
    if to not in ReferralStatus.values:
        messages.error(request, _("操作を選び直してください。"))
        return redirect(referral)
    staff = []
    if referral.is_handover and to == ReferralStatus.ACCEPTED:
        staff = list(cases_selectors.center_staff(center_id=referral.to_center_id))
    form = TransitionForm(request.POST, staff=staff, prefix=f"step-{to}")
    if form.is_valid():
        try:
            services.referral_transition(
                user=request.user,
                referral=referral,
                to_status=to,
                text=form.cleaned_data["text"],
                emergency_reason=form.cleaned_data["emergency_reason"],
                new_primary_worker=form.worker(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("紹介を「%(status)s」にしました。") % {"status": ReferralStatus(to).label},
            )
            if not policy.visible_referrals(request.user).filter(pk=referral.pk).exists():
                return redirect("agencies:referral_list")
            return redirect(referral)
    referral = selectors.referral_get(user=request.user, referral_id=referral_id, record=False)
    if f"step-{to}" not in {
        f"step-{s}" for s in policy.allowed_transitions(request.user, referral)
    }:
        # The refused step is not on the page (e.g. a step the machine does not allow from
        # here): say why at the top instead.
        for error in form.non_field_errors():
            messages.error(request, error)
    return _detail(request, referral, sent=form)


@login_required
@require_POST
def referral_post(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = selectors.referral_get(user=request.user, referral_id=referral_id, record=False)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.referral_post_progress(
                user=request.user, referral=referral, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("経過を投稿しました。"))
            return redirect(f"{referral.get_absolute_url()}#events")
    return _detail(request, referral, progress_form=form)
