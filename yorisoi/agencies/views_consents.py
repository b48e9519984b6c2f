"""Recording and withdrawing consents (同意), from the case page. The consent belongs to the
person (people.Consent); these pages are here because they start from a case, which people
may not import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yorisoi.accounts.models import Center
from yorisoi.cases import policy as cases_policy
from yorisoi.cases import selectors as cases_selectors
from yorisoi.people import selectors as people_selectors
from yorisoi.people import services as people_services

from . import selectors
from .forms import ConsentForm, ConsentWithdrawForm
from .views import add_errors


def case_for(request: HttpRequest, case_id: int):
    """The case, access-checked (404 for anyone who may not see it) and writable by the
    user (403 otherwise). A form page records a view; a submit is audited by its service."""
    if request.method == "POST":
        case = cases_selectors.case_get_for_update(user=request.user, case_id=case_id)
    else:
        case = cases_selectors.case_get(user=request.user, case_id=case_id)
    if not cases_policy.can_edit_case(request.user, case):
        raise PermissionDenied
    return case


def _back(case) -> str:
    return f"{case.get_absolute_url()}#agencies-section"


@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for(request, case_id)
    form = ConsentForm(
        request.POST or None,
        members=cases_selectors.household_members(case=case),
        agencies=selectors.active_agencies(),
        centers=Center.objects.filter(is_active=True).exclude(pk=case.center_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            people_services.consent_record(
                user=request.user,
                person=case.person,
                center=case.center,
                data=form.service_data(),
                submission_token=form.cleaned_data["submission_token"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "agency" in error.error_dict:
                error.error_dict["recipient"] = error.error_dict.pop("agency")
            if hasattr(error, "error_dict") and "given_by_member" in error.error_dict:
                error.error_dict["given_by"] = error.error_dict.pop("given_by_member")
            add_errors(form, error)
        else:
            messages.success(request, _("同意を記録しました。"))
            return redirect(_back(case))
    return render(request, "people/consent_form.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, case_id: int, consent_id: int) -> HttpResponse:
    case = case_for(request, case_id)
    consent = people_selectors.consent_get(
        user=request.user, person=case.person, consent_id=consent_id
    )
    form = ConsentWithdrawForm(request.POST or None)
    if consent.withdrawn_at is None and request.method == "POST" and form.is_valid():
        try:
            people_services.consent_withdraw(
                user=request.user,
                consent=consent,
                reason=form.cleaned_data["withdrawal_reason"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "同意の撤回を記録しました。この同意による情報の提供は、今この時点で止まりました。"
                ),
            )
            return redirect(_back(case))
    return render(
        request,
        "people/consent_withdraw.html",
        {"case": case, "consent": consent, "form": form},
    )
