"""Support that never breaks off (途切れない支援): what is due, overdue or quiet, for the worker's
home page and the manager's center view.

Every date rule takes `today` so tests can stand on any day (month, year and 年度 ends, leap
days); pages pass `local_today()`. Each page reads a fixed number of queries however many cases
there are: one query fetches every case that meets any rule, and the rules below sort them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from yorisoi.accounts.models import Center, Membership, Role, User
from yorisoi.audit import services as audit
from yorisoi.audit.models import Action

from . import policy
from .models import OPEN_STATUSES, Case, PlanVersion

DEFAULT_NO_CONTACT_DAYS = 30
# A plan review shows up this many days before it falls due (and stays while overdue).
REVIEW_NOTICE_DAYS = 7
# An assignment is "new" on the day it was made and the 6 days after: one week.
NEW_ASSIGNMENT_DAYS = 7
# Workers leaving within this many days (or already gone) have their cases listed for hand-over.
LEAVING_NOTICE_DAYS = 60
RISK_FIELDS = ("risk_self_harm", "risk_violence", "risk_abuse", "risk_no_medical")
STAFF_ROLES = (Role.MANAGER, Role.WORKER)


def local_today() -> date:
    """Today in the site's time zone. Tests replace this to stand on a chosen day."""
    return timezone.localdate()


# --- the date rules ---------------------------------------------------------------------------


def start_of_day(day: date) -> datetime:
    """Local midnight at the start of `day`, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def days_overdue(next_contact_on: date | None, today: date) -> int:
    """Days since the planned contact was due: 0 on the day itself, negative before it."""
    if next_contact_on is None:
        return 0
    return (today - next_contact_on).days


def is_contact_overdue(next_contact_on: date | None, today: date) -> bool:
    return next_contact_on is not None and next_contact_on < today


def is_contact_due_today(next_contact_on: date | None, today: date) -> bool:
    return next_contact_on == today


def last_contact_day(last_contact_at: datetime | None, opened_on: date) -> date:
    """The day of the last contact; a case nobody has contacted yet counts from its opening."""
    if last_contact_at is None:
        return opened_on
    return timezone.localdate(last_contact_at)


def days_without_contact(last_contact_at: datetime | None, opened_on: date, today: date) -> int:
    return (today - last_contact_day(last_contact_at, opened_on)).days


def is_quiet(
    last_contact_at: datetime | None, opened_on: date, today: date, alert_days: int | None
) -> bool:
    """No contact for `alert_days` days or more (the center's setting; 30 when unset)."""
    days = alert_days or DEFAULT_NO_CONTACT_DAYS
    return days_without_contact(last_contact_at, opened_on, today) >= days


def quiet_cutoff(today: date, alert_days: int | None) -> date:
    """The latest last-contact day that counts as quiet on `today`."""
    return today - timedelta(days=alert_days or DEFAULT_NO_CONTACT_DAYS)


def review_horizon(today: date) -> date:
    return today + timedelta(days=REVIEW_NOTICE_DAYS)


def is_review_due(review_on: date | None, today: date) -> bool:
    return review_on is not None and review_on <= review_horizon(today)


def new_assignment_since(today: date) -> datetime:
    return start_of_day(today - timedelta(days=NEW_ASSIGNMENT_DAYS - 1))


def is_new_assignment(assigned_at: datetime | None, today: date) -> bool:
    return assigned_at is not None and assigned_at >= new_assignment_since(today)


def leaving_horizon(today: date) -> date:
    return today + timedelta(days=LEAVING_NOTICE_DAYS)


def is_leaving(leaving_on: date | None, today: date) -> bool:
    """Leaving within the notice period, or already gone."""
    return leaving_on is not None and leaving_on <= leaving_horizon(today)


def has_risk(case: Case) -> bool:
    return any(getattr(case, name) for name in RISK_FIELDS)


def is_risk_unacknowledged(case: Case) -> bool:
    if case.risk_escalated_at is None:
        return False
    return case.risk_acknowledged_at is None or case.risk_acknowledged_at < case.risk_escalated_at


# --- the same rules as filters ------------------------------------------------------------------


def _quiet_q(today: date, alert_days_by_center: dict[int, int]) -> Q:
    """Cases quiet by their own center's setting; centers not named use the default."""

    def rule(days: int) -> Q:
        cutoff = quiet_cutoff(today, days)
        return Q(last_contact_at__lt=start_of_day(cutoff + timedelta(days=1))) | Q(
            last_contact_at__isnull=True, opened_on__lte=cutoff
        )

    q = Q(pk__in=[])
    for center_id, days in alert_days_by_center.items():
        q |= Q(center_id=center_id) & rule(days)
    q |= ~Q(center_id__in=list(alert_days_by_center)) & rule(DEFAULT_NO_CONTACT_DAYS)
    return q


def _risk_q() -> Q:
    q = Q(pk__in=[])
    for name in RISK_FIELDS:
        q |= Q(**{name: True})
    return q


def _escalated_q() -> Q:
    return Q(risk_escalated_at__isnull=False) & (
        Q(risk_acknowledged_at__isnull=True) | Q(risk_acknowledged_at__lt=F("risk_escalated_at"))
    )


def _with_latest_review(qs: QuerySet[Case]) -> QuerySet[Case]:
    latest = PlanVersion.objects.filter(case=OuterRef("pk")).order_by("-number")
    return qs.annotate(latest_review_on=Subquery(latest.values("review_on")[:1]))


def _alert_days_of_user(user: User) -> dict[int, int]:
    """Each center's no-contact setting, from the memberships the user object already holds."""
    return {
        m.center_id: m.center.no_contact_alert_days
        for m in user.memberships_cached
        if m.center_id is not None
    }


def _record_list_view(*, user: User, cases: Iterable[Case], reason: str, center_id=None) -> None:
    """One audit event for a list page naming every case shown, whatever their number."""
    ids = sorted({c.pk for c in cases})
    if not ids:
        return
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="cases.case",
        object_id="",
        center_id=center_id,
        changes={"case_ids": ids},
        reason=reason,
    )


