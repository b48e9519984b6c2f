"""Persons (本人) and their households. Nothing identifying is required."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yorisoi.core.crypto import EncryptedTextField
from yorisoi.core.japanese import normalize_kana


class Sex(models.TextChoices):
    FEMALE = "female", _("女性")
    MALE = "male", _("男性")
    OTHER = "other", _("その他")
    UNANSWERED = "unanswered", _("無回答・不明")


class AgeBand(models.TextChoices):
    UNDER_20 = "under_20", _("19歳以下")
    AGE_20S = "20s", _("20代")
    AGE_30S = "30s", _("30代")
    AGE_40S = "40s", _("40代")
    AGE_50S = "50s", _("50代")
    AGE_60S = "60s", _("60代")
    AGE_70_PLUS = "70_plus", _("70歳以上")
    UNKNOWN = "unknown", _("不明")


AGE_BAND_LOWER = {
    AgeBand.UNDER_20: 0,
    AgeBand.AGE_20S: 20,
    AgeBand.AGE_30S: 30,
    AgeBand.AGE_40S: 40,
    AgeBand.AGE_50S: 50,
    AgeBand.AGE_60S: 60,
    AgeBand.AGE_70_PLUS: 70,
}


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def band_for_age(age: int | None) -> str:
    if age is None:
        return AgeBand.UNKNOWN
    if age < 20:
        return AgeBand.UNDER_20
    if age >= 70:
        return AgeBand.AGE_70_PLUS
    return f"{age // 10 * 10}s"


class Person(models.Model):
    family_name = models.CharField(_("姓"), max_length=50, blank=True)
    given_name = models.CharField(_("名"), max_length=50, blank=True)
    family_name_kana = models.CharField(_("姓（よみ）"), max_length=50, blank=True)
    given_name_kana = models.CharField(_("名（よみ）"), max_length=50, blank=True)
    nickname = models.CharField(
        _("呼び名・ニックネーム"),
        max_length=50,
        blank=True,
        help_text=_("本名を伺っていない場合や、本人が望む呼び方がある場合に記入します。"),
    )
    birth_date = models.DateField(_("生年月日"), null=True, blank=True)
    age_band = models.CharField(
        _("年代"),
        max_length=10,
        choices=AgeBand.choices,
        default=AgeBand.UNKNOWN,
        help_text=_("生年月日が分からないときの目安です。生年月日があればそちらが優先されます。"),
    )
    sex = models.CharField(_("性別"), max_length=12, choices=Sex.choices, default=Sex.UNANSWERED)
    ward = models.CharField(_("居住区"), max_length=50, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    address = EncryptedTextField(_("住所"), blank=True)
    contact_preferences = EncryptedTextField(
        _("連絡方法の希望"),
        blank=True,
        help_text=_("例：電話は避けてほしい、母親経由で、夜のLINEなら返信できる。"),
    )
    line_user_id = models.CharField(_("LINEユーザーID"), max_length=64, blank=True, db_index=True)
    household = models.ForeignKey(
        "Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("世帯"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("統合先"),
    )
    # Folded readings and names (normalize_kana) so search ignores script, width and spaces.
    search_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    # The folded full reading and the folded full name alone, for the duplicate check.
    reading_key = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    name_key = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    phone_key = models.CharField(max_length=30, blank=True, db_index=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # phone_key holds the phone's digits, so it is as sensitive as the phone itself.
    AUDIT_REDACT = (
        "address",
        "contact_preferences",
        "phone",
        "phone_key",
        "email",
        "line_user_id",
    )

    class Meta:
        verbose_name = _("本人")
        verbose_name_plural = _("本人")

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.refresh_search_keys()
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}".strip()

    @property
    def display_name(self) -> str:
        if self.full_name:
            return self.full_name
        if self.full_name_kana:
            return self.full_name_kana
        if self.nickname:
            return str(_("%(nickname)s（呼び名）") % {"nickname": self.nickname})
        return str(_("氏名不詳（ID %(id)s）") % {"id": self.pk or "-"})

    @property
    def is_anonymous(self) -> bool:
        return not (self.full_name or self.full_name_kana)

    def age(self, today: date | None = None) -> int | None:
        if not self.birth_date:
            return None
        return age_on(self.birth_date, today or timezone.localdate())

    def effective_age_band(self, today: date | None = None) -> str:
        if self.birth_date:
            return band_for_age(self.age(today))
        return self.age_band

    def effective_age_band_label(self, today: date | None = None) -> str:
        return str(AgeBand(self.effective_age_band(today)).label)

    def minimum_age(self, today: date | None = None) -> int | None:
        age = self.age(today)
        if age is not None:
            return age
        return AGE_BAND_LOWER.get(self.age_band)

    def clean(self) -> None:
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("生年月日が未来の日付になっています。")})
        if self.birth_date and self.birth_date.year < 1900:
            raise ValidationError({"birth_date": _("生年月日を確認してください。")})

    def refresh_search_keys(self) -> None:
        parts = [
            self.family_name_kana + self.given_name_kana,
            self.family_name + self.given_name,
            self.nickname,
        ]
        self.search_key = "|".join(normalize_kana(p) for p in parts if p)[:200]
        self.reading_key = normalize_kana(self.family_name_kana + self.given_name_kana)[:100]
        self.name_key = normalize_kana(self.family_name + self.given_name)[:100]
        self.phone_key = "".join(ch for ch in self.phone if ch.isdigit())[:30]


class Household(models.Model):
    note = EncryptedTextField(_("世帯の状況"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("世帯")
        verbose_name_plural = _("世帯")

    def __str__(self) -> str:
        return str(_("世帯 %(id)s") % {"id": self.pk})


class Relationship(models.TextChoices):
    FATHER = "father", _("父")
    MOTHER = "mother", _("母")
    SIBLING = "sibling", _("きょうだい")
    SPOUSE = "spouse", _("配偶者")
    CHILD = "child", _("子")
    GRANDPARENT = "grandparent", _("祖父母")
    OTHER = "other", _("その他")


PARENT_RELATIONSHIPS = {Relationship.FATHER, Relationship.MOTHER}


class HouseholdMember(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("世帯")
    )
    relationship = models.CharField(_("本人との続柄"), max_length=20, choices=Relationship.choices)
    name = models.CharField(_("氏名・呼び名"), max_length=100, blank=True)
    age = models.PositiveSmallIntegerField(_("年齢"), null=True, blank=True)
    age_recorded_on = models.DateField(_("年齢の記録日"), default=timezone.localdate)
    lives_together = models.BooleanField(_("同居"), default=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    note = EncryptedTextField(_("メモ"), blank=True)
    # A random token from the add form, so a double submit cannot create a second member.
    submission_token = models.CharField(
        max_length=64, blank=True, null=True, unique=True, editable=False
    )

    AUDIT_REDACT = ("phone",)

    class Meta:
        verbose_name = _("世帯員")
        verbose_name_plural = _("世帯員")
        ordering = ["id"]

    def __str__(self) -> str:
        label = self.get_relationship_display()
        return f"{label} {self.name}".strip()

    def current_age(self, today: date | None = None) -> int | None:
        if self.age is None:
            return None
        today = today or timezone.localdate()
        return self.age + max(0, age_on(self.age_recorded_on, today))

    def clean(self) -> None:
        if self.age is not None and self.age > 120:
            raise ValidationError({"age": _("年齢を確認してください。")})


class InfoKind(models.TextChoices):
    """Kinds of a person's information a consent may cover and a referral may share."""

    CONTACT = "contact", _("氏名・連絡先")
    SUMMARY = "summary", _("相談の概要")
    ASSESSMENTS = "assessments", _("アセスメント")
    PLAN = "plan", _("支援プラン")


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", _("同意書への署名")
    VERBAL = "verbal", _("口頭（立会人あり）")


