"""Intake, the case page, contacts, status/phase/assignment/risk changes and the case list.
Thin views: parse the request, call a selector or service, render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yorisoi.accounts.models import Role, User
from yorisoi.core.errors import StaleEditError
from yorisoi.core.registry import case_flag_providers, case_section_providers, collect_sections
from yorisoi.people import policy as people_policy
from yorisoi.people import selectors as people_selectors

from . import policy, selectors, services
from .forms import (
    AssignForm,
    CaseFilterForm,
    ContactCreateForm,
    ContactEditForm,
    IntakeForm,
    IntakePersonForm,
    PhaseForm,
    RiskForm,
    StatusForm,
)
from .models import Case, Contact, Status

CASE_ROLES = (Role.WORKER, Role.MANAGER)
LIST_PAGE_SIZE = 50
# The case page shows the newest timeline entries, this many at a time: 「さらに表示」 adds the
# next ones (in place with htmx, or as a longer page without JavaScript); 「すべて表示」 all.
TIMELINE_PAGE_SIZE = 30
TIMELINE_MAX_PAGES = 1000


def _case_centers(request: HttpRequest) -> list:
    """Centers where the user works cases. Anyone else finds no case pages at all."""
    centers = list(request.user.centers_with(*CASE_ROLES))
    if not centers:
        raise Http404
    return centers


def _require_edit(request: HttpRequest, case: Case) -> None:
    if not policy.can_edit_case(request.user, case):
        raise PermissionDenied


def _require_manager(request: HttpRequest, case: Case) -> None:
    if not policy.can_manage_center(request.user, case.center_id):
        raise PermissionDenied


def _case_for(request: HttpRequest, case_id: int) -> Case:
    """A form page records a view when shown; a submit is audited by the service instead."""
    if request.method == "POST":
        return selectors.case_get_for_update(user=request.user, case_id=case_id)
    return selectors.case_get(user=request.user, case_id=case_id)


def _add_errors(forms_, error: ValidationError) -> None:
    """Put a service's ValidationError on the field of whichever form has it."""
    if not hasattr(error, "error_dict"):
        forms_[0].add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = next((f for f in forms_ if name in f.fields), None)
        if target is None:
            forms_[0].add_error(None, errors)
        else:
            target.add_error(name, errors)


def _display(model: type[Model] | None, name: str, value) -> str:
    """A stored or submitted value as a person reads it, for the stale-edit table."""
    if value in (None, "", []):
        return _("（空欄）")
    if model is not None:
        try:
            field = model._meta.get_field(name.removesuffix("_id"))
        except FieldDoesNotExist:
            field = None
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, list | tuple | set):
        return "、".join(str(v) for v in value)
    return str(value)


def _label(model: type[Model], name: str) -> str:
    if name == "version":
        return _("ほかの項目")
    if name == "workers":
        return _("対応者")
    try:
        return str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
    except FieldDoesNotExist:
        return name


def _stale_rows(model: type[Model], stale: StaleEditError) -> list[dict]:
    rows = []
    for name, (theirs, yours) in stale.changes.items():
        if name == "version":
            rows.append(
                {
                    "label": _label(model, name),
                    "theirs": _("ほかの職員が別の項目を変更しました"),
                    "yours": "—",
                }
            )
            continue
        if name == "workers":
            names = {u.pk: str(u) for u in User.objects.filter(pk__in=[*theirs, *yours])}
            theirs = [names.get(pk, pk) for pk in theirs]
            yours = [names.get(pk, pk) for pk in yours]
        rows.append(
            {
                "label": _label(model, name),
                "theirs": _display(model, name, theirs),
                "yours": _display(model, name, yours),
            }
        )
    return rows


def _restale(form_class, request: HttpRequest, stale: StaleEditError, **kwargs):
    """The form again with the user's input and the version now stored, so a second save
    knowingly replaces the newer values."""
    post = request.POST.copy()
    post["version"] = str(stale.current_version)
    form = form_class(post, **kwargs)
    form.is_valid()
    return form


def nav_items(request: HttpRequest) -> list:
    """「新規受付」 and 「ケース一覧」 in the main menu of managers and workers."""
    if not request.user.center_ids_with(*CASE_ROLES):
        return []
    return [
        (_("新規受付"), reverse("cases:intake"), 10),
        (_("ケース一覧"), reverse("cases:list"), 20),
    ]