# --- rows ---------------------------------------------------------------------------------------


@dataclass
class CaseRow:
    """A case as the continuity lists show it."""

    case: Case
    days_overdue: int = 0
    days_quiet: int = 0
    review_on: date | None = None
    # Days until the plan review (negative once it has passed).
    review_in_days: int | None = None

    @property
    def person_name(self) -> str:
        return self.case.person.display_name

    @property
    def risk_flags(self) -> list[str]:
        return self.case.risk_flags

    @property
    def review_overdue_days(self) -> int:
        return -(self.review_in_days or 0)

    @property
    def last_contact_on(self) -> date | None:
        if self.case.last_contact_at is None:
            return None
        return timezone.localdate(self.case.last_contact_at)


def _row(case: Case, today: date) -> CaseRow:
    review_on = getattr(case, "latest_review_on", None)
    return CaseRow(
        case=case,
        days_overdue=days_overdue(case.next_contact_on, today),
        days_quiet=days_without_contact(case.last_contact_at, case.opened_on, today),
        review_on=review_on,
        review_in_days=(review_on - today).days if review_on else None,
    )


# --- the worker's home page ------------------------------------------------------------------


@dataclass
class HomeLists:
    today: date
    overdue: list[CaseRow] = field(default_factory=list)
    due_today: list[CaseRow] = field(default_factory=list)
    quiet: list[CaseRow] = field(default_factory=list)
    reviews_due: list[CaseRow] = field(default_factory=list)
    new_assignments: list[CaseRow] = field(default_factory=list)
    risk: list[CaseRow] = field(default_factory=list)
    no_next_contact: list[CaseRow] = field(default_factory=list)
    caseload_count: int = 0

    @property
    def is_empty(self) -> bool:
        return not (
            self.overdue
            or self.due_today
            or self.quiet
            or self.reviews_due
            or self.new_assignments
            or self.risk
            or self.no_next_contact
        )


