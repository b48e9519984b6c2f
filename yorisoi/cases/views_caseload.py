"""The worker's home section and the manager's center view (途切れない支援)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yorisoi.accounts.models import Role
from yorisoi.core.registry import Section

from . import continuity, services
from .forms_plans import HandOverForm

HOME_SECTION_ORDER = 10
NAV_ORDER = 60


def home_section(request: HttpRequest) -> Section | None:
    """The worker's caseload on the home page: what is overdue, due, quiet or new."""
    user = request.user
    if not user.has_role(Role.MANAGER, Role.WORKER):
        return None
    today = continuity.local_today()
    return Section(
        order=HOME_SECTION_ORDER,
        template="cases/home_caseload.html",
        context={
            "lists": continuity.home_lists(user=user, today=today),
            "centers": continuity.managed_center_summaries(user=user),
            "today": today,
            "show_center": len(user.center_ids_with(Role.MANAGER, Role.WORKER)) > 1,
        },
    )


def nav_items(request: HttpRequest) -> list:
    if request.user.has_role(Role.MANAGER):
        return [(_("センター管理"), reverse("cases:manage"), NAV_ORDER)]
    return []


def _center_of(request: HttpRequest, raw: str | None):
    """The managed center named by `raw` (or the first one); 404 for any other."""
    centers = continuity.managed_centers(request.user)
    if not centers:
        raise Http404
    if not raw:
        return centers[0], centers
    for center in centers:
        if str(center.pk) == raw:
            return center, centers
    raise Http404


def _render_manage(request, *, center, centers, today, form, handover_from, status=200):
    checked = set()
    if form.is_bound:
        checked = {v for v in form.data.getlist("cases") if v.isdigit() and len(v) < 12}
    view = continuity.center_view(
        user=request.user,
        center=center,
        today=today,
        handover_from=handover_from,
        selected_ids=[int(v) for v in checked],
    )
    return render(
        request,
        "cases/manage_center.html",
        {
            "view": view,
            "centers": centers,
            "form": form,
            "checked": checked,
            "targets": view.targets,
        },
        status=status,
    )


def _handover_form(request, center, today, data=None) -> HandOverForm:
    return HandOverForm(
        data,
        case_queryset=continuity.handover_cases(user=request.user, center=center),
        targets=continuity.handover_targets(center=center, today=today),
    )


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    center, centers = _center_of(request, request.GET.get("center"))
    today = continuity.local_today()
    return _render_manage(
        request,
        center=center,
        centers=centers,
        today=today,
        form=_handover_form(request, center, today),
        handover_from=request.GET.get("from", ""),
    )


@login_required
@require_POST
def manage_handover(request: HttpRequest) -> HttpResponse:
    center, centers = _center_of(request, request.POST.get("center") or "-")
    today = continuity.local_today()
    form = _handover_form(request, center, today, request.POST)
    handover_from = request.POST.get("from", "")
    if form.is_valid():
        to_worker = form.cleaned_data["to_worker"]
        cases = form.cleaned_data["cases"]
        try:
            services.cases_hand_over(
                user=request.user,
                case_ids=[c.pk for c in cases],
                to_worker=to_worker,
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("%(count)s件のケースを%(name)sさんに引き継ぎました。")
                % {"count": len(cases), "name": to_worker},
            )
            url = reverse("cases:manage") + f"?center={center.pk}"
            return redirect(url)
    return _render_manage(
        request,
        center=center,
        centers=centers,
        today=today,
        form=form,
        handover_from=handover_from,
        status=400,
    )