# ----- intake ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    centers = _case_centers(request)
    form = IntakeForm(request.POST or None, centers=centers)
    person_form = IntakePersonForm(request.POST or None)
    if request.method == "POST":
        valid = form.is_valid()
        valid = person_form.is_valid() and valid
        if valid:
            data = form.cleaned_data
            center = next(c for c in centers if c.pk == data["center"])
            person = None
            if data.get("person_id"):
                person = (
                    people_policy.visible_persons(request.user).filter(pk=data["person_id"]).first()
                )
                if person is None:
                    form.add_error(None, _("選んだ方の記録が見つかりません。選び直してください。"))
            if not form.errors:
                try:
                    contact = services.intake_record(
                        user=request.user,
                        center=center,
                        person=person,
                        person_data=dict(person_form.cleaned_data) if person is None else None,
                        consulter=data["consulter"],
                        consulter_relationship=data["consulter_relationship"],
                        consulter_name=data["consulter_name"],
                        consulter_age=data["consulter_age"],
                        consulter_detail=data["consulter_detail"],
                        method=data["method"],
                        occurred_at=data["occurred_at"],
                        duration_minutes=data["duration_minutes"],
                        heard_via=data["heard_via"],
                        summary=data["summary"],
                        note=data["note"],
                        follow_up=data["follow_up"],
                        next_contact_on=data["next_contact_on"],
                        submission_token=data["submission_token"],
                    )
                except ValidationError as error:
                    _add_errors([form, person_form], error)
                else:
                    messages.success(request, _("受付を記録しました。"))
                    return redirect(contact.case)
    return render(
        request,
        "cases/intake.html",
        {"form": form, "person_form": person_form},
    )


@login_required
@require_GET
def intake_duplicates(request: HttpRequest) -> HttpResponse:
    """HTML fragment (hx-get) under the intake's person fields: persons who may be the same,
    each selectable so the intake is added to them instead of a new record."""
    if not request.user.center_ids_with(*CASE_ROLES):
        return HttpResponse("")
    form = IntakePersonForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    candidates = people_selectors.person_duplicates(
        user=request.user,
        family_name_kana=data.get("family_name_kana") or "",
        given_name_kana=data.get("given_name_kana") or "",
        family_name=data.get("family_name") or "",
        given_name=data.get("given_name") or "",
        birth_date=data.get("birth_date"),
        age_band=data.get("age_band") or "",
        phone=data.get("phone") or "",
    )
    chosen = request.GET.get("person_id", "")
    cases_by_person: dict[int, list[Case]] = {}
    if candidates:
        for case in (
            policy.visible_cases(request.user)
            .filter(person_id__in=[p.pk for p in candidates])
            .select_related("center")
        ):
            cases_by_person.setdefault(case.person_id, []).append(case)
    rows = [{"person": p, "cases": cases_by_person.get(p.pk, [])} for p in candidates]
    return render(
        request,
        "cases/_intake_duplicates.html",
        {"rows": rows, "chosen": chosen},
    )


# ----- the case page ----------------------------------------------------------------------


def _timeline_pages(raw: str | None) -> int:
    """How many pages of the timeline to show (?timeline=N); 1 for anything unusable."""
    if raw and raw.isdigit() and len(raw) <= 4:
        return min(max(int(raw), 1), TIMELINE_MAX_PAGES)
    return 1


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, case_id=case_id)
    show_all = request.GET.get("all") == "1"
    pages = _timeline_pages(request.GET.get("timeline"))
    can_edit = policy.can_edit_case(request.user, case)
    if request.htmx and pages > 1 and not show_all:
        # 「さらに表示」: only the next page of entries, put in place of the button.
        entries = selectors.case_timeline(
            user=request.user,
            case=case,
            offset=(pages - 1) * TIMELINE_PAGE_SIZE,
            limit=TIMELINE_PAGE_SIZE + 1,
        )
        return render(
            request,
            "cases/_timeline_page.html",
            {
                "case": case,
                "can_edit": can_edit,
                "entries": entries[:TIMELINE_PAGE_SIZE],
                "page_number": pages,
                "timeline_more": len(entries) > TIMELINE_PAGE_SIZE,
                "timeline_next": pages + 1,
                "focus": True,
            },
        )
    shown = None if show_all else pages * TIMELINE_PAGE_SIZE
    timeline = selectors.case_timeline(
        user=request.user, case=case, limit=None if shown is None else shown + 1
    )
    more = shown is not None and len(timeline) > shown
    if more:
        timeline = timeline[:shown]
    flags = [flag for provider in case_flag_providers for flag in provider(request.user, case)]
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "timeline": timeline,
            # Pages of entries, each its own anchor (#timeline-2 ...) for 「さらに表示」.
            "timeline_pages": [
                timeline[start : start + TIMELINE_PAGE_SIZE]
                for start in range(0, len(timeline), TIMELINE_PAGE_SIZE)
            ],
            "timeline_more": more,
            "timeline_next": pages + 1,
            "sections": collect_sections(case_section_providers, request, case),
            "extra_flags": flags,
            "can_edit": can_edit,
            "can_manage": policy.can_manage_center(request.user, case.center_id),
            "aging_household": people_selectors.aging_household(case.person),
            "today": timezone.localdate(),
        },
    )


