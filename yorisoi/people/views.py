"""Person search, the person page, editing a person, and their household. Thin views."""

from __future__ import annotations

import secrets
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from yorisoi.core.errors import StaleEditError

from . import policy, selectors, services
from .forms import PERSON_FORM_FIELDS, HouseholdMemberForm, PersonEditForm
from .models import Person
from .services import MEMBER_FIELDS


def _require_reader(request: HttpRequest) -> None:
    """Person pages exist only for managers and workers; for anyone else they are not found."""
    if not policy.can_read_persons(request.user):
        raise Http404


def _require_editor(request: HttpRequest, person: Person) -> None:
    if not policy.can_edit_person(request.user, person):
        raise PermissionDenied


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    q = request.GET.get("q", "").strip()[:100]
    results = selectors.person_search(user=request.user, q=q) if q else []
    context = {"q": q, "results": results, "limit": selectors.SEARCH_LIMIT}
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "people/_search_results.html", context)
    return render(request, "people/search.html", context)


@login_required
@require_GET
def detail(request: HttpRequest, person_id: int) -> HttpResponse:
    _require_reader(request)
    person = selectors.person_get(user=request.user, person_id=person_id)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "members": person.household.members.all() if person.household_id else [],
            "aging_household": selectors.aging_household(person),
            "can_edit": policy.can_edit_person(request.user, person),
        },
    )


def _display(person: Person, name: str, value) -> str:
    if value in (None, ""):
        return _("（空欄）")
    field = Person._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, person_id: int) -> HttpResponse:
    _require_reader(request)
    person = selectors.person_get(user=request.user, person_id=person_id)
    _require_editor(request, person)
    stale_changes = None
    if request.method == "POST":
        form = PersonEditForm(request.POST, instance=Person.objects.get(pk=person.pk))
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in PERSON_FORM_FIELDS}
            try:
                services.person_update(
                    user=request.user,
                    person=person,
                    data=data,
                    expected_version=form.cleaned_data["version"],
                )
            except StaleEditError as stale:
                stale_changes = [
                    {
                        "label": Person._meta.get_field(name).verbose_name,
                        "theirs": _display(person, name, theirs),
                        "yours": _display(person, name, yours),
                    }
                    for name, (theirs, yours) in stale.changes.items()
                ]
                # Keep the user's input; a second save now knowingly replaces the newer values.
                post = request.POST.copy()
                post["version"] = str(stale.current_version)
                form = PersonEditForm(post, instance=Person.objects.get(pk=person.pk))
                form.is_valid()
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("本人の情報を保存しました。"))
                return redirect("people:detail", person_id=person.pk)
    else:
        form = PersonEditForm(instance=person)
    return render(
        request,
        "people/edit.html",
        {"person": person, "form": form, "stale_changes": stale_changes},
    )


@login_required
@require_http_methods(["GET", "POST"])
def household(request: HttpRequest, person_id: int) -> HttpResponse:
    _require_reader(request)
    person = selectors.person_get(user=request.user, person_id=person_id)
    can_edit = policy.can_edit_person(request.user, person)
    if request.method == "POST":
        _require_editor(request, person)
        form = HouseholdMemberForm(request.POST)
        token = request.POST.get("submission_token", "")
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in MEMBER_FIELDS}
            try:
                services.household_member_add(
                    user=request.user, person=person, data=data, submission_token=token
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("世帯員を追加しました。"))
                return redirect("people:household", person_id=person.pk)
    else:
        form = HouseholdMemberForm()
        token = ""
    return render(
        request,
        "people/household.html",
        {
            "person": person,
            "members": person.household.members.all() if person.household_id else [],
            "aging_household": selectors.aging_household(person),
            "form": form,
            "submission_token": token or secrets.token_urlsafe(24),
            "can_edit": can_edit,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, person_id: int, member_id: int) -> HttpResponse:
    _require_reader(request)
    person = selectors.person_get(user=request.user, person_id=person_id)
    member = selectors.household_member_get(user=request.user, person=person, member_id=member_id)
    _require_editor(request, person)
    if request.method == "POST":
        form = HouseholdMemberForm(request.POST, instance=member)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in MEMBER_FIELDS}
            try:
                services.household_member_update(user=request.user, member=member, data=data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("世帯員の情報を保存しました。"))
                return redirect("people:household", person_id=person.pk)
    else:
        form = HouseholdMemberForm(instance=member)
    return render(
        request, "people/member_edit.html", {"person": person, "member": member, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, person_id: int, member_id: int) -> HttpResponse:
    _require_reader(request)
    person = selectors.person_get(user=request.user, person_id=person_id)
    member = selectors.household_member_get(user=request.user, person=person, member_id=member_id)
    _require_editor(request, person)
    if request.method == "POST":
        services.household_member_remove(user=request.user, member=member)
        messages.success(request, _("世帯員を削除しました。"))
        return redirect("people:household", person_id=person.pk)
    return render(request, "people/member_remove.html", {"person": person, "member": member})


def _param(request: HttpRequest, name: str) -> str:
    """A query parameter by name, also when the calling form uses a prefix ("person-...")."""
    if name in request.GET:
        return request.GET.get(name, "")
    suffix = f"-{name}"
    for key in request.GET:
        if key.endswith(suffix):
            return request.GET.get(key, "")
    return ""


@login_required
@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    """HTML fragment for the intake form (hx-get, hx-trigger="change"): possible duplicates."""
    if not policy.can_read_persons(request.user):
        return HttpResponse("")
    try:
        birth_date = date.fromisoformat(_param(request, "birth_date")) or None
    except ValueError:
        birth_date = None
    try:
        exclude_id = int(_param(request, "exclude") or 0) or None
    except ValueError:
        exclude_id = None
    candidates = selectors.person_duplicates(
        user=request.user,
        family_name_kana=_param(request, "family_name_kana")[:50],
        given_name_kana=_param(request, "given_name_kana")[:50],
        family_name=_param(request, "family_name")[:50],
        given_name=_param(request, "given_name")[:50],
        birth_date=birth_date,
        age_band=_param(request, "age_band")[:10],
        phone=_param(request, "phone")[:30],
        exclude_id=exclude_id,
    )
    return render(request, "people/_duplicate_warning.html", {"candidates": candidates})
