"""The role × URL matrix: every URL the project serves, for every role, own and other center.

Every named URL must have a row in MATRIX (test_every_url_is_in_the_matrix fails otherwise), so a
new page cannot ship without stating who may open it. Objects a user may not see answer 404.
Each row maps role → expected status of a GET; roles not listed expect the row's default.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from yorisoi.accounts.models import UserSession
from yorisoi.audit.services import record_view
from yorisoi.cases.models import Case, Consulter, Contact, Method, PlanVersion
from yorisoi.people.models import Household, HouseholdMember, Person, Relationship

ROLES = [
    "anonymous",
    "admin",
    "manager1",
    "worker1",  # the case's primary worker (owner)
    "worker1b",  # a colleague at the same center
    "manager2",  # a manager of the other center
    "worker2",  # a worker of the other center
    "peer1",
    "partner1",
    "analyst1",
]
CASE_READERS = {"manager1": 200, "worker1": 200, "worker1b": 200}
CASE_WRITERS = {"manager1": 200, "worker1": 200, "worker1b": 403}
CENTER_STAFF = {"manager1": 200, "worker1": 200, "worker1b": 200, "manager2": 200, "worker2": 200}
EVERYONE = dict.fromkeys(ROLES[1:], 200)
MANAGERS = {"manager1": 200, "manager2": 200}


class Public(tuple):
    """A row strangers may open: its view is marked @login_not_required. Every other view is
    behind the login page (LoginRequiredMiddleware); test_public_rows_are_the_public_views keeps
    the two lists the same."""


def public(default: int, overrides: dict[str, int]) -> Public:
    return Public((default, overrides))


# url name -> (default status for signed-in roles, {role: status}); anonymous always expects a
# redirect to the login page (with the URL as `next`) unless the row is public(...) and says what
# strangers get. URLs in POST_ONLY are checked with an empty POST (a refused form is 200 or 400;
# what matters is who gets past the access check).
MATRIX: dict[str, tuple[int, dict[str, int]]] = {
    "core:home": (200, {}),
    "core:healthz": public(200, {"anonymous": 200}),
    "accounts:login": public(302, {"anonymous": 200}),
    # Strangers are sent to the login page by the view itself (no `next`).
    "accounts:logout": public(200, {"anonymous": 302}),
    # A GET changes nothing and goes back to the top page.
    "set_language": public(302, {"anonymous": 302}),
    "accounts:otp": (302, {}),
    "accounts:reauth": (200, {}),
    "accounts:two_factor": (302, {}),
    "accounts:recovery_codes": (200, {}),
    "accounts:recovery_codes_regenerate": (302, {}),
    "accounts:two_factor_remove": (302, {}),
    "accounts:security": (200, {}),
    "accounts:password_change": (302, {}),
    "accounts:session_end": (404, {"worker1": 302}),
    "accounts:sessions_end_others": (302, {}),
    "audit:center_log": (404, {"admin": 200, **MANAGERS}),
    "audit:object_log": (404, {"admin": 200, "manager1": 200}),
    "audit:break_glass": (404, {"admin": 200}),
    "people:search": (404, CENTER_STAFF),
    "people:duplicates": (200, {}),
    "people:detail": (404, CASE_READERS),
    "people:edit": (404, CASE_READERS),
    "people:household": (404, CASE_READERS),
    "people:member_edit": (404, CASE_READERS),
    "people:member_remove": (404, CASE_READERS),
    "cases:list": (404, CENTER_STAFF),
    "cases:intake": (404, CENTER_STAFF),
    "cases:intake_duplicates": (200, {}),
    "cases:detail": (404, CASE_READERS),
    "cases:contact_create": (404, CASE_WRITERS),
    "cases:contact_edit": (404, CASE_WRITERS),
    "cases:status": (404, CASE_WRITERS),
    "cases:phase": (404, CASE_WRITERS),
    "cases:assign": (404, {"manager1": 200, "worker1": 403, "worker1b": 403}),
    "cases:risk": (404, CASE_WRITERS),
    "cases:risk_acknowledge": (404, {"manager1": 302, "worker1": 403, "worker1b": 403}),
    "cases:plan_list": (404, CASE_READERS),
    "cases:plan_new": (404, CASE_WRITERS),
    "cases:plan_compare": (404, CASE_READERS),
    "cases:plan_detail": (404, CASE_READERS),
    "cases:manage": (404, MANAGERS),
    "assessments:case": (404, CASE_READERS),
    "assessments:new": (404, CASE_WRITERS),
    "assessments:detail": (404, CASE_READERS),
    "assessments:edit": (404, CASE_WRITERS),
    "assessments:risk_acknowledge": (404, {"manager1": 200, "worker1": 403, "worker1b": 403}),
    "assessments:definitions": (404, MANAGERS),
    "assessments:definition": (404, {"manager1": 200}),
    "assessments:definition_toggle": (404, {"manager1": 302}),
    "assessments:settings": (404, MANAGERS),
    "assessments:vocabulary": (404, MANAGERS),
    "assessments:vocabulary_edit": (404, MANAGERS),
    "cases:manage_handover": (404, {"manager1": 400}),
    "agencies:agency_list": (404, CENTER_STAFF),
    "agencies:agency_create": (404, {**MANAGERS, "worker1": 403, "worker1b": 403, "worker2": 403}),
    "agencies:agency_detail": (404, CENTER_STAFF),
    "agencies:agency_edit": (404, {**MANAGERS, "worker1": 403, "worker1b": 403, "worker2": 403}),
    "agencies:consent_create": (404, CASE_WRITERS),
    "agencies:consent_withdraw": (404, CASE_WRITERS),
    "agencies:referral_create": (404, CASE_WRITERS),
    "agencies:referral_list": (404, {**CENTER_STAFF, "partner1": 200}),
    "agencies:referral_detail": (404, {**CASE_READERS, "partner1": 200}),
    "agencies:referral_transition": (404, {**dict.fromkeys(CASE_READERS, 302), "partner1": 302}),
    "agencies:referral_post": (404, {**CASE_READERS, "partner1": 200}),
    "agencies:consultation_list": (404, CENTER_STAFF),
    "agencies:consultation_create": (404, CENTER_STAFF),
    "agencies:meeting_list": (404, CENTER_STAFF),
    "agencies:meeting_create": (404, CENTER_STAFF),
    "agencies:meeting_detail": (404, CENTER_STAFF),
    "agencies:meeting_edit": (404, {**CASE_READERS, "manager2": 403, "worker2": 403}),
    "agencies:meeting_attendance": (
        404,
        {**dict.fromkeys(CASE_READERS, 302), "manager2": 403, "worker2": 403},
    ),
    "agencies:summary_create": (404, dict.fromkeys(CENTER_STAFF, 302)),
    "agencies:summary_edit": (404, CENTER_STAFF),
    "agencies:training_attendance": (404, CENTER_STAFF),
    # reports: figures for managers (their centers), admins and analysts; the cases behind a
    # figure and every edit for managers only (a center-1 target and figure: manager1 only).
    "reports:statistics": (404, {**MANAGERS, "admin": 200, "analyst1": 200}),
    "reports:drilldown": (404, {"manager1": 200}),
    "reports:export": (404, {**MANAGERS, "admin": 200, "analyst1": 200}),
    "reports:commentary": (404, MANAGERS),
    "reports:targets": (404, {**MANAGERS, "admin": 200, "analyst1": 200}),
    "reports:target_create": (404, MANAGERS),
    "reports:target_edit": (404, {"manager1": 200}),
    "reports:target_delete": (404, {"manager1": 200}),
    "reports:external_figures": (404, MANAGERS),
    "reports:external_figure_edit": (404, {"manager1": 200}),
}
POST_ONLY = {
    "assessments:definition_toggle",
    "accounts:recovery_codes_regenerate",
    "accounts:two_factor_remove",
    "accounts:session_end",
    "accounts:sessions_end_others",
    "cases:risk_acknowledge",
    "cases:manage_handover",
    "agencies:referral_transition",
    "agencies:referral_post",
    "agencies:meeting_attendance",
    "agencies:summary_create",
}
# The fields a POST-only form needs before it reaches its access check.
POST_DATA = {"cases:manage_handover": lambda kwargs: {"center": kwargs["center_id"]}}
# The duplicate fragments answer every signed-in user with 200; non-staff get an empty fragment
# (yorisoi/people/tests and cases/tests check that nothing is listed for them).
# Served by Django itself or by the admin site, whose access is tested in accounts.
NOT_IN_MATRIX_PREFIXES = ("admin:",)
NOT_IN_MATRIX: set[str] = set()
# The admin site's login page (ours, sending strangers on to the real login page).
PUBLIC_NOT_IN_MATRIX = {"admin:login"}


def _url_names(resolver=None, namespace="") -> list[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            names.extend(_url_names(pattern, full))
        elif pattern.name:
            names.append((f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern))
    return names


def served_url_names() -> list[str]:
    return sorted(
        {
            name
            for name, _pattern in _url_names()
            if name not in NOT_IN_MATRIX and not name.startswith(NOT_IN_MATRIX_PREFIXES)
        }
    )


@pytest.fixture
def world(
    admin_user,
    manager1,
    worker1,
    worker1b,
    manager2,
    worker2,
    peer1,
    partner1,
    analyst1,
    center1,
):
    household = Household.objects.create()
    person = Person.objects.create(family_name_kana="まとりくす", household=household)
    member = HouseholdMember.objects.create(
        household=household, relationship=Relationship.MOTHER, age=72
    )
    case = Case.objects.create(person=person, center=center1, primary_worker=worker1)
    contact = Contact.objects.create(
        center=center1,
        case=case,
        method=Method.PHONE,
        consulter=Consulter.FAMILY,
        recorded_by=worker1,
        is_intake=True,
    )
    plan = PlanVersion.objects.create(case=case, number=1, goals="外に出たい", created_by=worker1)
    session = UserSession.objects.create(user=worker1, session_key="matrix-session")
    agencies = _agencies_world(worker1, partner1, case)
    reports = _reports_world(center1)
    # The object log is about events; a case nobody has opened has none to show.
    record_view(actor=worker1, obj=case)
    users = {
        "admin": admin_user,
        "manager1": manager1,
        "worker1": worker1,
        "worker1b": worker1b,
        "manager2": manager2,
        "worker2": worker2,
        "peer1": peer1,
        "partner1": partner1,
        "analyst1": analyst1,
    }
    kwargs = {
        "case_id": case.pk,
        "person_id": person.pk,
        "member_id": member.pk,
        "contact_id": contact.pk,
        "number": plan.number,
        "object_type": "cases.case",
        "object_id": case.pk,
        "pk": session.pk,
        "center_id": center1.pk,
        **agencies,
        **reports,
        **_assessments_world(worker1, manager1, center1, case),
    }
    return users, kwargs


def _assessments_world(worker1, manager1, center1, case) -> dict:
    """A draft assessment, a manager's uploaded definition and a vocabulary term of center 1."""
    from yorisoi.assessments import services
    from yorisoi.assessments.models import VocabularyTerm
    from yorisoi.assessments.tests.factories import SAFE, assess

    draft = assess(worker1, case, {"safety": SAFE}, complete=False).assessment
    upload = services.definition_upload(
        user=manager1,
        center=center1,
        filename="extra.yaml",
        text=(
            "id: extra\nversion: 1\nlabels: {ja: 追加の尺度, en: Extra}\nitems:\n"
            "  - {id: note, type: free_text, labels: {ja: メモ, en: Note}}\n"
        ),
    )
    term = VocabularyTerm.objects.get(vocabulary="interests", code="games")
    return {"assessment_id": draft.pk, "definition_id": upload.pk, "term_id": term.pk}