def my_open_cases(user: User) -> QuerySet[Case]:
    """Open cases the user holds as primary or secondary worker, among those they may see."""
    secondary = Case.secondary_workers.through.objects.filter(user_id=user.pk).values("case_id")
    return (
        policy.visible_cases(user)
        .filter(status__in=OPEN_STATUSES)
        .filter(Q(primary_worker_id=user.pk) | Q(pk__in=secondary))
    )


# What the home lists read of each case, its person and center: a busy worker's home holds a
# hundred cases, and every other column (encrypted notes, addresses, timestamps) would be
# fetched, converted and decrypted for nothing.
HOME_ROW_FIELDS = (
    "person_id",
    "center_id",
    "status",
    "primary_worker_id",
    "primary_assigned_at",
    "opened_on",
    "next_contact_on",
    "last_contact_at",
    *RISK_FIELDS,
    "person__family_name",
    "person__given_name",
    "person__family_name_kana",
    "person__given_name_kana",
    "person__nickname",
    "center__name",
    "center__short_name",
    "center__no_contact_alert_days",
)


def home_lists(*, user: User, today: date) -> HomeLists:
    """What a worker should act on, from the cases they hold. Two queries whatever the count."""
    alert_days = _alert_days_of_user(user)
    mine = _with_latest_review(my_open_cases(user))
    new_since = new_assignment_since(today)
    relevant = (
        mine.filter(
            Q(next_contact_on__lte=today)
            | Q(next_contact_on__isnull=True)
            | _quiet_q(today, alert_days)
            | Q(latest_review_on__lte=review_horizon(today))
            | Q(primary_worker_id=user.pk, primary_assigned_at__gte=new_since)
            | _risk_q()
        )
        .select_related("person", "center")
        .only(*HOME_ROW_FIELDS)
    )
    lists = HomeLists(today=today, caseload_count=my_open_cases(user).count())
    for case in relevant:
        row = _row(case, today)
        if is_contact_overdue(case.next_contact_on, today):
            lists.overdue.append(row)
        elif is_contact_due_today(case.next_contact_on, today):
            lists.due_today.append(row)
        elif case.next_contact_on is None:
            lists.no_next_contact.append(row)
        if is_quiet(
            case.last_contact_at,
            case.opened_on,
            today,
            alert_days.get(case.center_id, case.center.no_contact_alert_days),
        ):
            lists.quiet.append(row)
        if is_review_due(row.review_on, today):
            lists.reviews_due.append(row)
        # is_new_assignment's rule, with its start of the week worked out once.
        assigned = case.primary_assigned_at
        if case.primary_worker_id == user.pk and assigned is not None and assigned >= new_since:
            lists.new_assignments.append(row)
        if has_risk(case):
            lists.risk.append(row)
    lists.overdue.sort(key=lambda r: (-r.days_overdue, r.case.pk))
    lists.due_today.sort(key=lambda r: r.case.pk)
    lists.no_next_contact.sort(key=lambda r: (r.case.opened_on, r.case.pk))
    lists.quiet.sort(key=lambda r: (-r.days_quiet, r.case.pk))
    lists.reviews_due.sort(key=lambda r: (r.review_on, r.case.pk))
    lists.new_assignments.sort(key=lambda r: (r.case.primary_assigned_at, r.case.pk), reverse=True)
    lists.risk.sort(key=lambda r: r.case.pk)
    _record_list_view(user=user, cases=(r.case for r in relevant_rows(lists)), reason="home")
    return lists


def relevant_rows(lists: HomeLists) -> list[CaseRow]:
    return [
        *lists.overdue,
        *lists.due_today,
        *lists.no_next_contact,
        *lists.quiet,
        *lists.reviews_due,
        *lists.new_assignments,
        *lists.risk,
    ]


@dataclass
class CenterSummary:
    center: Center
    unassigned: int
    escalated: int


