"""Agency consultations (機関相談) and the network: liaison councils, case conferences with
de-identified summaries, trainings and their attendance. Staff only; anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yorisoi.accounts.models import Center
from yorisoi.cases import selectors as cases_selectors
from yorisoi.core.errors import StaleEditError
from yorisoi.core.japanese import fiscal_year_label

from . import policy, selectors, services
from .forms import (
    AttendanceForm,
    ConsultationForm,
    MeetingForm,
    SummaryCreateForm,
    SummaryEditForm,
)
from .models import CaseSummary, Meeting, MeetingKind
from .views import add_errors, require_staff, stale_rows

PAGE_SIZE = 50


def _fiscal_year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    try:
        year = int(raw)
    except ValueError:
        return selectors.current_fiscal_year()
    return year if 1990 <= year <= 2100 else selectors.current_fiscal_year()


def _year_choices(current: int) -> list[tuple[int, str]]:
    this_year = selectors.current_fiscal_year()
    years = sorted({*range(this_year - 4, this_year + 1), current}, reverse=True)
    return [(y, fiscal_year_label(y)) for y in years]


# --- agency consultations ----------------------------------------------------------------------


@login_required
@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    year = _fiscal_year(request)
    queryset = selectors.consultation_list(user=request.user, fiscal_year=year)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "agencies/consultation_list.html",
        {
            "page_obj": page,
            "rows": list(page.object_list),
            "year": year,
            "year_label": fiscal_year_label(year),
            "years": _year_choices(year),
            "counts": selectors.consultation_counts_for(user=request.user, fiscal_year=year),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_create(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    centers = list(request.user.centers_with(*policy.STAFF_ROLES))
    form = ConsultationForm(
        request.POST or None,
        centers=centers,
        agencies=selectors.active_agencies(),
        initial={"agency": request.GET.get("agency")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        center = next(c for c in centers if c.pk == data["center"])
        case = None
        if data.get("case_id"):
            case = selectors.visible_case_for_consultation(
                user=request.user, case_id=data["case_id"]
            )
            if case is None:
                form.add_error(
                    "case_id",
                    _("この番号のケースは見つかりません。番号を確かめるか、空欄にしてください。"),
                )
        if not form.errors:
            try:
                services.consultation_record(
                    user=request.user,
                    center=center,
                    agency=data["agency"],
                    method=data["method"],
                    occurred_at=data["occurred_at"],
                    duration_minutes=data["duration_minutes"],
                    case=case,
                    consulter_detail=data["consulter_detail"],
                    summary=data["summary"],
                    note=data["note"],
                    follow_up=data["follow_up"],
                    submission_token=data["submission_token"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict") and "case" in error.error_dict:
                    error.error_dict["case_id"] = error.error_dict.pop("case")
                add_errors(form, error)
            else:
                messages.success(request, _("機関相談を記録しました。"))
                return redirect("agencies:consultation_list")
    return render(request, "agencies/consultation_form.html", {"form": form})


# --- meetings ----------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    year = _fiscal_year(request)
    kind = request.GET.get("kind", "")
    queryset = selectors.meeting_list(user=request.user, kind=kind, fiscal_year=year)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "agencies/meeting_list.html",
        {
            "page_obj": page,
            "meetings": list(page.object_list),
            "year": year,
            "years": _year_choices(year),
            "kind": kind,
            "kinds": MeetingKind.choices,
        },
    )


def _meeting_form_page(request: HttpRequest, meeting: Meeting | None) -> HttpResponse:
    centers = list(request.user.centers_with(*policy.STAFF_ROLES))
    form = MeetingForm(
        request.POST or None,
        instance=meeting or Meeting(),
        centers=Center.objects.filter(pk__in=[c.pk for c in centers]),
        agencies=selectors.active_agencies(),
        staff=cases_selectors.center_staff_of(center_ids=[c.pk for c in centers]),
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.meeting_save(
                user=request.user,
                meeting=meeting,
                data=form.service_data(),
                agencies=list(form.cleaned_data["agencies"]),
                staff=list(form.cleaned_data["staff"]),
                expected_version=form.cleaned_data.get("version"),
                submission_token=form.cleaned_data.get("submission_token"),
            )
        except StaleEditError as error:
            stale = stale_rows(Meeting, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("会議・研修の記録を保存しました。"))
            return redirect(saved)
    return render(
        request,
        "agencies/meeting_form.html",
        {"form": form, "meeting": meeting, "stale": stale},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    return _meeting_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    if not policy.can_edit_meeting(request.user, meeting):
        raise PermissionDenied
    return _meeting_form_page(request, meeting)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    can_edit = policy.can_edit_meeting(request.user, meeting)
    attendances = list(meeting.attendances.all())
    return render(
        request,
        "agencies/meeting_detail.html",
        {
            "meeting": meeting,
            "attendances": attendances,
            "summaries": selectors.meeting_summaries(user=request.user, meeting=meeting),
            "can_edit": can_edit,
            "attendance_form": AttendanceForm(attendances=attendances) if can_edit else None,
            "summary_form": SummaryCreateForm()
            if meeting.kind == MeetingKind.CASE_CONFERENCE
            else None,
        },
    )


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    if not policy.can_edit_meeting(request.user, meeting):
        raise PermissionDenied
    form = AttendanceForm(request.POST, attendances=list(meeting.attendances.all()))
    if form.is_valid():
        try:
            services.attendance_set(user=request.user, meeting=meeting, counts=form.counts())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("出席人数を保存しました。"))
    else:
        messages.error(request, _("出席人数は1以上の数で入力してください。"))
    return redirect(f"{meeting.get_absolute_url()}#attendance")


# --- de-identified case summaries (事例検討) ---------------------------------------------------


@login_required
@require_POST
def summary_create(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    form = SummaryCreateForm(request.POST)
    if form.is_valid():
        case = selectors.visible_case_for_consultation(
            user=request.user, case_id=form.cleaned_data["case_id"]
        )
        if case is None:
            messages.error(
                request, _("この番号のケースは見つかりません。ケース番号を確かめてください。")
            )
            return redirect(f"{meeting.get_absolute_url()}#summaries")
        case = cases_selectors.case_get(user=request.user, case_id=case.pk)
        try:
            summary = services.summary_create(
                user=request.user, meeting=meeting, case=case, title=form.cleaned_data["title"]
            )
        except PermissionDenied:
            messages.error(
                request,
                _("要約を作れるのは、そのケースの記録を書き込める職員（担当者・センター長）です。"),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("匿名化した下書きを作りました。全文を確認・修正してから共有してください。"),
            )
            return redirect("agencies:summary_edit", meeting_id=meeting.pk, summary_id=summary.pk)
    else:
        messages.error(request, _("ケース番号を入力してください。"))
    return redirect(f"{meeting.get_absolute_url()}#summaries")


@login_required
@require_http_methods(["GET", "POST"])
def summary_edit(request: HttpRequest, meeting_id: int, summary_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    summary = selectors.summary_get(user=request.user, meeting=meeting, summary_id=summary_id)
    if summary.is_shared:
        return render(
            request,
            "agencies/summary_detail.html",
            {"meeting": meeting, "summary": summary},
        )
    form = SummaryEditForm(
        request.POST or None,
        initial={"version": summary.version, "title": summary.title, "text": summary.text},
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        share = request.POST.get("action") == "share"
        try:
            services.summary_update(
                user=request.user,
                summary=summary,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
            )
            if share:
                services.summary_share(user=request.user, summary=summary)
        except StaleEditError as error:
            stale = stale_rows(CaseSummary, error)
        except ValidationError as error:
            add_errors(form, error)
            post = request.POST.copy()
            post["version"] = str(summary.version)
            form.data = post
        else:
            if share:
                messages.success(request, _("要約を会議で共有しました。"))
                return redirect(f"{meeting.get_absolute_url()}#summaries")
            messages.success(request, _("下書きを保存しました。"))
            return redirect(
                reverse("agencies:summary_edit", args=[meeting.pk, summary.pk]) + "#summary-form"
            )
    return render(
        request,
        "agencies/summary_form.html",
        {"meeting": meeting, "summary": summary, "form": form, "stale": stale},
    )


# --- training attendance -----------------------------------------------------------------------


@login_required
@require_GET
def training_attendance(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    year = _fiscal_year(request)
    return render(
        request,
        "agencies/training_attendance.html",
        {
            "data": selectors.training_attendance(user=request.user, fiscal_year=year),
            "year": year,
            "year_label": fiscal_year_label(year),
            "years": _year_choices(year),
        },
    )
