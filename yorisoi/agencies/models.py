"""Partner agencies (関係機関), referrals and hand-overs (紹介・引継ぎ), agency consultations
(機関相談), and the network: liaison councils, case conferences and trainings."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yorisoi.accounts.models import Center
from yorisoi.cases.models import Case, Contact
from yorisoi.core.crypto import EncryptedTextField
from yorisoi.people.models import InfoKind


class AgencyKind(models.TextChoices):
    MEDICAL = "medical", _("医療機関")
    EMPLOYMENT = "employment", _("就労支援（ハローワーク・仕事・暮らし自立サポートセンター等）")
    YOUTH_STATION = "youth_station", _("地域若者サポートステーション")
    SCHOOL = "school", _("学校・教育機関")
    WELFARE = "welfare", _("福祉（福祉事務所・障害福祉サービス等）")
    COMMUNITY_CARE = "community_care", _("地域包括支援センター")
    PUBLIC_HEALTH = "public_health", _("保健所・保健センター")
    PRIVATE_GROUP = "private_group", _("民間支援団体")
    ADMINISTRATION = "administration", _("行政機関")
    OTHER = "other", _("その他")


class LiaisonChannel(models.TextChoices):
    PHONE = "phone", _("電話")
    EMAIL = "email", _("メール")
    FAX = "fax", _("FAX")
    DOCUMENT = "document", _("文書（紹介状・郵送）")
    VISIT = "visit", _("訪問・同行")
    ONLINE = "online", _("オンライン会議")
    SYSTEM = "system", _("この仕組み（寄り添い）")


class Agency(models.Model):
    """A partner agency and the way it prefers to liaise, agreed before the first case."""

    name = models.CharField(_("機関名"), max_length=200, unique=True)
    kind = models.CharField(_("種別"), max_length=30, choices=AgencyKind.choices)
    address = models.CharField(_("所在地"), max_length=300, blank=True)
    phone = models.CharField(_("電話番号"), max_length=50, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    contact_person = models.CharField(_("連絡窓口（担当部署・担当者）"), max_length=200, blank=True)
    contacts_note = models.TextField(
        _("その他の連絡先"),
        blank=True,
        help_text=_("夜間・休日の連絡先、FAX番号、サブの担当者など。"),
    )
    liaison_channel = models.CharField(
        _("希望する連絡方法"),
        max_length=20,
        choices=LiaisonChannel.choices,
        default=LiaisonChannel.PHONE,
    )
    referral_needs = models.TextField(
        _("紹介のときに必要なこと"),
        blank=True,
        help_text=_("例：事前に電話で空き状況を確認、紹介状（様式あり）、本人の同行が必要。"),
    )
    liaison_agreed_on = models.DateField(
        _("連携方法の取り決め日"),
        null=True,
        blank=True,
        help_text=_("連絡方法や紹介の手順を、最初のケースの前に機関と確認した日です。"),
    )
    note = models.TextField(_("メモ"), blank=True)
    is_active = models.BooleanField(_("連携中"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("関係機関")
        verbose_name_plural = _("関係機関")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("agencies:agency_detail", args=[self.pk])


class AgencyStaff(models.Model):
    """A partner user (role `partner`) working for an agency: they see its referrals."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agency_links",
        verbose_name=_("職員"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="staff", verbose_name=_("関係機関")
    )
    is_active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("関係機関の職員")
        verbose_name_plural = _("関係機関の職員")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="agencystaff_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.agency}"

    def clean(self) -> None:
        from yorisoi.accounts.models import Role

        if (
            self.user_id
            and not self.user.memberships.filter(role=Role.PARTNER, is_active=True).exists()
        ):
            raise ValidationError(
                {"user": _("関係機関の職員には「関係機関職員」の役割を持つ職員を選んでください。")}
            )


class ReferralKind(models.TextChoices):
    REFERRAL = "referral", _("関係機関への紹介")
    HANDOVER = "handover", _("他のセンターへの引継ぎ")
    JOINT = "joint", _("関係機関との共同支援")


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("依頼")
    ACCEPTED = "accepted", _("受理")
    IN_PROGRESS = "in_progress", _("対応中")
    COMPLETED = "completed", _("完了")
    NOT_ESTABLISHED = "not_established", _("不成立")
    RETURNED = "returned", _("差戻し")


# A referral in one of these is still open: no second one to the same place meanwhile.
ACTIVE_STATUSES = (
    ReferralStatus.REQUESTED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.RETURNED,
)
FINAL_STATUSES = (ReferralStatus.COMPLETED, ReferralStatus.NOT_ESTABLISHED)


class Side(models.TextChoices):
    """Who may take a step: the center that sends, the agency or center that receives."""

    SENDER = "sender", _("紹介元")
    RECEIVER = "receiver", _("紹介先")
    EITHER = "either", _("どちらでも")