# ----- contacts ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_for(request, case_id)
    _require_edit(request, case)
    kwargs = {
        "members": selectors.household_members(case=case),
        "staff": selectors.center_staff(center_id=case.center_id),
    }
    form = ContactCreateForm(
        request.POST or None,
        initial={"workers": [request.user.pk]},
        instance=Contact(),
        **kwargs,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_record(
                user=request.user,
                case=case,
                workers=list(form.cleaned_data["workers"]) or None,
                submission_token=form.cleaned_data["submission_token"],
                **form.service_data(),
            )
        except ValidationError as error:
            _add_errors([form], error)
        else:
            messages.success(request, _("相談・対応記録を保存しました。"))
            return redirect(case)
    return render(
        request,
        "cases/contact_form.html",
        {"case": case, "form": form, "is_new": True, "closed": case.status == Status.CLOSED},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, case_id: int, contact_id: int) -> HttpResponse:
    case = _case_for(request, case_id)
    contact = selectors.contact_get(
        user=request.user, case=case, contact_id=contact_id, record=request.method == "GET"
    )
    _require_edit(request, case)
    kwargs = {
        "members": selectors.household_members(case=case),
        "staff": selectors.center_staff(center_id=case.center_id),
    }
    stale_changes = None
    if request.method == "POST":
        form = ContactEditForm(request.POST, instance=Contact.objects.get(pk=contact.pk), **kwargs)
        if form.is_valid():
            try:
                services.contact_update(
                    user=request.user,
                    contact=contact,
                    data=form.service_data(),
                    workers=list(form.cleaned_data["workers"]) or None,
                    expected_version=form.cleaned_data["version"],
                )
            except StaleEditError as stale:
                stale_changes = _stale_rows(Contact, stale)
                form = _restale(
                    ContactEditForm,
                    request,
                    stale,
                    instance=Contact.objects.get(pk=contact.pk),
                    **kwargs,
                )
            except ValidationError as error:
                _add_errors([form], error)
            else:
                messages.success(request, _("相談・対応記録を保存しました。"))
                return redirect(case)
    else:
        form = ContactEditForm(instance=contact, **kwargs)
    return render(
        request,
        "cases/contact_form.html",
        {
            "case": case,
            "contact": contact,
            "form": form,
            "is_new": False,
            "stale_changes": stale_changes,
        },
    )


# ----- status, phase, workers, risk -----------------------------------------------------


def _case_change_view(
    request: HttpRequest,
    case: Case,
    form_class,
    apply,
    *,
    title: str,
    intro: str,
    done: str,
    form_kwargs=None,
) -> HttpResponse:
    """The shared shape of the small case forms: show, validate, call, refuse stale edits."""
    form_kwargs = {"case": case, **(form_kwargs or {})}
    form = form_class(request.POST or None, **form_kwargs)
    stale_changes = None
    if request.method == "POST" and form.is_valid():
        try:
            apply(form.cleaned_data)
        except StaleEditError as stale:
            stale_changes = _stale_rows(Case, stale)
            form = _restale(form_class, request, stale, **form_kwargs)
        except ValidationError as error:
            _add_errors([form], error)
        else:
            messages.success(request, done)
            return redirect(case)
    return render(
        request,
        "cases/change_form.html",
        {
            "case": case,
            "form": form,
            "title": title,
            "intro": intro,
            "stale_changes": stale_changes,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_for(request, case_id)
    _require_edit(request, case)

    def apply(data):
        services.case_change_status(
            user=request.user,
            case=case,
            status=data["status"],
            closure_reason=data["closure_reason"],
            reason=data["reason"],
            on=data["on"],
            expected_version=data["version"],
        )

    intro = _(
        "受付 → アセスメント → プラン → 支援中 → 見守り → 終結。終結したケースも再開できます。"
    )
    return _case_change_view(
        request,
        case,
        StatusForm,
        apply,
        title=_("状況を変更"),
        intro=intro,
        done=_("状況を変更しました。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_phase(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_for(request, case_id)
    _require_edit(request, case)

    def apply(data):
        services.case_change_phase(
            user=request.user,
            case=case,
            phase=data["phase"],
            reason=data["reason"],
            on=data["on"],
            expected_version=data["version"],
        )

    return _case_change_view(
        request,
        case,
        PhaseForm,
        apply,
        title=_("支援段階を変更"),
        intro=_("支援段階は行きつ戻りつするものです。前の段階に戻すこともできます。"),
        done=_("支援段階を変更しました。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_for(request, case_id)
    _require_manager(request, case)

    def apply(data):
        services.case_assign(
            user=request.user,
            case=case,
            primary_worker=data["primary_worker"],
            secondary_workers=list(data["secondary_workers"]),
            reason=data["reason"],
            expected_version=data["version"],
        )

    return _case_change_view(
        request,
        case,
        AssignForm,
        apply,
        title=_("担当者を変更"),
        intro=_(
            "新しい主担当のホーム画面に、このケースが新しく担当になったケースとして表示されます。"
        ),
        done=_("担当者を変更しました。"),
        form_kwargs={"staff": selectors.center_staff(center_id=case.center_id)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_risk(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_for(request, case_id)
    _require_edit(request, case)

    def apply(data):
        services.case_set_risk(
            user=request.user,
            case=case,
            flags={name: data[name] for name in RiskForm.FLAGS},
            note=data["risk_note"],
            expected_version=data["version"],
        )

    return _case_change_view(
        request,
        case,
        RiskForm,
        apply,
        title=_("リスクを記録"),
        intro=_("新しくリスクを記録すると、センター長・管理者が確認するまで強調して表示されます。"),
        done=_("リスクを記録しました。"),
    )


@login_required
@require_POST
def case_risk_acknowledge(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get_for_update(user=request.user, case_id=case_id)
    _require_manager(request, case)
    services.case_acknowledge_risk(user=request.user, case=case)
    messages.success(request, _("リスクを確認済みにしました。"))
    return redirect(case)


# ----- the case list ----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseLine:
    """A row of the case list, its texts worked out in Python: fifty rows through filters,
    an inclusion tag and blocktranslate each cost several times as much in the template."""

    url: str
    name: str
    risks: list[str]
    escalated: bool
    aging_household: bool
    center: str
    status: str
    phase: str
    primary_worker: str
    secondary_workers: list[str]
    next_contact_on: str
    overdue: bool
    last_contact_on: str


def _case_line(case: Case, today: date) -> CaseLine:
    """`case` from selectors.case_list (person, household members and workers loaded)."""
    last = case.last_contact_at
    return CaseLine(
        url=case.get_absolute_url(),
        name=case.person.display_name,
        risks=case.risk_flags,
        escalated=bool(case.risk_escalated_at and not case.risk_acknowledged_at),
        aging_household=people_selectors.aging_household(case.person, today),
        center=str(case.center),
        status=str(case.get_status_display()),
        phase=str(case.get_phase_display()),
        primary_worker=str(case.primary_worker) if case.primary_worker else _("未定"),
        secondary_workers=[
            _("副：%(worker)s") % {"worker": worker} for worker in case.secondary_workers.all()
        ],
        next_contact_on=case.next_contact_on.isoformat() if case.next_contact_on else "—",
        overdue=bool(
            case.status != Status.CLOSED and case.next_contact_on and case.next_contact_on < today
        ),
        last_contact_on=timezone.localdate(last).isoformat() if last else "—",
    )


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    centers = _case_centers(request)
    staff = selectors.center_staff_of(center_ids=[c.pk for c in centers])
    form = CaseFilterForm(request.GET or None, staff=staff, centers=centers)
    filters = form.filters() if form.is_bound else {}
    page = Paginator(selectors.case_list(user=request.user, filters=filters), LIST_PAGE_SIZE)
    page_obj = page.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    today = timezone.localdate()
    cases = list(page_obj.object_list)
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "cases": cases,
            "lines": [_case_line(case, today) for case in cases],
            "query": query.urlencode(),
            "today": today,
            "filtered": bool(filters),
        },
    )
