"""The worker's home section and the manager's center view (途切れない支援)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from yorisoi.accounts.models import Role
from yorisoi.core.registry import Section

from . import continuity, services
from .forms_plans import HandOverForm

HOME_SECTION_ORDER = 10
NAV_ORDER = 60


@dataclass(frozen=True)
class HomeLine:
    """A row of one of the home page's caseload tables, its texts worked out in Python.

    A busy worker's home lists a hundred rows or more; through date filters, blocktranslate
    and a branch per list in the template each row cost three times as much.
    """

    url: str
    name: str
    center: str
    status: str
    when: str  # the date (or 「今日」) the list's third column shows
    note: str  # e.g. 「3日超過」; shown in <strong> when `strong`
    strong: bool
    risks: list[str]


def _day_formatter():
    """date_format for the dates of one page, each formatted once (rows share many dates)."""
    seen: dict[date, str] = {}

    def day(value: date | None) -> str:
        if not value:
            return ""
        text = seen.get(value)
        if text is None:
            text = seen[value] = date_format(value)
        return text

    return day


def _overdue(days: int) -> str:
    return ngettext("%(days)s日超過", "%(days)s日超過", days) % {"days": days}


def _home_line(row: continuity.CaseRow, kind: str, _day) -> HomeLine:
    case = row.case
    note, strong = "", False
    if kind == "overdue":
        when, note, strong = _day(case.next_contact_on), _overdue(row.days_overdue), True
    elif kind == "today":
        when = _("今日")
    elif kind == "quiet":
        if row.last_contact_on:
            when = _day(row.last_contact_on)
        else:
            when = _("記録なし（受付 %(opened)s）") % {"opened": _day(case.opened_on)}
        days = row.days_quiet
        note = ngettext("%(days)s日間連絡なし", "%(days)s日間連絡なし", days) % {"days": days}
        strong = True
    elif kind == "review":
        when = _day(row.review_on)
        if row.review_in_days is not None and row.review_in_days < 0:
            note, strong = _overdue(row.review_overdue_days), True
        elif row.review_in_days == 0:
            note, strong = _("今日"), True
        elif row.review_in_days is not None:
            days = row.review_in_days
            note = ngettext("あと%(days)s日", "あと%(days)s日", days) % {"days": days}
    elif kind == "new":
        assigned = case.primary_assigned_at
        when = _day(timezone.localdate(assigned)) if assigned else ""
    else:
        when = _day(case.next_contact_on) or _("未定")
        if row.days_overdue > 0:
            note, strong = _overdue(row.days_overdue), True
    return HomeLine(
        url=case.get_absolute_url(),
        name=row.person_name,
        center=str(case.center),
        status=str(case.get_status_display()),
        when=when,
        note=note,
        strong=strong,
        risks=row.risk_flags,
    )


def home_tables(lists: continuity.HomeLists) -> dict[str, list[HomeLine]]:
    """Each home list's rows as HomeLines, by the list's kind."""
    kinds = {
        "overdue": lists.overdue,
        "today": lists.due_today,
        "new": lists.new_assignments,
        "quiet": lists.quiet,
        "review": lists.reviews_due,
        "risk": lists.risk,
        "unplanned": lists.no_next_contact,
    }
    day = _day_formatter()
    return {kind: [_home_line(row, kind, day) for row in rows] for kind, rows in kinds.items()}


def home_section(request: HttpRequest) -> Section | None:
    """The worker's caseload on the home page: what is overdue, due, quiet or new."""
    user = request.user
    if not user.has_role(Role.MANAGER, Role.WORKER):
        return None
    today: date = continuity.local_today()
    lists = continuity.home_lists(user=user, today=today)
    return Section(
        order=HOME_SECTION_ORDER,
        template="cases/home_caseload.html",
        context={
            "lists": lists,
            "tables": home_tables(lists),
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