# The one status machine of referrals, hand-overs and joint support: (from, to) -> who may.
TRANSITIONS: dict[tuple[str, str], str] = {
    (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED): Side.RECEIVER,
    (ReferralStatus.REQUESTED, ReferralStatus.RETURNED): Side.RECEIVER,
    (ReferralStatus.REQUESTED, ReferralStatus.NOT_ESTABLISHED): Side.EITHER,
    (ReferralStatus.RETURNED, ReferralStatus.REQUESTED): Side.SENDER,
    (ReferralStatus.RETURNED, ReferralStatus.NOT_ESTABLISHED): Side.SENDER,
    (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS): Side.RECEIVER,
    (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED): Side.RECEIVER,
    (ReferralStatus.ACCEPTED, ReferralStatus.NOT_ESTABLISHED): Side.EITHER,
    (ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED): Side.RECEIVER,
    (ReferralStatus.IN_PROGRESS, ReferralStatus.NOT_ESTABLISHED): Side.EITHER,
}
# Moving into these shares (more of) the person's information: consent is checked again.
CONSENT_CHECKED_STATUSES = (
    ReferralStatus.REQUESTED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
)
# Moving into these needs a written reason (差戻し, 不成立) or the outcome (完了).
REASON_REQUIRED_STATUSES = (
    ReferralStatus.RETURNED,
    ReferralStatus.NOT_ESTABLISHED,
    ReferralStatus.COMPLETED,
)