def _reports_world(center1) -> dict:
    """A plan target and an external figure of center 1, and the CSV export."""
    from datetime import date

    from yorisoi.reports.models import ExternalFigure, Target

    target = Target.objects.create(
        metric="contacts", center=center1, start_year=2025, end_year=2025, value=100
    )
    figure = ExternalFigure.objects.create(
        metric="portal_page_views", center=center1, month=date(2025, 4, 1), value=10, source="x"
    )
    return {"target_id": target.pk, "figure_id": figure.pk, "kind": "csv"}


def _agencies_world(worker1, partner1, case) -> dict:
    """partner1's agency with a consented referral of the case, and a case conference (at
    center 1) with a shared de-identified summary."""
    from datetime import date

    from yorisoi.agencies.models import (
        Agency,
        AgencyAttendance,
        AgencyStaff,
        CaseSummary,
        Meeting,
        Referral,
    )
    from yorisoi.people.models import Consent

    agency = Agency.objects.create(name="マトリクス就労支援", kind="employment")
    AgencyStaff.objects.create(user=partner1, agency=agency)
    consent = Consent.objects.create(
        person=case.person,
        agency=agency,
        kinds=["summary"],
        purpose="就労支援",
        starts_on=date(2020, 1, 1),
        ends_on=date(2099, 12, 31),
        method="signed_form",
        center=case.center,
        recorded_by=worker1,
    )
    referral = Referral.objects.create(
        case=case,
        agency=agency,
        from_center=case.center,
        shared_kinds=["summary"],
        request="就労相談",
        created_by=worker1,
    )
    meeting = Meeting.objects.create(
        kind="case_conference",
        title="事例検討",
        center=case.center,
        held_on=date(2025, 6, 1),
        created_by=worker1,
    )
    AgencyAttendance.objects.create(meeting=meeting, agency=agency)
    summary = CaseSummary.objects.create(
        meeting=meeting, text="40代の方の事例", status="shared", prepared_by=worker1
    )
    return {
        "agency_id": agency.pk,
        "consent_id": consent.pk,
        "referral_id": referral.pk,
        "meeting_id": meeting.pk,
        "summary_id": summary.pk,
    }