def managed_center_summaries(*, user: User) -> list[CenterSummary]:
    """For a manager's home: per center, cases without a worker and unacknowledged risks."""
    center_ids = sorted(m.center_id for m in user.memberships_cached if m.role == Role.MANAGER)
    if not center_ids:
        return []
    counts = {
        row["center_id"]: row
        for row in Case.objects.filter(center_id__in=center_ids, status__in=OPEN_STATUSES)
        .values("center_id")
        .annotate(
            unassigned=Count("pk", filter=Q(primary_worker__isnull=True)),
            escalated=Count("pk", filter=_escalated_q()),
        )
    }
    centers = {m.center_id: m.center for m in user.memberships_cached if m.center_id}
    return [
        CenterSummary(
            center=centers[cid],
            unassigned=counts.get(cid, {}).get("unassigned", 0),
            escalated=counts.get(cid, {}).get("escalated", 0),
        )
        for cid in center_ids
    ]


# --- the manager's center view --------------------------------------------------------------


def managed_centers(user: User) -> list[Center]:
    """Centers the user manages, from the memberships already loaded with the user."""
    seen: dict[int, Center] = {}
    for m in user.memberships_cached:
        if m.role == Role.MANAGER and m.center_id is not None:
            seen.setdefault(m.center_id, m.center)
    return [seen[k] for k in sorted(seen)]


def active_staff_ids(center: Center) -> QuerySet:
    """Users holding an active manager or worker role at the center (as a subquery)."""
    return Membership.objects.filter(
        center=center, role__in=STAFF_ROLES, is_active=True, user__is_active=True
    ).values("user_id")


def handover_targets(*, center: Center, today: date) -> QuerySet[User]:
    """Staff a case of this center can be handed to: active workers (or managers) there who
    have not already left."""
    return (
        User.objects.filter(pk__in=active_staff_ids(center))
        .exclude(leaving_on__lt=today)
        .order_by("display_name", "username")
    )


def handover_cases(*, user: User, center: Center) -> QuerySet[Case]:
    """The cases a manager may hand over: the center's open cases."""
    if not policy.can_manage_center(user, center.pk):
        return Case.objects.none()
    return policy.visible_cases(user).filter(center=center, status__in=OPEN_STATUSES)


@dataclass
class WorkerGroup:
    worker: User | None
    rows: list[CaseRow] = field(default_factory=list)
    overdue_count: int = 0
    quiet_count: int = 0
    no_membership: bool = False

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass
class CenterView:
    center: Center
    today: date
    escalated: list[CaseRow]
    unassigned: list[CaseRow]
    overdue_by_worker: list[WorkerGroup]
    leaving: list[WorkerGroup]
    handover_cases: list[CaseRow]
    handover_from: str
    targets: list[User]
    workers: list[User]


def _group_key(group: WorkerGroup) -> tuple:
    if group.worker is None:
        return (1, "")
    return (0, str(group.worker))