class Referral(models.Model):
    """A referral to an agency, a hand-over of a case to another center, or joint support."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("ケース")
    )
    kind = models.CharField(
        _("種類"), max_length=20, choices=ReferralKind.choices, default=ReferralKind.REFERRAL
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("紹介先の機関"),
    )
    to_center = models.ForeignKey(
        Center,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_referrals",
        verbose_name=_("引継ぎ先のセンター"),
    )
    from_center = models.ForeignKey(
        Center,
        on_delete=models.PROTECT,
        related_name="outgoing_referrals",
        verbose_name=_("紹介元のセンター"),
    )
    shared_kinds = models.JSONField(_("提供する情報"), default=list)
    request = EncryptedTextField(
        _("依頼内容"),
        help_text=_("紹介先にお願いしたいこと。例：就労体験の受け入れについてのご相談。"),
    )
    summary = EncryptedTextField(
        _("本人の状況（相談の概要）"),
        blank=True,
        help_text=_("「相談の概要」の提供に同意がある場合だけ、紹介先に表示されます。"),
    )
    status = models.CharField(
        _("状況"),
        max_length=20,
        choices=ReferralStatus.choices,
        default=ReferralStatus.REQUESTED,
    )
    status_changed_at = models.DateTimeField(_("状況の更新日時"), default=timezone.now)
    # An emergency sharing without (full) consent, decided by a manager with a recorded reason.
    override_reason = EncryptedTextField(_("同意なしで進める緊急の理由"), blank=True)
    override_kinds = models.JSONField(default=list, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("緊急の判断をした人"),
    )
    override_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    submission_token = models.CharField(max_length=64, blank=True, null=True, unique=True)

    AUDIT_REDACT = ("request", "summary", "override_reason")

    class Meta:
        verbose_name = _("紹介・引継ぎ")
        verbose_name_plural = _("紹介・引継ぎ")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"],
                condition=Q(status__in=[s.value for s in ACTIVE_STATUSES], agency__isnull=False),
                name="referral_one_active_per_case_agency",
            ),
            models.UniqueConstraint(
                fields=["case", "to_center"],
                condition=Q(status__in=[s.value for s in ACTIVE_STATUSES], to_center__isnull=False),
                name="referral_one_active_per_case_center",
            ),
            models.CheckConstraint(
                condition=(
                    Q(agency__isnull=False, to_center__isnull=True)
                    | Q(agency__isnull=True, to_center__isnull=False)
                ),
                name="referral_one_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status"], name="referral_agency_status_idx"),
            models.Index(fields=["to_center", "status"], name="referral_center_status_idx"),
        ]

    def __str__(self) -> str:
        return str(_("紹介 %(id)s") % {"id": self.pk})

    def get_absolute_url(self) -> str:
        return reverse("agencies:referral_detail", args=[self.pk])

    @property
    def audit_center_id(self) -> int:
        return self.from_center_id

    @property
    def recipient(self) -> Agency | Center | None:
        return self.agency if self.agency_id else self.to_center

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_handover(self) -> bool:
        return self.kind == ReferralKind.HANDOVER

    @property
    def shared_kind_labels(self) -> list[str]:
        return [str(InfoKind(k).label) for k in self.shared_kinds if k in InfoKind.values]

    def clean(self) -> None:
        if self.kind == ReferralKind.HANDOVER:
            if not self.to_center_id:
                raise ValidationError({"to_center": _("引継ぎ先のセンターを選んでください。")})
            if self.agency_id:
                raise ValidationError(
                    {"agency": _("センター間の引継ぎでは、関係機関は選びません。")}
                )
        else:
            if not self.agency_id:
                raise ValidationError({"agency": _("紹介先の機関を選んでください。")})
            if self.to_center_id:
                raise ValidationError(
                    {"to_center": _("関係機関への紹介では、引継ぎ先のセンターは選びません。")}
                )
        kinds = list(self.shared_kinds or [])
        if not kinds:
            raise ValidationError({"shared_kinds": _("提供する情報を1つ以上選んでください。")})
        if any(k not in InfoKind.values for k in kinds):
            raise ValidationError({"shared_kinds": _("提供する情報の種類が正しくありません。")})


class ReferralEvent(models.Model):
    """A step of a referral: a status change, a progress note or the outcome. Both sides see
    them on the referral; the center sees them on the case timeline."""

    class Kind(models.TextChoices):
        STATUS = "status", _("状況の変更")
        PROGRESS = "progress", _("経過")
        OVERRIDE = "override", _("緊急時の判断")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReferralStatus.choices, blank=True)
    text = EncryptedTextField(_("内容"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Set when a partner agency's staff wrote it, so the case timeline names the agency.
    by_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="refevent_referral_at_idx")]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.kind} {self.from_status}->{self.to_status}"

    @property
    def audit_center_id(self) -> int:
        return self.referral.from_center_id


class AgencyConsultation(models.Model):
    """機関相談: an agency asked the center for advice. The consultation itself is a
    cases.Contact with consulter = agency (with or without a case); this names the agency."""

    contact = models.OneToOneField(
        Contact,
        on_delete=models.PROTECT,
        related_name="agency_consultation",
        verbose_name=_("相談・対応記録"),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("相談してきた機関"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("機関相談")
        verbose_name_plural = _("機関相談")

    def __str__(self) -> str:
        return str(_("機関相談 %(id)s") % {"id": self.pk})

    @property
    def audit_center_id(self) -> int:
        return self.contact.center_id


class MeetingKind(models.TextChoices):
    COUNCIL = "council", _("連絡会議")
    CASE_CONFERENCE = "case_conference", _("事例検討")
    TRAINING = "training", _("研修")


class Meeting(models.Model):
    """A liaison council, a case conference or a training. Nothing about a person is stored
    here; a case conference holds only reviewed de-identified summaries (CaseSummary)."""

    kind = models.CharField(_("種類"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="+", verbose_name=_("主催センター")
    )
    held_on = models.DateField(_("開催日"))
    starts_at = models.TimeField(_("開始時刻"), null=True, blank=True)
    is_online = models.BooleanField(_("オンライン開催"), default=False)
    place = models.CharField(
        _("場所"),
        max_length=200,
        blank=True,
        help_text=_("会場名。オンラインの場合は使うツール（URLは書かないでください）。"),
    )
    is_stress_care = models.BooleanField(
        _("支援者自身のストレスケアの研修"),
        default=False,
        help_text=_("研修のうち、支援にあたる職員自身の心の健康を扱うもの。"),
    )
    agenda = models.TextField(_("議題・内容"), blank=True)
    minutes = EncryptedTextField(_("議事録"), blank=True)
    follow_up = EncryptedTextField(_("今後の対応（宿題・担当）"), blank=True)
    attending_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="meetings_attended",
        verbose_name=_("出席した職員"),
    )
    agencies = models.ManyToManyField(
        Agency,
        through="AgencyAttendance",
        blank=True,
        related_name="meetings",
        verbose_name=_("出席した機関"),
    )
    other_attendees = models.CharField(
        _("その他の出席者"), max_length=300, blank=True, help_text=_("例：市の担当課 2名")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    submission_token = models.CharField(max_length=64, blank=True, null=True, unique=True)

    class Meta:
        verbose_name = _("会議・研修")
        verbose_name_plural = _("会議・研修")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["kind", "held_on"], name="meeting_kind_held_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agencies:meeting_detail", args=[self.pk])

    @property
    def audit_center_id(self) -> int:
        return self.center_id


class AgencyAttendance(models.Model):
    """An agency at a meeting, with how many of its staff came (training counts per 年度)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="attendances")
    attendees = models.PositiveSmallIntegerField(_("出席人数"), default=1)

    class Meta:
        verbose_name = _("機関の出席")
        verbose_name_plural = _("機関の出席")
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="attendance_unique"),
            models.CheckConstraint(condition=Q(attendees__gte=1), name="attendance_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.agency_id} x{self.attendees}"


class CaseSummary(models.Model):
    """A de-identified summary of a case for a case conference (事例検討).

    Generated from the case, then reviewed and edited by a worker who may edit that case; only
    once shared does it appear in the meeting. The source case is kept so the preparer can
    regenerate it, and is never shown through the meeting.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("確認中（共有前）")
        SHARED = "shared", _("共有済み")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="summaries")
    source_case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("事例の呼び名"), max_length=100, default="")
    text = EncryptedTextField(_("事例の要約"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_REDACT = ("text",)

    class Meta:
        verbose_name = _("事例の要約")
        verbose_name_plural = _("事例の要約")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title or str(_("事例 %(id)s") % {"id": self.pk})

    @property
    def audit_center_id(self) -> int:
        return self.meeting.center_id

    @property
    def is_shared(self) -> bool:
        return self.status == self.Status.SHARED
