"""Instrument definitions, assessments and their instrument responses, the tag vocabulary,
per-center instrument settings, and risk escalations raised by answers."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yorisoi.accounts.models import Center
from yorisoi.cases.models import Case
from yorisoi.core.crypto import EncryptedTextField

from . import definitions


class InstrumentDefinition(models.Model):
    """One version of an instrument definition file, stored as its text.

    Built-in files (instruments/*.yaml) get a row the first time they are used; a manager's
    uploaded file gets one when it passes validation. Rows are never edited: a revised file is
    a new version and a new row, so every response can point at the exact text it answered.
    """

    class Source(models.TextChoices):
        BUILTIN = "builtin", _("標準")
        UPLOAD = "upload", _("センターが追加")

    center = models.ForeignKey(
        Center,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("センター"),
        help_text=_("空欄は全センター共通の標準定義です。"),
    )
    instrument_id = models.CharField(_("尺度ID"), max_length=50)
    version = models.PositiveIntegerField(_("版"))
    source = models.CharField(_("種類"), max_length=10, choices=Source.choices)
    filename = models.CharField(_("ファイル名"), max_length=200, blank=True)
    text = models.TextField(_("定義の内容"))
    sha256 = models.CharField(max_length=64)
    label_ja = models.CharField(_("名称（日本語）"), max_length=200)
    label_en = models.CharField(_("名称（英語）"), max_length=200)
    is_active = models.BooleanField(_("使用中"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("追加した人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("尺度の定義")
        verbose_name_plural = _("尺度の定義")
        ordering = ["instrument_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument_id", "version"],
                condition=Q(center__isnull=True),
                name="instrumentdef_builtin_unique_version",
            ),
            models.UniqueConstraint(
                fields=["center", "instrument_id", "version"],
                condition=Q(center__isnull=False),
                name="instrumentdef_center_unique_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} v{self.version}"

    @property
    def audit_center_id(self) -> int | None:
        return self.center_id

    @property
    def definition(self) -> dict:
        """The parsed definition (validated when the row was made). Read-only."""
        return definitions.load_cached(self.text)

    def resolved(self, variant: str = "") -> dict:
        return definitions.resolve(self.definition, variant)

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_ja


class InstrumentSetting(models.Model):
    """A center's choice of variant for an instrument (e.g. the 3- or 4-point loneliness scale)."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+")
    instrument_id = models.CharField(_("尺度ID"), max_length=50)
    variant = models.CharField(_("回答の段階"), max_length=50)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("尺度の設定")
        verbose_name_plural = _("尺度の設定")
        constraints = [
            models.UniqueConstraint(
                fields=["center", "instrument_id"], name="instrumentsetting_one_per_center"
            )
        ]

    def __str__(self) -> str:
        return f"{self.center_id} {self.instrument_id}={self.variant}"


class Vocabulary(models.TextChoices):
    INTERESTS = "interests", _("興味")
    APTITUDES = "aptitudes", _("適性")
    WISHES = "wishes", _("希望")


class VocabularyTerm(models.Model):
    """A curated tag for interests, aptitudes or wishes. Codes never change (answers keep
    them); labels may be edited and terms retired."""

    vocabulary = models.CharField(_("語彙"), max_length=20, choices=Vocabulary.choices)
    code = models.SlugField(_("コード"), max_length=50)
    label_ja = models.CharField(_("表示名（日本語）"), max_length=100)
    label_en = models.CharField(_("表示名（英語）"), max_length=100)
    order = models.PositiveIntegerField(_("表示順"), default=100)
    is_active = models.BooleanField(_("選択肢に表示する"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("タグの語彙")
        verbose_name_plural = _("タグの語彙")
        ordering = ["vocabulary", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="vocabulary_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.vocabulary}:{self.code}"

    @property
    def labels(self) -> dict[str, str]:
        return {"ja": self.label_ja, "en": self.label_en or self.label_ja}


class Assessment(models.Model):
    """One assessment of a case on a day: responses to one or more instruments."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        COMPLETE = "complete", _("完了")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("ケース")
    )
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    assessed_on = models.DateField(_("実施日"))
    note = EncryptedTextField(_("全体の所見"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    completed_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    # The token of the last form submitted, so a double submit changes nothing.
    submission_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("アセスメント")
        verbose_name_plural = _("アセスメント")
        ordering = ["-assessed_on", "-id"]
        indexes = [
            models.Index(fields=["case", "status", "assessed_on"], name="assessment_case_idx"),
            models.Index(fields=["center", "status"], name="assessment_center_idx"),
        ]

    def __str__(self) -> str:
        return str(_("アセスメント %(id)s") % {"id": self.pk})

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", args=[self.pk])

    @property
    def audit_center_id(self) -> int:
        return self.center_id

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class InstrumentResponse(models.Model):
    """The answers to one instrument within an assessment, with the exact definition they
    were given on (version, hash and a resolved snapshot) and, once complete, the result."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    definition = models.ForeignKey(
        InstrumentDefinition, on_delete=models.PROTECT, related_name="responses"
    )
    instrument_id = models.CharField(max_length=50)
    definition_version = models.PositiveIntegerField()
    definition_hash = models.CharField(max_length=64)
    variant = models.CharField(max_length=50, blank=True)
    snapshot = models.JSONField()
    answers_data = EncryptedTextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    total = models.IntegerField(null=True, blank=True)
    band = models.CharField(max_length=50, blank=True)
    classification = models.CharField(max_length=50, blank=True)
    result = models.JSONField(default=dict, blank=True)
    tags = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "instrument_id"], name="response_one_per_instrument"
            )
        ]
        indexes = [models.Index(fields=["instrument_id", "total"], name="response_instr_idx")]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.instrument_id} v{self.definition_version}"

    @property
    def audit_center_id(self) -> int:
        return self.assessment.center_id

    @property
    def answers(self) -> dict:
        return json.loads(self.answers_data) if self.answers_data else {}

    @answers.setter
    def answers(self, value: dict) -> None:
        self.answers_data = json.dumps(value, ensure_ascii=False, sort_keys=True)


class RiskEscalation(models.Model):
    """Risk rules an assessment's answers triggered, raised to the center's managers."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="risk_escalations")
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="risk_escalations"
    )
    rules = models.JSONField(default=list)  # [{id, instrument_id, labels, flag, checklist}]
    flags = models.JSONField(default=list)  # ["self_harm", ...] set on the case
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("確認した人"),
    )
    acknowledge_note = EncryptedTextField(_("確認時のメモ"), blank=True)

    class Meta:
        verbose_name = _("リスクの報告")
        verbose_name_plural = _("リスクの報告")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["center", "acknowledged_at"], name="riskesc_center_ack_idx"),
            models.Index(fields=["case", "created_at"], name="riskesc_case_idx"),
        ]

    def __str__(self) -> str:
        return f"risk {self.case_id} {self.created_at:%Y-%m-%d}"

    @property
    def audit_center_id(self) -> int:
        return self.center_id

    @property
    def rule_ids(self) -> set[str]:
        return {f"{r['instrument_id']}:{r['id']}" for r in self.rules}
