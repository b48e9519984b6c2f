"""The agency registry. Thin views: parse the request, call a selector or service, render.

Only managers and workers reach these pages; partners and everyone else get 404 (a partner
sees nothing of the center but the referrals addressed to their agency)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from yorisoi.core.errors import StaleEditError

from . import policy, selectors, services
from .forms import AgencyForm
from .models import Agency


def require_staff(request: HttpRequest) -> None:
    if not policy.is_center_staff(request.user):
        raise Http404


def add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form field it names (or on the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def stale_rows(model, stale: StaleEditError) -> list[dict]:
    rows = []
    for name, (theirs, yours) in stale.changes.items():
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # a field the form has but the model does not
            label = name
        rows.append({"label": label, "theirs": theirs, "yours": yours})
    return rows


@login_required
@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    agencies = list(selectors.agency_list(user=request.user, include_inactive=show_all))
    return render(
        request,
        "agencies/agency_list.html",
        {
            "agencies": agencies,
            "show_all": show_all,
            "can_edit": policy.can_edit_agencies(request.user),
        },
    )


@login_required
@require_GET
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = selectors.agency_get(user=request.user, agency_id=agency_id)
    return render(
        request,
        "agencies/agency_detail.html",
        {
            "agency": agency,
            "staff": selectors.agency_staff(agency=agency),
            "can_edit": policy.can_edit_agencies(request.user),
        },
    )


def _agency_form_page(request: HttpRequest, agency: Agency | None) -> HttpResponse:
    if not policy.can_edit_agencies(request.user):
        raise PermissionDenied
    form = AgencyForm(request.POST or None, instance=agency or Agency())
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            if agency is None:
                saved = services.agency_create(user=request.user, data=form.service_data())
                messages.success(request, _("関係機関を登録しました。"))
            else:
                saved = services.agency_update(
                    user=request.user,
                    agency=agency,
                    data=form.service_data(),
                    expected_version=form.cleaned_data.get("version"),
                )
                messages.success(request, _("関係機関の情報を保存しました。"))
        except StaleEditError as error:
            stale = stale_rows(Agency, error)
            post = request.POST.copy()
            post["version"] = str(error.current_version)
            form = AgencyForm(post, instance=agency)
            form.is_valid()
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect(saved)
    return render(
        request,
        "agencies/agency_form.html",
        {"form": form, "agency": agency, "stale": stale},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_create(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    return _agency_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = selectors.agency_get(user=request.user, agency_id=agency_id)
    return _agency_form_page(request, agency)
