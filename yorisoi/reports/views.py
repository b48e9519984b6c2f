"""Statistics, the cases behind a figure, exports, targets, external figures and commentary.
Thin views: parse the request, call a selector or service, render."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from yorisoi.core.errors import StaleEditError
from yorisoi.core.japanese import fiscal_year

from . import charts, exports, policy, selectors, services
from .forms import CommentaryForm, ExternalFigureForm, TargetForm
from .labels import wareki, year_label
from .masking import PublicationRefused
from .models import Commentary, ExternalFigure, Target

logger = logging.getLogger(__name__)

NAV_ORDER = 80
DRILL_PAGE_SIZE = 50
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def nav_items(request: HttpRequest) -> list:
    if policy.can_view_statistics(request.user):
        return [(_("統計・報告"), reverse("reports:statistics"), NAV_ORDER)]
    return []


def _query(year: int, scope: selectors.Scope, **extra) -> str:
    return urlencode({"year": year, "center": scope.key, **extra})


def _period_text(first: date, last: date) -> str:
    return _("%(first)s〜%(last)s（%(first_w)s〜%(last_w)s）") % {
        "first": date_format(first, "DATE_FORMAT"),
        "last": date_format(last, "DATE_FORMAT"),
        "first_w": wareki(first),
        "last_w": wareki(last),
    }


# --- statistics ---------------------------------------------------------------------------------


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    scopes = selectors.scope_options(request.user)
    scope = selectors.scope_for(request.user, request.GET.get("center"), scopes)
    year = selectors.parse_year(request.GET.get("year"))
    publication_only = selectors.publication_only(user=request.user, scope=scope)
    publication = publication_only or request.GET.get("publication") == "1"
    try:
        report = selectors.statistics_report(
            user=request.user, scope=scope, year=year, publication=publication
        )
    except PublicationRefused:
        return render(
            request,
            "reports/publication_refused.html",
            {"scope": scope, "year": year, "year_label": year_label(year)},
            status=503,
        )
    tables = [
        (
            table,
            charts.bar_chart(
                chart_id=f"chart-{table.key}",
                title=table.title,
                rows=table.chart_rows,
                table_id=f"table-{table.key}",
            ),
        )
        for table in report.tables
    ]
    month_chart = charts.month_chart(
        chart_id="chart-month",
        title=report.months.title,
        labels=report.month_short_labels,
        current=[r.count for r in report.months.rows],
        previous=[r.prev_count for r in report.months.rows],
        current_name=report.stats.label,
        previous_name=report.stats.previous_label,
        table_id="table-month",
    )
    query = _query(year, scope)
    return render(
        request,
        "reports/statistics.html",
        {
            "report": report,
            "scope": scope,
            "scopes": scopes,
            "year": year,
            "years": _with_year(selectors.year_choices(scope), year),
            "period": _period_text(report.stats.first_day, report.stats.last_day),
            "tables": tables,
            "month_chart": month_chart,
            "query": query,
            "commentary": selectors.commentary_for(scope=scope, year=year),
            "can_edit_commentary": selectors.can_edit_commentary(user=request.user, scope=scope),
            "can_manage": policy.can_manage_targets(request.user),
            "drillable": not report.publication
            and policy.can_drill_down(request.user, scope.center_ids),
            "threshold": report.threshold,
            "publication_only": publication_only,
            "exact_url": reverse("reports:statistics") + "?" + query,
            "publication_url": reverse("reports:statistics") + "?" + query + "&publication=1",
            "to_date": report.stats.previous_to_date,
        },
    )


def _with_year(years: list[tuple[int, str]], year: int) -> list[tuple[int, str]]:
    """The year choices, including the one shown even when it lies outside them."""
    if year in {y for y, _label in years}:
        return years
    return sorted([*years, (year, year_label(year))], reverse=True)


@login_required
@require_GET
def drilldown(request: HttpRequest) -> HttpResponse:
    scope = selectors.scope_for(request.user, request.GET.get("center"))
    year = selectors.parse_year(request.GET.get("year"))
    found = selectors.drilldown(
        user=request.user,
        scope=scope,
        year=year,
        dimension=request.GET.get("dimension", ""),
        value=request.GET.get("value", ""),
    )
    page_obj = Paginator(found.cases, DRILL_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/drilldown.html",
        {
            "found": found,
            "scope": scope,
            "year": year,
            "year_label": year_label(year),
            "page_obj": page_obj,
            "cases": page_obj.object_list,
            "query": query.urlencode(),
            "back": reverse("reports:statistics") + "?" + _query(year, scope),
        },
    )


# --- exports -----------------------------------------------------------------------------------


@login_required
@require_GET
def export(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in EXPORT_TYPES:
        raise Http404
    scope = selectors.scope_for(request.user, request.GET.get("center"))
    year = selectors.parse_year(request.GET.get("year"))
    publication = request.GET.get("publication") == "1" or selectors.publication_only(
        user=request.user, scope=scope
    )
    label = str(scope.label)
    try:
        # Publication figures are protected and audited before any file is made.
        report = selectors.statistics_report(
            user=request.user, scope=scope, year=year, publication=publication
        )
        if kind == "csv":
            content = exports.build_csv(report, scope_label=label)
        elif kind == "xlsx":
            content = exports.build_xlsx(report, scope_label=label)
        else:
            content = exports.build_pdf(
                report,
                scope_label=label,
                commentary=selectors.commentary_for(scope=scope, year=year),
                center_id=scope.center.pk if scope.center else None,
                is_city=scope.is_city,
                progress=[
                    p
                    for p in selectors.targets_progress(user=request.user, year=year)
                    if p.target.center_id in (None, *scope.center_ids)
                ],
            )
    except PublicationRefused:
        messages.error(
            request,
            _(
                "公表用の数値は、少数の秘匿を守れることを確かめられなかったため出力していません。"
                "センター長にご相談ください。"
            ),
        )
        return redirect(reverse("reports:statistics") + "?" + _query(year, scope))
    except Exception:
        # Nothing has been sent yet: the user gets a message, never a partial file.
        logger.exception("export %s failed", kind)
        messages.error(
            request,
            _("ファイルを作成できませんでした。時間をおいてもう一度お試しください。"),
        )
        return redirect(reverse("reports:statistics") + "?" + _query(year, scope))
    services.export_record(
        user=request.user,
        kind=kind,
        fiscal_year=year,
        center_ids=scope.center_ids,
        center_id=scope.center.pk if scope.center else None,
        publication=publication,
    )
    suffix = "-publication" if publication else ""
    filename = f"yorisoi-statistics-{year}-{scope.key}{suffix}.{kind}"
    response = HttpResponse(content, content_type=EXPORT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- targets ------------------------------------------------------------------------------------


def _require_statistics(request: HttpRequest) -> None:
    if not policy.can_view_statistics(request.user):
        raise Http404


def _require_manager(request: HttpRequest) -> None:
    if not policy.can_manage_targets(request.user):
        raise Http404


def _managed_centers(request: HttpRequest):
    from yorisoi.accounts.models import Center

    return Center.objects.filter(id__in=policy.managed_center_ids(request.user)).order_by("id")


@login_required
@require_GET
def targets(request: HttpRequest) -> HttpResponse:
    _require_statistics(request)
    year = selectors.parse_year(request.GET.get("year"))
    today = timezone.localdate()
    progress = selectors.targets_progress(user=request.user, year=year, today=today)
    editable = set(
        policy.editable_targets(request.user)
        .filter(pk__in=[p.target.pk for p in progress])
        .values_list("pk", flat=True)
    )
    current = fiscal_year(today)
    return render(
        request,
        "reports/targets.html",
        {
            "progress": progress,
            "editable": editable,
            "year": year,
            "year_label": year_label(year),
            "years": _with_year(
                [(y, year_label(y)) for y in range(current + 1, current - 6, -1)], year
            ),
            "today": today,
            "can_manage": policy.can_manage_targets(request.user),
        },
    )


def _show(value, choices: dict) -> str:
    if value in (None, ""):
        return _("（空欄）")
    if choices:
        return str(choices.get(value, value))
    if isinstance(value, date | datetime):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def _stale_rows(model, stale: StaleEditError) -> list[dict]:
    """What someone else saved beside what this user submitted, field by field."""
    rows = []
    for name, (theirs, yours) in stale.changes.items():
        try:
            field = model._meta.get_field(name)
            label = str(field.verbose_name)
            choices = dict(field.flatchoices) if field.choices else {}
        except FieldDoesNotExist:
            label, choices = name, {}
        rows.append(
            {"label": label, "theirs": _show(theirs, choices), "yours": _show(yours, choices)}
        )
    return rows


def _restale(form_class, request: HttpRequest, stale: StaleEditError, **kwargs):
    post = request.POST.copy()
    post["version"] = str(stale.current_version)
    form = form_class(post, **kwargs)
    form.is_valid()
    return form


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _version(form) -> int | None:
    return form.cleaned_data.get("version")


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    centers = _managed_centers(request)
    initial = {"start_year": fiscal_year(timezone.localdate())}
    initial["end_year"] = initial["start_year"]
    form = TargetForm(request.POST or None, centers=centers, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            target = services.target_create(user=request.user, data=data)
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("計画目標を登録しました。"))
            return redirect(reverse("reports:targets") + f"?year={target.start_year}")
    return render(
        request,
        "reports/target_form.html",
        {"form": form, "title": _("計画目標の登録"), "stale_changes": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, target_id: int) -> HttpResponse:
    _require_manager(request)
    target = selectors.target_get_for_edit(user=request.user, target_id=target_id)
    centers = _managed_centers(request)
    form = TargetForm(request.POST or None, instance=target, centers=centers)
    stale_changes = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            saved = services.target_update(
                user=request.user, target=target, data=data, expected_version=_version(form)
            )
        except StaleEditError as stale:
            stale_changes = _stale_rows(Target, stale)
            form = _restale(TargetForm, request, stale, instance=target, centers=centers)
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("計画目標を保存しました。"))
            return redirect(reverse("reports:targets") + f"?year={saved.start_year}")
    return render(
        request,
        "reports/target_form.html",
        {
            "form": form,
            "title": _("計画目標の修正"),
            "target": target,
            "stale_changes": stale_changes,
        },
        status=409 if stale_changes is not None else (400 if form.errors else 200),
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_delete(request: HttpRequest, target_id: int) -> HttpResponse:
    _require_manager(request)
    target = selectors.target_get_for_edit(user=request.user, target_id=target_id)
    if request.method == "POST":
        services.target_delete(user=request.user, target=target)
        messages.success(request, _("計画目標を削除しました。"))
        return redirect(reverse("reports:targets") + f"?year={target.start_year}")
    return render(request, "reports/target_delete.html", {"target": target})


# --- external figures ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def external_figures(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    year = selectors.parse_year(request.GET.get("year"))
    centers = _managed_centers(request)
    form = ExternalFigureForm(request.POST or None, centers=centers)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            figure = services.external_figure_create(user=request.user, data=data)
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("外部の数値を登録しました。"))
            return redirect(
                reverse("reports:external_figures") + f"?year={fiscal_year(figure.month)}"
            )
    return render(
        request,
        "reports/external_figures.html",
        {
            "form": form,
            "figures": selectors.external_figures(user=request.user, year=year),
            "year": year,
            "year_label": year_label(year),
            "years": _year_links(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _year_links() -> list[tuple[int, str]]:
    current = fiscal_year(timezone.localdate())
    return [(y, year_label(y)) for y in range(current, current - 6, -1)]


@login_required
@require_http_methods(["GET", "POST"])
def external_figure_edit(request: HttpRequest, figure_id: int) -> HttpResponse:
    _require_manager(request)
    figure = selectors.external_figure_get_for_edit(user=request.user, figure_id=figure_id)
    centers = _managed_centers(request)
    form = ExternalFigureForm(request.POST or None, instance=figure, centers=centers)
    stale_changes = None
    if request.method == "POST" and "delete" in request.POST:
        services.external_figure_delete(user=request.user, figure=figure)
        messages.success(request, _("外部の数値を削除しました。"))
        return redirect(reverse("reports:external_figures") + f"?year={fiscal_year(figure.month)}")
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            saved = services.external_figure_update(
                user=request.user, figure=figure, data=data, expected_version=_version(form)
            )
        except StaleEditError as stale:
            stale_changes = _stale_rows(ExternalFigure, stale)
            form = _restale(ExternalFigureForm, request, stale, instance=figure, centers=centers)
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("外部の数値を保存しました。"))
            return redirect(
                reverse("reports:external_figures") + f"?year={fiscal_year(saved.month)}"
            )
    return render(
        request,
        "reports/external_figure_form.html",
        {"form": form, "figure": figure, "stale_changes": stale_changes},
        status=409 if stale_changes is not None else (400 if form.errors else 200),
    )


# --- commentary ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def commentary_edit(request: HttpRequest) -> HttpResponse:
    scope = selectors.scope_for(request.user, request.GET.get("center"))
    year = selectors.parse_year(request.GET.get("year"))
    if not selectors.can_edit_commentary(user=request.user, scope=scope):
        raise Http404
    current = selectors.commentary_for(scope=scope, year=year)
    form = CommentaryForm(request.POST or None, instance=current)
    stale_changes = None
    back = reverse("reports:statistics") + "?" + _query(year, scope)
    if request.method == "POST" and form.is_valid():
        try:
            services.commentary_save(
                user=request.user,
                fiscal_year=year,
                center_id=scope.center.pk if scope.center else None,
                center_ids=scope.center_ids,
                data=form.cleaned_data,
                expected_version=_version(form),
            )
        except StaleEditError as stale:
            stale_changes = _stale_rows(Commentary, stale)
            current = selectors.commentary_for(scope=scope, year=year)
            form = _restale(CommentaryForm, request, stale, instance=current)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("報告書のコメントを保存しました。"))
            return redirect(back)
    return render(
        request,
        "reports/commentary_form.html",
        {
            "form": form,
            "scope": scope,
            "year": year,
            "year_label": year_label(year),
            "back": back,
            "stale_changes": stale_changes,
        },
        status=409 if stale_changes is not None else (400 if form.errors else 200),
    )
