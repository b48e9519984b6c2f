"""支援プラン pages: the versions of a case's plan, a new version, and two versions compared."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yorisoi.core.errors import StaleEditError
from yorisoi.core.registry import collect_sections, plan_context_providers

from . import continuity, policy, selectors, services
from .forms_plans import CompareForm, PlanVersionForm
from .models import PlanVersion, Status

# The fields a comparison shows, in order; long texts are compared character by character.
COMPARED_FIELDS = ("voice", "goals", "planned_supports", "review_on", "agreed_by", "agreed_on")
LONG_TEXT_FIELDS = {"goals", "planned_supports"}
# Below this similarity a changed block is shown as wholly removed and wholly added, which
# reads better than a confetti of single changed characters.
CHAR_DIFF_MIN_RATIO = 0.3


@dataclass(frozen=True)
class Segment:
    kind: str  # "equal", "delete" or "insert"
    text: str


@dataclass(frozen=True)
class FieldDiff:
    label: str
    changed: bool
    old: list[Segment]
    new: list[Segment]


def _display(version: PlanVersion, name: str) -> str:
    value = getattr(version, name)
    if name == "voice":
        return str(version.get_voice_display())
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return value or ""


def text_diff(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """Segments of the old text (equal/delete) and of the new text (equal/insert).

    Lines are matched first, then the characters within a changed run of lines, because
    Japanese has no spaces to split words on.
    """
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    left: list[Segment] = []
    right: list[Segment] = []
    lines = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        a, b = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "equal":
            left.append(Segment("equal", a))
            right.append(Segment("equal", b))
        elif tag == "delete":
            left.append(Segment("delete", a))
        elif tag == "insert":
            right.append(Segment("insert", b))
        else:
            chars = difflib.SequenceMatcher(None, a, b, autojunk=False)
            if chars.ratio() < CHAR_DIFF_MIN_RATIO:
                left.append(Segment("delete", a))
                right.append(Segment("insert", b))
                continue
            for ctag, c1, c2, d1, d2 in chars.get_opcodes():
                if ctag == "equal":
                    left.append(Segment("equal", a[c1:c2]))
                    right.append(Segment("equal", b[d1:d2]))
                if ctag in ("delete", "replace"):
                    left.append(Segment("delete", a[c1:c2]))
                if ctag in ("insert", "replace"):
                    right.append(Segment("insert", b[d1:d2]))
    return _merge(left), _merge(right)


def _merge(segments: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for seg in segments:
        if not seg.text:
            continue
        if out and out[-1].kind == seg.kind:
            out[-1] = Segment(seg.kind, out[-1].text + seg.text)
        else:
            out.append(seg)
    return out


def plan_diff(older: PlanVersion, newer: PlanVersion) -> list[FieldDiff]:
    diffs = []
    for name in COMPARED_FIELDS:
        label = str(PlanVersion._meta.get_field(name).verbose_name)
        a, b = _display(older, name), _display(newer, name)
        changed = a != b
        if name in LONG_TEXT_FIELDS:
            old, new = text_diff(a, b)
        else:
            old = [Segment("delete" if changed else "equal", a)] if a else []
            new = [Segment("insert" if changed else "equal", b)] if b else []
        diffs.append(FieldDiff(label=label, changed=changed, old=old, new=new))
    return diffs


def _plan_urls(case) -> dict[str, str]:
    return {
        "list": reverse("cases:plan_list", args=[case.pk]),
        "new": reverse("cases:plan_new", args=[case.pk]),
        "compare": reverse("cases:plan_compare", args=[case.pk]),
    }


@login_required
def plan_list(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, case_id=case_id)
    versions = continuity.plan_versions(case=case)
    numbers = [v.number for v in versions]
    compare_form = None
    if len(versions) >= 2:
        compare_form = CompareForm(
            initial={"a": numbers[1], "b": numbers[0]}, numbers=sorted(numbers)
        )
    return render(
        request,
        "cases/plan_list.html",
        {
            "case": case,
            "versions": versions,
            "latest": versions[0] if versions else None,
            "compare_form": compare_form,
            "can_add": case.is_open and policy.can_edit_case(request.user, case),
            "urls": _plan_urls(case),
        },
    )


@login_required
def plan_detail(request: HttpRequest, case_id: int, number: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, case_id=case_id)
    version = continuity.plan_version_get(case=case, number=number)
    return render(
        request,
        "cases/plan_detail.html",
        {"case": case, "version": version, "urls": _plan_urls(case)},
    )


def _stale_rows(error: StaleEditError) -> list[dict]:
    rows = []
    for name, (theirs, yours) in error.changes.items():
        if name not in COMPARED_FIELDS:
            continue
        field = PlanVersion._meta.get_field(name)
        rows.append(
            {
                "label": field.verbose_name,
                "theirs": _as_text(name, theirs),
                "yours": _as_text(name, yours),
            }
        )
    return rows


def _as_text(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if name == "voice":
        return str(PlanVersion.Voice(value).label)
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        case = selectors.case_get_for_update(user=user, case_id=case_id)
    else:
        case = selectors.case_get(user=user, case_id=case_id)
    if not policy.can_edit_case(user, case):
        raise PermissionDenied
    latest = continuity.latest_plan_version(case=case)
    context = {
        "case": case,
        "latest": latest,
        "urls": _plan_urls(case),
        "sections": collect_sections(plan_context_providers, user, case),
        "closed": not case.is_open,
        "stale_changes": None,
    }
    if request.method == "GET":
        context["form"] = PlanVersionForm(initial=PlanVersionForm.initial_from(latest))
        return render(request, "cases/plan_form.html", context)

    form = PlanVersionForm(request.POST)
    context["form"] = form
    status = 400
    if form.is_valid():
        try:
            version = services.plan_version_create(
                user=user,
                case=case,
                data=form.plan_data(),
                based_on_number=form.cleaned_data["based_on"],
            )
        except StaleEditError as error:
            # Keep what the user wrote; the next save builds on the version now stored.
            data = request.POST.copy()
            data["based_on"] = str(error.current_version or 0)
            context["form"] = PlanVersionForm(data)
            context["form"].is_valid()
            context["stale_changes"] = _stale_rows(error)
            context["latest"] = continuity.latest_plan_version(case=case)
            status = 409
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("支援プラン 第%(number)s版を保存しました。") % {"number": version.number},
            )
            if case.status in (Status.INTAKE, Status.ASSESSMENT):
                messages.info(
                    request,
                    _(
                        "プランができました。ケースの状況を「プラン」に進める場合は、"
                        "ケースのページで状況を変更してください。"
                    ),
                )
            return redirect("cases:plan_list", case_id=case.pk)
    return render(request, "cases/plan_form.html", context, status=status)


@login_required
def plan_compare(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, case_id=case_id)
    versions = continuity.plan_versions(case=case)
    by_number = {v.number: v for v in versions}
    numbers = sorted(by_number)
    context = {"case": case, "urls": _plan_urls(case), "versions": versions, "diff": None}
    if len(numbers) < 2:
        context["form"] = None
        return render(request, "cases/plan_compare.html", context)
    if "a" not in request.GET and "b" not in request.GET:
        form = CompareForm(initial={"a": numbers[-2], "b": numbers[-1]}, numbers=numbers)
        older, newer = by_number[numbers[-2]], by_number[numbers[-1]]
    else:
        form = CompareForm(request.GET, numbers=numbers)
        if not form.is_valid():
            context["form"] = form
            return render(request, "cases/plan_compare.html", context, status=400)
        a, b = sorted((form.cleaned_data["a"], form.cleaned_data["b"]))
        older, newer = by_number[a], by_number[b]
    context.update(
        {
            "form": form,
            "older": older,
            "newer": newer,
            "diff": plan_diff(older, newer),
        }
    )
    return render(request, "cases/plan_compare.html", context)