class Consent(models.Model):
    """同意: agreement by the person (本人) or a named household member to share named kinds
    of information with one agency (or, for a hand-over, another center), for a purpose,
    from one day to another. Withdrawable at any time, effective at once.

    The recipient agency is referenced by the model name "agencies.Agency" rather than an
    import: people sits below agencies, but a consent is a legal record whose recipient must
    not dangle, so the database keeps the reference intact.
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="consents", verbose_name=_("本人")
    )
    # Empty: the person (本人) agreed. Otherwise the household member who agreed.
    given_by_member = models.ForeignKey(
        HouseholdMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("同意した家族"),
    )
    # Who agreed, as written when recorded, so the record survives the member's removal.
    given_by_label = models.CharField(_("同意した人"), max_length=150, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("提供先の機関"),
    )
    recipient_center = models.ForeignKey(
        "accounts.Center",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提供先のセンター"),
    )
    kinds = models.JSONField(_("提供してよい情報"), default=list)
    purpose = models.CharField(
        _("目的"),
        max_length=300,
        help_text=_("例：就労支援の利用を始めるため、主治医と支援方針を共有するため。"),
    )
    starts_on = models.DateField(_("開始日"), default=timezone.localdate)
    ends_on = models.DateField(_("終了日"))
    method = models.CharField(_("同意の方法"), max_length=20, choices=ConsentMethod.choices)
    witness_name = models.CharField(
        _("立会人"),
        max_length=100,
        blank=True,
        help_text=_("口頭での同意のときに、その場に立ち会った人（職員など）の氏名。"),
    )
    note = EncryptedTextField(_("メモ"), blank=True)
    center = models.ForeignKey(
        "accounts.Center",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("記録したセンター"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("記録日時"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤回日時"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤回を記録した人"),
    )
    withdrawal_reason = models.TextField(_("撤回の内容"), blank=True)
    submission_token = models.CharField(
        max_length=64, blank=True, null=True, unique=True, editable=False
    )

    class Meta:
        verbose_name = _("同意")
        verbose_name_plural = _("同意")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="consent_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(agency__isnull=False, recipient_center__isnull=True)
                    | models.Q(agency__isnull=True, recipient_center__isnull=False)
                ),
                name="consent_one_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "agency"], name="consent_person_agency_idx"),
        ]

    def __str__(self) -> str:
        return str(_("同意 %(id)s") % {"id": self.pk})

    @property
    def audit_center_id(self) -> int:
        return self.center_id

    @property
    def recipient(self):
        return self.agency if self.agency_id else self.recipient_center

    @property
    def given_by_display(self) -> str:
        """本人, or the member who agreed (as recorded, if they have left the household)."""
        if self.given_by_member_id:
            return str(self.given_by_member)
        return self.given_by_label or str(_("本人"))

    @property
    def kind_labels(self) -> list[str]:
        return [str(InfoKind(k).label) for k in self.kinds if k in InfoKind.values]

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.withdrawn_at is None and self.starts_on <= on <= self.ends_on

    @property
    def state(self) -> str:
        """ "active", "withdrawn", "expired" or "upcoming", as of today."""
        today = timezone.localdate()
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.ends_on < today:
            return "expired"
        if self.starts_on > today:
            return "upcoming"
        return "active"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _(
                "終了日が開始日より前になっています。開始日と同じ日か、それより後の日付を"
                "入力してください。"
            )
        kinds = list(self.kinds or [])
        if not kinds:
            errors["kinds"] = _("提供してよい情報を1つ以上選んでください。")
        elif any(k not in InfoKind.values for k in kinds):
            errors["kinds"] = _("提供してよい情報の種類が正しくありません。")
        if self.method == ConsentMethod.VERBAL and not (self.witness_name or "").strip():
            errors["witness_name"] = _("口頭での同意には、立ち会った人の氏名を入力してください。")
        if not self.agency_id and not self.recipient_center_id:
            errors["agency"] = _("情報の提供先を選んでください。")
        if self.agency_id and self.recipient_center_id:
            errors["agency"] = _("提供先は1つだけ選んでください。")
        if self.given_by_member_id and self.given_by_member.household_id != (
            self.person.household_id if self.person_id else None
        ):
            errors["given_by_member"] = _("この方の世帯の家族を選んでください。")
        if errors:
            raise ValidationError(errors)