def _reverse(name: str, kwargs: dict) -> str:
    pattern = dict(_url_names())[name]
    wanted = {k: kwargs[k] for k in pattern.pattern.converters}
    url = reverse(name, kwargs=wanted)
    if name == "cases:plan_compare":
        url += "?a=1&b=1"
    if name == "reports:drilldown":
        url += f"?center={kwargs['center_id']}&dimension=total"
    return url


def test_every_url_is_in_the_matrix():
    missing = [name for name in served_url_names() if name not in MATRIX]
    stale = [name for name in MATRIX if name not in served_url_names()]
    assert not missing, f"URLs without a row in the access matrix: {missing}"
    assert not stale, f"Matrix rows for URLs that no longer exist: {stale}"


def test_public_rows_are_the_public_views():
    """Every @login_not_required view has a public(...) row, and every public row's view is
    marked: a page cannot become open to strangers without the matrix saying so."""
    open_views = {
        name
        for name, pattern in _url_names()
        if not getattr(pattern.callback, "login_required", True)
    }
    public_rows = {name for name, row in MATRIX.items() if isinstance(row, Public)}
    assert open_views - PUBLIC_NOT_IN_MATRIX == public_rows
    assert PUBLIC_NOT_IN_MATRIX <= open_views


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_matrix(client, world, name):
    users, kwargs = world
    default, overrides = MATRIX[name]
    url = _reverse(name, kwargs)
    got, want = {}, {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        if name in POST_ONLY:
            response = client.post(url, POST_DATA.get(name, lambda kw: {})(kwargs))
        else:
            response = client.get(url)
        status = response.status_code
        if role == "anonymous":
            expected = overrides.get("anonymous", 302)
            if status == 302:
                sent_to_login = response["Location"].startswith(
                    f"/accounts/login/?next={quote(url)}"
                )
                assert sent_to_login != isinstance(MATRIX[name], Public), (
                    name,
                    response["Location"],
                )
        else:
            expected = overrides.get(role, default)
        got[role], want[role] = status, expected
    assert got == want, f"{name} ({url})"