def center_view(
    *,
    user: User,
    center: Center,
    today: date,
    handover_from: str = "",
    selected_ids: Iterable[int] = (),
) -> CenterView:
    """Everything the manager's page shows for one center, in a fixed number of queries.

    `handover_from` picks the cases offered for hand-over: a worker's id, "unassigned", or
    empty for the cases of leaving and departed workers. Cases in `selected_ids` (ticked in
    a form being shown again) are offered too.
    """
    if not policy.can_manage_center(user, center.pk):
        raise PermissionError("not a manager of this center")
    alert = {center.pk: center.no_contact_alert_days}
    open_cases = (
        policy.visible_cases(user)
        .filter(center=center, status__in=OPEN_STATUSES)
        .select_related("person", "primary_worker")
    )
    staff = active_staff_ids(center)

    escalated = [
        _row(c, today)
        for c in open_cases.filter(_escalated_q()).order_by("risk_escalated_at", "pk")
    ]
    unassigned = [
        _row(c, today)
        for c in open_cases.filter(primary_worker__isnull=True).order_by("opened_on", "pk")
    ]

    groups: dict[int | None, WorkerGroup] = {}
    for case in open_cases.filter(Q(next_contact_on__lt=today) | _quiet_q(today, alert)):
        row = _row(case, today)
        group = groups.setdefault(case.primary_worker_id, WorkerGroup(worker=case.primary_worker))
        group.rows.append(row)
        if is_contact_overdue(case.next_contact_on, today):
            group.overdue_count += 1
        if is_quiet(case.last_contact_at, case.opened_on, today, center.no_contact_alert_days):
            group.quiet_count += 1
    for group in groups.values():
        group.rows.sort(key=lambda r: (-r.days_overdue, -r.days_quiet, r.case.pk))
    overdue_by_worker = sorted(groups.values(), key=_group_key)

    leaving_q = Q(primary_worker__leaving_on__lte=leaving_horizon(today)) | ~Q(
        primary_worker_id__in=staff
    )
    leaving_groups: dict[int, WorkerGroup] = {}
    leaving_cases = open_cases.filter(primary_worker__isnull=False).filter(leaving_q)
    leaving_cases = leaving_cases.annotate(
        worker_active=Exists(staff.filter(user_id=OuterRef("primary_worker_id")))
    ).order_by("primary_worker_id", "pk")
    for case in leaving_cases:
        group = leaving_groups.setdefault(
            case.primary_worker_id,
            WorkerGroup(worker=case.primary_worker, no_membership=not case.worker_active),
        )
        group.rows.append(_row(case, today))
    leaving = sorted(leaving_groups.values(), key=_group_key)

    if handover_from == "unassigned":
        handover_cases = unassigned
    elif handover_from.isdigit() and len(handover_from) < 12:
        handover_cases = [
            _row(c, today)
            for c in open_cases.filter(primary_worker_id=int(handover_from)).order_by(
                "next_contact_on", "pk"
            )
        ]
    else:
        handover_from = ""
        handover_cases = [row for group in leaving for row in group.rows]

    offered = {row.case.pk for row in handover_cases}
    missing = sorted({int(pk) for pk in selected_ids} - offered)
    if missing:
        handover_cases = [
            *handover_cases,
            *(_row(c, today) for c in open_cases.filter(pk__in=missing).order_by("pk")),
        ]

    # Everyone who holds an open case here or works here, for the "cases of" chooser.
    holders = open_cases.filter(primary_worker__isnull=False).values("primary_worker_id")
    workers = list(
        User.objects.filter(Q(pk__in=staff) | Q(pk__in=holders)).order_by(
            "display_name", "username"
        )
    )
    view = CenterView(
        center=center,
        today=today,
        escalated=escalated,
        unassigned=unassigned,
        overdue_by_worker=overdue_by_worker,
        leaving=leaving,
        handover_cases=handover_cases,
        handover_from=handover_from,
        targets=list(handover_targets(center=center, today=today)),
        workers=workers,
    )
    shown = [*escalated, *unassigned, *handover_cases]
    shown += [r for g in overdue_by_worker for r in g.rows]
    shown += [r for g in leaving for r in g.rows]
    _record_list_view(
        user=user, cases=(r.case for r in shown), reason="manage", center_id=center.pk
    )
    return view


# --- plans --------------------------------------------------------------------------------------


def plan_versions(*, case: Case) -> list[PlanVersion]:
    """Every version of the plan of a case the caller has already fetched through
    selectors.case_get (which checked access and recorded the view), newest first."""
    return list(
        PlanVersion.objects.filter(case=case).select_related("created_by").order_by("-number")
    )


def plan_version_get(*, case: Case, number: int) -> PlanVersion:
    """One version of the plan of an access-checked case; 404 when there is no such version."""
    from django.shortcuts import get_object_or_404

    version = get_object_or_404(
        PlanVersion.objects.select_related("created_by"), case=case, number=number
    )
    version.case = case
    return version


def latest_plan_version(*, case: Case) -> PlanVersion | None:
    return PlanVersion.objects.filter(case=case).order_by("-number").first()
