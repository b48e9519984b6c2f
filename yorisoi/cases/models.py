"""Cases, contacts (every consultation), plans and the history of status and phase."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yorisoi.accounts.models import Center
from yorisoi.core.crypto import EncryptedTextField
from yorisoi.people.models import HouseholdMember, Person


class Status(models.TextChoices):
    INTAKE = "intake", _("受付")
    ASSESSMENT = "assessment", _("アセスメント")
    PLANNING = "planning", _("プラン")
    SUPPORT = "support", _("支援中")
    MONITORING = "monitoring", _("見守り")
    CLOSED = "closed", _("終結")


OPEN_STATUSES = [s for s in Status.values if s != Status.CLOSED]


class Phase(models.TextChoices):
    ENCOUNTER = "encounter", _("出会い・評価")
    INDIVIDUAL = "individual", _("個人支援")
    GROUP = "group", _("集団・居場所")
    PARTICIPATION = "participation", _("社会参加の試行")


class ClosureReason(models.TextChoices):
    GOAL_REACHED = "goal_reached", _("目標達成・社会参加")
    HANDED_OVER = "handed_over", _("他機関へ引継ぎ")
    MOVED = "moved", _("転居")
    NO_CONTACT = "no_contact", _("連絡が取れない")
    DECLINED = "declined", _("本人・家族の希望で終了")
    DECEASED = "deceased", _("死亡")
    OTHER = "other", _("その他")


class Method(models.TextChoices):
    PHONE = "phone", _("電話")
    VISIT = "visit", _("来所")
    HOME_VISIT = "home_visit", _("訪問・アウトリーチ")
    LINE = "line", _("LINE")
    EMAIL = "email", _("メール")
    ONLINE = "online", _("オンライン")
    METAVERSE = "metaverse", _("メタバース")
    ACCOMPANY = "accompany", _("同行")
    INTER_AGENCY = "inter_agency", _("機関間")


class Consulter(models.TextChoices):
    SELF = "self", _("本人")
    FAMILY = "family", _("家族")
    AGENCY = "agency", _("関係機関")
    OTHER = "other", _("その他")


class HeardVia(models.TextChoices):
    PORTAL = "portal", _("ポータルサイト")
    METAVERSE = "metaverse", _("メタバース")
    CONVENIENCE_STORE = "convenience_store", _("コンビニのポスター")
    CITY_BULLETIN = "city_bulletin", _("市の広報紙")
    SCHOOL = "school", _("学校")
    AGENCY = "agency", _("関係機関からの紹介")
    FAMILY_FRIEND = "family_friend", _("家族・知人")
    LINE = "line", _("LINE")
    INTERNET = "internet", _("インターネット検索・SNS")
    OTHER = "other", _("その他")
    UNKNOWN = "unknown", _("不明")


def choice_label(choices: type[models.TextChoices], value: str):
    """The label of a stored choice (the value itself when unknown), as get_FOO_display.

    Django's get_FOO_display rebuilds the whole choice list, translating every label, on each
    call: ten times the cost, which a list of a hundred cases feels.
    """
    try:
        return choices(value).label
    except ValueError:
        return value


# Two ids no real row has, standing for the arguments in a URL reversed once.
_URL_MARKERS = (2_147_483_646, 2_147_483_647)


@lru_cache(maxsize=64)
def _url_pieces(urlconf: str, script_prefix: str, name: str, arity: int) -> tuple[str, ...]:
    url = reverse(name, urlconf=urlconf, args=_URL_MARKERS[:arity])
    pieces = []
    for marker in _URL_MARKERS[:arity]:
        head, _marker, url = url.partition(str(marker))
        pieces.append(head)
    return (*pieces, url)


def quick_reverse(name: str, *ids: int) -> str:
    """reverse(name, args=ids) for a URL taking only integer ids, reversing once per URL name.

    reverse() walks the resolver each time (about 0.1 ms); the case list, the home page and
    the timeline build a URL per row. Keyed like Django's own resolver cache (the URLconf)
    and by the request's script prefix.
    """
    pieces = _url_pieces(
        get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name, len(ids)
    )
    parts = [pieces[0]]
    for value, piece in zip(ids, pieces[1:], strict=True):
        parts.append(str(int(value)))
        parts.append(piece)
    return "".join(parts)


class Case(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("本人")
    )
    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="cases", verbose_name=_("センター")
    )
    status = models.CharField(
        _("状況"), max_length=20, choices=Status.choices, default=Status.INTAKE
    )
    phase = models.CharField(
        _("支援段階"), max_length=20, choices=Phase.choices, default=Phase.ENCOUNTER
    )
    primary_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_cases",
        verbose_name=_("主担当"),
    )
    primary_assigned_at = models.DateTimeField(_("主担当の割当日時"), null=True, blank=True)
    secondary_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="secondary_cases",
        verbose_name=_("副担当"),
    )
    opened_on = models.DateField(_("受付日"), default=timezone.localdate)
    closed_on = models.DateField(_("終結日"), null=True, blank=True)
    closure_reason = models.CharField(
        _("終結理由"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    next_contact_on = models.DateField(_("次回対応予定日"), null=True, blank=True, db_index=True)
    # Kept in step by the contact services so the caseload pages need no aggregate per row.
    last_contact_at = models.DateTimeField(_("最終対応日時"), null=True, blank=True)
    risk_self_harm = models.BooleanField(_("自傷・希死念慮"), default=False)
    risk_violence = models.BooleanField(_("家庭内の暴力"), default=False)
    risk_abuse = models.BooleanField(_("虐待"), default=False)
    risk_no_medical = models.BooleanField(_("医療につながっていない"), default=False)
    risk_note = EncryptedTextField(_("リスクの詳細"), blank=True)
    risk_escalated_at = models.DateTimeField(null=True, blank=True)
    risk_acknowledged_at = models.DateTimeField(null=True, blank=True)
    risk_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ケース")
        verbose_name_plural = _("ケース")
        constraints = [
            models.UniqueConstraint(fields=["person", "center"], name="case_one_per_person_center"),
        ]
        indexes = [
            models.Index(fields=["center", "status"], name="case_center_status_idx"),
            models.Index(fields=["primary_worker", "status"], name="case_worker_status_idx"),
            models.Index(fields=["center", "last_contact_at"], name="case_center_last_idx"),
            # "Persons with a case at my centers", which every person search and person page
            # asks, answered from the index alone.
            models.Index(fields=["center", "person"], name="case_center_person_idx"),
        ]

    def __str__(self) -> str:
        return str(_("ケース %(id)s") % {"id": self.pk})

    def get_absolute_url(self) -> str:
        return quick_reverse("cases:detail", self.pk)

    def get_status_display(self):
        return choice_label(Status, self.status)

    def get_phase_display(self):
        return choice_label(Phase, self.phase)

    def get_closure_reason_display(self):
        return choice_label(ClosureReason, self.closure_reason)

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def risk_flags(self) -> list[str]:
        names = []
        for field in ("risk_self_harm", "risk_violence", "risk_abuse", "risk_no_medical"):
            if getattr(self, field):
                names.append(str(self._meta.get_field(field).verbose_name))
        return names

    def clean(self) -> None:
        if self.status == Status.CLOSED and not self.closure_reason:
            raise ValidationError({"closure_reason": _("終結にするには終結理由を選んでください。")})
        if self.closed_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("終結日が受付日より前になっています。")})


class CaseChange(models.Model):
    """A dated change of a case's status or support phase: the history a case page shows."""

    class Field(models.TextChoices):
        STATUS = "status", _("状況")
        PHASE = "phase", _("支援段階")
        PRIMARY_WORKER = "primary_worker", _("主担当")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=20, choices=Field.choices)
    old_value = models.CharField(max_length=50, blank=True)
    new_value = models.CharField(max_length=50)
    changed_on = models.DateField(default=timezone.localdate)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField(_("理由"), blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["case", "field"], name="casechange_case_field_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.field}: {self.old_value} -> {self.new_value}"


class Contact(models.Model):
    """One consultation or action in any channel. 延べ件数 counts these."""

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("センター")
    )
    # Empty for an agency consultation about someone the center has no record of.
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("ケース"),
    )
    occurred_at = models.DateTimeField(_("日時"), default=timezone.now)
    duration_minutes = models.PositiveIntegerField(_("所要時間（分）"), null=True, blank=True)
    method = models.CharField(_("相談方法"), max_length=20, choices=Method.choices)
    consulter = models.CharField(_("相談者"), max_length=20, choices=Consulter.choices)
    consulter_member = models.ForeignKey(
        HouseholdMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("相談した家族"),
    )
    consulter_detail = models.CharField(
        _("相談者の詳細"),
        max_length=200,
        blank=True,
        help_text=_("機関名や、家族の続柄など。"),
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="contacts", verbose_name=_("対応者")
    )
    summary = models.CharField(
        _("件名"),
        max_length=200,
        blank=True,
        help_text=_("一覧に表示される短い要約です。詳しい内容は記録欄へ。"),
    )
    note = EncryptedTextField(_("記録"), blank=True)
    follow_up = EncryptedTextField(_("今後の対応"), blank=True)
    next_contact_on = models.DateField(_("次回対応予定日"), null=True, blank=True)
    is_intake = models.BooleanField(_("受付（インテーク）"), default=False)
    heard_via = models.CharField(
        _("センターを知ったきっかけ"), max_length=30, choices=HeardVia.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A random token from the form, so a double submit cannot create a second row.
    submission_token = models.CharField(max_length=64, blank=True, null=True, unique=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("相談・対応記録")
        verbose_name_plural = _("相談・対応記録")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["case", "occurred_at"], name="contact_case_when_idx"),
            models.Index(fields=["center", "occurred_at"], name="contact_center_when_idx"),
        ]

    def __str__(self) -> str:
        return str(_("相談記録 %(id)s") % {"id": self.pk})

    def get_method_display(self):
        return choice_label(Method, self.method)

    def get_consulter_display(self):
        return choice_label(Consulter, self.consulter)

    def get_heard_via_display(self):
        return choice_label(HeardVia, self.heard_via)

    def clean(self) -> None:
        if self.next_contact_on and self.occurred_at:
            if self.next_contact_on < timezone.localtime(self.occurred_at).date():
                raise ValidationError(
                    {"next_contact_on": _("次回対応予定日が、この対応の日付より前になっています。")}
                )
        if self.occurred_at and self.occurred_at > timezone.now() + timedelta(hours=1):
            raise ValidationError({"occurred_at": _("未来の日時の対応は記録できません。")})


class PlanVersion(models.Model):
    """One version of a case's 支援プラン. Versions are never edited, only added."""

    class Voice(models.TextChoices):
        PERSON = "person", _("本人の言葉")
        FAMILY = "family", _("家族の言葉")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plan_versions")
    number = models.PositiveIntegerField(_("版"))
    goals = EncryptedTextField(_("目標（本人・家族の言葉で）"))
    voice = models.CharField(
        _("誰の言葉か"), max_length=10, choices=Voice.choices, default=Voice.PERSON
    )
    planned_supports = EncryptedTextField(_("予定する支援"), blank=True)
    review_on = models.DateField(_("見直し予定日"), null=True, blank=True)
    agreed_by = models.CharField(_("合意した人"), max_length=100, blank=True)
    agreed_on = models.DateField(_("合意日"), null=True, blank=True)
    informed_by_assessment_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("支援プラン")
        verbose_name_plural = _("支援プラン")
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="plan_version_unique_number"),
        ]

    def __str__(self) -> str:
        return str(_("支援プラン 第%(number)s版") % {"number": self.number})

    def get_voice_display(self):
        return choice_label(self.Voice, self.voice)

    @property
    def audit_center_id(self) -> int:
        return self.case.center_id
