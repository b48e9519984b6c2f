"""Thin views: parse the request, call a selector or service, render."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yorisoi.accounts.models import Center
from yorisoi.cases import selectors as case_selectors
from yorisoi.core.errors import StaleEditError

from . import catalog, definitions, policy, selectors, services
from .forms import (
    AssessmentForm,
    DefinitionUploadForm,
    InstrumentSettingForm,
    RiskAcknowledgeForm,
    VocabularyTermForm,
)
from .models import InstrumentDefinition, VocabularyTerm


def _lang() -> str:
    return (get_language() or "ja")[:2]


def _completing(request: HttpRequest) -> bool:
    return request.POST.get("action") == "complete"


def _save_message(result: services.SaveResult) -> str:
    if result.duplicate:
        return _("同じ内容がすでに保存されています。")
    if result.assessment.is_draft:
        return _("下書きを保存しました。あとで続きを入力できます。")
    return _("アセスメントを完了しました。")


# ---------------------------------------------------------------------------------------------
# A case's assessments
# ---------------------------------------------------------------------------------------------


@login_required
def case_history(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_selectors.case_get(user=request.user, case_id=case_id)
    history = selectors.case_history(user=request.user, case=case)
    return render(
        request,
        "assessments/case_history.html",
        {
            "case": case,
            "history": history,
            "can_assess": case.is_open and policy.can_assess(request.user, case),
        },
    )


def _form_page(request, *, case, form, assessment=None, status=200, stale=None):
    return render(
        request,
        "assessments/assessment_form.html",
        {"case": case, "form": form, "assessment": assessment, "stale_changes": stale},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        case = case_selectors.case_get_for_update(user=user, case_id=case_id)
    else:
        case = case_selectors.case_get(user=user, case_id=case_id)
    if not policy.can_assess(user, case):
        raise PermissionDenied
    if not case.is_open:
        messages.error(
            request,
            _(
                "終結したケースにはアセスメントを記録できません。ケースを再開してから記録してください。"
            ),
        )
        return redirect("assessments:case", case_id=case.pk)
    specs = selectors.form_specs(center_id=case.center_id)
    vocabulary = catalog.vocabulary_terms()
    if request.method == "GET":
        form = AssessmentForm(
            specs=specs,
            vocabulary=vocabulary,
            initial={
                "assessed_on": timezone.localdate(),
                "submission_token": secrets.token_urlsafe(24),
            },
        )
        return _form_page(request, case=case, form=form)
    form = AssessmentForm(
        request.POST, specs=specs, vocabulary=vocabulary, completing=_completing(request)
    )
    if form.is_valid():
        try:
            result = services.assessment_save(
                user=user,
                case=case,
                entries=form.entries(),
                assessed_on=form.cleaned_data["assessed_on"],
                note=form.cleaned_data["note"],
                complete=_completing(request),
                submission_token=form.cleaned_data["submission_token"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _save_message(result))
            return redirect(result.assessment)
    return _form_page(request, case=case, form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = request.user
    assessment = selectors.assessment_get(
        user=user, assessment_id=assessment_id, record=request.method == "GET"
    )
    case = assessment.case
    if not assessment.is_draft:
        messages.info(
            request,
            _("完了したアセスメントは変更できません。新しいアセスメントを記録してください。"),
        )
        return redirect(assessment)
    if not policy.can_edit_assessment(user, assessment):
        raise PermissionDenied
    specs = selectors.form_specs(center_id=case.center_id, assessment=assessment)
    vocabulary = catalog.vocabulary_terms()
    if request.method == "GET":
        form = AssessmentForm(
            specs=specs,
            vocabulary=vocabulary,
            initial={
                "assessed_on": assessment.assessed_on,
                "note": assessment.note,
                "version": assessment.version,
                "submission_token": secrets.token_urlsafe(24),
            },
        )
        return _form_page(request, case=case, form=form, assessment=assessment)
    form = AssessmentForm(
        request.POST, specs=specs, vocabulary=vocabulary, completing=_completing(request)
    )
    if form.is_valid():
        try:
            result = services.assessment_save(
                user=user,
                case=case,
                assessment=assessment,
                expected_version=form.cleaned_data["version"],
                entries=form.entries(),
                assessed_on=form.cleaned_data["assessed_on"],
                note=form.cleaned_data["note"],
                complete=_completing(request),
                submission_token=form.cleaned_data["submission_token"],
            )
        except StaleEditError as error:
            data = request.POST.copy()
            data["version"] = str(error.current_version)
            data["submission_token"] = secrets.token_urlsafe(24)
            form = AssessmentForm(data, specs=specs, vocabulary=vocabulary)
            form.is_valid()
            stale = [
                {"label": name, "theirs": theirs, "yours": yours}
                for name, (theirs, yours) in error.changes.items()
            ]
            return _form_page(
                request, case=case, form=form, assessment=assessment, status=409, stale=stale
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _save_message(result))
            return redirect(result.assessment)
    return _form_page(request, case=case, form=form, assessment=assessment, status=400)


@login_required
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = request.user
    assessment = selectors.assessment_get(user=user, assessment_id=assessment_id)
    case = assessment.case
    escalations = selectors.assessment_escalations(assessment=assessment)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "case": case,
            "views": selectors.response_views(user=user, assessment=assessment, lang=_lang()),
            "escalations": escalations,
            "pending": [e for e in escalations if e.acknowledged_at is None]
            if selectors.awaiting_acknowledgement(case)
            else [],
            "can_edit": policy.can_edit_assessment(user, assessment),
            "can_acknowledge": policy.can_acknowledge_risk(user, case),
        },
    )


# ---------------------------------------------------------------------------------------------
# Risk
# ---------------------------------------------------------------------------------------------


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def risk_acknowledge(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        case = case_selectors.case_get_for_update(user=user, case_id=case_id)
    else:
        case = case_selectors.case_get(user=user, case_id=case_id)
    if not policy.can_acknowledge_risk(user, case):
        raise PermissionDenied
    form = RiskAcknowledgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.risk_acknowledge(user=user, case=case, note=form.cleaned_data["note"])
        messages.success(request, _("リスクの報告を確認済みにしました。"))
        return redirect(_safe_next(request, case.get_absolute_url()))
    return render(
        request,
        "assessments/risk_acknowledge.html",
        {
            "case": case,
            "form": form,
            "escalations": selectors.pending_escalations(user=user, case=case),
            "awaiting": selectors.awaiting_acknowledgement(case),
            "next": _safe_next(request, ""),
        },
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------------------------------------
# Managers: definitions, settings, vocabulary
# ---------------------------------------------------------------------------------------------


def _require_manager(user) -> set[int]:
    centers = policy.managed_center_ids(user)
    if not centers:
        raise Http404
    return centers


@login_required
@require_http_methods(["GET", "POST"])
def definition_list(request: HttpRequest) -> HttpResponse:
    centers = _require_manager(request.user)
    center_qs = Center.objects.filter(pk__in=centers)
    form = DefinitionUploadForm(
        *((request.POST, request.FILES) if request.method == "POST" else ()), centers=center_qs
    )
    problems = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                row = services.definition_upload(
                    user=request.user,
                    center=form.cleaned_data["center"],
                    filename=form.filename,
                    text=form.cleaned_data["file"],
                )
            except definitions.DefinitionError as error:
                problems = error.problems
            else:
                messages.success(
                    request,
                    _("定義「%(label)s」（版 %(version)s）を追加しました。")
                    % {"label": row.label(_lang()), "version": row.version},
                )
                return redirect("assessments:definitions")
    builtins = catalog.builtin_rows()
    uploads = (
        InstrumentDefinition.objects.filter(center_id__in=centers)
        .select_related("center", "uploaded_by")
        .order_by("center_id", "instrument_id", "-version")
    )
    return render(
        request,
        "assessments/definition_list.html",
        {
            "form": form,
            "problems": problems,
            "builtins": sorted(builtins.values(), key=lambda r: r.definition.get("order", 1000)),
            "uploads": uploads,
        },
        status=status,
    )


def _definition_for_manager(user, definition_id: int) -> InstrumentDefinition:
    centers = _require_manager(user)
    row = get_object_or_404(InstrumentDefinition.objects.select_related("center"), pk=definition_id)
    if row.center_id is not None and row.center_id not in centers:
        raise Http404
    return row


@login_required
def definition_detail(request: HttpRequest, definition_id: int) -> HttpResponse:
    row = _definition_for_manager(request.user, definition_id)
    resolved = row.resolved()
    return render(
        request,
        "assessments/definition_detail.html",
        {"row": row, "definition": resolved, "variants": row.definition.get("variants", [])},
    )


@login_required
@require_POST
def definition_toggle(request: HttpRequest, definition_id: int) -> HttpResponse:
    row = _definition_for_manager(request.user, definition_id)
    active = request.POST.get("active") == "1"
    services.definition_set_active(user=request.user, definition=row, active=active)
    messages.success(
        request,
        _("新しいアセスメントで使うようにしました。")
        if active
        else _("新しいアセスメントでは使わないようにしました。"),
    )
    return redirect("assessments:definitions")


@login_required
@require_http_methods(["GET", "POST"])
def instrument_settings(request: HttpRequest) -> HttpResponse:
    centers = _require_manager(request.user)
    center_list = list(Center.objects.filter(pk__in=centers))
    center = center_list[0]
    if len(center_list) > 1:
        chosen = request.POST.get("center") or request.GET.get("center")
        center = next((c for c in center_list if str(c.pk) == chosen), center)
    variants = catalog.center_variants(center.pk)
    rows = []
    for row in catalog.current_definitions(center.pk):
        definition = row.definition
        if not definition.get("variants"):
            continue
        current = variants.get(row.instrument_id) or definitions.default_variant(definition)
        bound = request.method == "POST" and request.POST.get("instrument_id") == row.instrument_id
        form = InstrumentSettingForm(
            request.POST if bound else None,
            definition=definition,
            initial={"variant": current},
            prefix=row.instrument_id,
        )
        if bound and form.is_valid():
            services.instrument_setting_set(
                user=request.user,
                center=center,
                definition=definition,
                variant=form.cleaned_data["variant"],
            )
            messages.success(
                request, _("設定を保存しました。これから始めるアセスメントに使われます。")
            )
            return redirect(f"{reverse('assessments:settings')}?center={center.pk}")
        resolved = row.resolved(current)
        rows.append(
            {"row": row, "form": form, "range": (resolved.get("scoring") or {}).get("range")}
        )
    return render(
        request,
        "assessments/settings.html",
        {"center": center, "centers": center_list, "rows": rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
def vocabulary_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    form = VocabularyTermForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.vocabulary_term_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("タグを追加しました。"))
                return redirect("assessments:vocabulary")
    return render(
        request,
        "assessments/vocabulary_list.html",
        {"form": form, "terms": catalog.vocabulary_terms()},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def vocabulary_edit(request: HttpRequest, term_id: int) -> HttpResponse:
    _require_manager(request.user)
    term = get_object_or_404(VocabularyTerm, pk=term_id)
    form = VocabularyTermForm(
        request.POST if request.method == "POST" else None,
        editing=True,
        initial={
            "label_ja": term.label_ja,
            "label_en": term.label_en,
            "order": term.order,
            "is_active": term.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.vocabulary_term_update(user=request.user, term=term, **form.cleaned_data)
        messages.success(request, _("タグを更新しました。"))
        return redirect("assessments:vocabulary")
    return render(
        request,
        "assessments/vocabulary_edit.html",
        {"form": form, "term": term},
        status=400 if request.method == "POST" else 200,
    )
