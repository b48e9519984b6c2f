"""Plan targets (計画目標), figures entered from outside the system, and the commentary a
manager writes for the council report. Reports reads every domain app and writes only these."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yorisoi.accounts.models import Center

from .labels import year_label
from .metrics import EXTERNAL_METRICS, Metric

FIRST_FISCAL_YEAR = 2000
LAST_FISCAL_YEAR = 2100
YEAR_VALIDATORS = [MinValueValidator(FIRST_FISCAL_YEAR), MaxValueValidator(LAST_FISCAL_YEAR)]


class Target(models.Model):
    """A value a metric should reach in one fiscal year or over a plan period (start–end FY).

    center empty: the whole city (all centers), as the city plan states its targets.
    """

    metric = models.CharField(_("指標"), max_length=40, choices=Metric.choices)
    center = models.ForeignKey(
        Center,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("センター"),
        help_text=_("空欄は市全体（すべてのセンターの合計）です。"),
    )
    start_year = models.PositiveSmallIntegerField(_("開始年度"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("終了年度"), validators=YEAR_VALIDATORS)
    value = models.PositiveIntegerField(_("目標値"))
    note = models.CharField(
        _("根拠・メモ"),
        max_length=200,
        blank=True,
        help_text=_("例：第2期ひきこもり支援推進計画。"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("計画目標")
        verbose_name_plural = _("計画目標")
        ordering = ["-start_year", "metric", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="target_period_order",
                violation_error_message=_("終了年度が開始年度より前になっています。"),
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=FIRST_FISCAL_YEAR, end_year__lte=LAST_FISCAL_YEAR),
                name="target_period_range",
                violation_error_message=_("年度は2000〜2100の間で入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="target_value_not_negative",
                violation_error_message=_("目標値は0以上の数で入力してください。"),
            ),
            models.UniqueConstraint(
                fields=["metric", "start_year", "end_year"],
                condition=Q(center__isnull=True),
                name="target_unique_city",
                violation_error_message=_(
                    "同じ指標・対象・期間の目標がすでにあります。変更する場合は一覧からその目標を"
                    "修正してください。"
                ),
            ),
            models.UniqueConstraint(
                fields=["metric", "center", "start_year", "end_year"],
                condition=Q(center__isnull=False),
                name="target_unique_center",
                violation_error_message=_(
                    "同じ指標・対象・期間の目標がすでにあります。変更する場合は一覧からその目標を"
                    "修正してください。"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.period_label}"

    @property
    def audit_center_id(self) -> int | None:
        return self.center_id

    @property
    def is_single_year(self) -> bool:
        return self.start_year == self.end_year

    @property
    def period_label(self) -> str:
        if self.is_single_year:
            return year_label(self.start_year)
        return _("%(start)s〜%(end)s") % {
            "start": year_label(self.start_year),
            "end": year_label(self.end_year),
        }

    def clean(self) -> None:
        errors = {}
        for name in ("start_year", "end_year"):
            year = getattr(self, name)
            if year is not None and not FIRST_FISCAL_YEAR <= year <= LAST_FISCAL_YEAR:
                errors[name] = _("年度は%(first)s〜%(last)sの間で入力してください。") % {
                    "first": FIRST_FISCAL_YEAR,
                    "last": LAST_FISCAL_YEAR,
                }
        if (
            not errors
            and self.start_year is not None
            and self.end_year is not None
            and self.end_year < self.start_year
        ):
            errors["end_year"] = _(
                "終了年度が開始年度より前になっています。開始年度と同じか、それより後の年度を"
                "入力してください。"
            )
        if self.value is not None and self.value < 0:
            errors["value"] = _("目標値は0以上の数で入力してください。")
        if errors:
            raise ValidationError(errors)


class ExternalFigure(models.Model):
    """A monthly figure from outside the system (e.g. metaverse accesses from the vendor's
    report), with where it came from. center empty: the whole city."""

    metric = models.CharField(
        _("指標"), max_length=40, choices=[(m.value, m.label) for m in EXTERNAL_METRICS]
    )
    center = models.ForeignKey(
        Center,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("センター"),
        help_text=_("空欄は市全体の数値です。"),
    )
    month = models.DateField(_("月"), help_text=_("その月の1日の日付で保存します。"))
    value = models.PositiveIntegerField(_("数値"))
    source = models.CharField(
        _("出典"),
        max_length=200,
        help_text=_("例：委託事業者の月次報告書、ポータルサイトのアクセス解析。"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("外部の数値")
        verbose_name_plural = _("外部の数値")
        ordering = ["-month", "metric", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="external_value_not_negative",
                violation_error_message=_("数値は0以上で入力してください。"),
            ),
            models.UniqueConstraint(
                fields=["metric", "month"],
                condition=Q(center__isnull=True),
                name="external_unique_city_month",
                violation_error_message=_(
                    "この指標・対象・月の数値はすでに入力されています。直す場合は一覧の「修正」から"
                    "変更してください。"
                ),
            ),
            models.UniqueConstraint(
                fields=["metric", "center", "month"],
                condition=Q(center__isnull=False),
                name="external_unique_center_month",
                violation_error_message=_(
                    "この指標・対象・月の数値はすでに入力されています。直す場合は一覧の「修正」から"
                    "変更してください。"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.month:%Y-%m}"

    @property
    def audit_center_id(self) -> int | None:
        return self.center_id


class Commentary(models.Model):
    """The short texts a manager writes for one fiscal year's council report.
    center empty: the report for all centers."""

    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    center = models.ForeignKey(
        Center,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("センター"),
    )
    overview = models.TextField(_("概況"), blank=True, max_length=1200)
    achievements = models.TextField(_("主な取組と成果"), blank=True, max_length=1200)
    challenges = models.TextField(_("課題"), blank=True, max_length=1200)
    next_steps = models.TextField(_("次年度に向けて"), blank=True, max_length=1200)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    TEXT_FIELDS = ("overview", "achievements", "challenges", "next_steps")

    class Meta:
        verbose_name = _("報告書のコメント")
        verbose_name_plural = _("報告書のコメント")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year"],
                condition=Q(center__isnull=True),
                name="commentary_unique_city_year",
                violation_error_message=_("この年度のコメントはすでにあります。"),
            ),
            models.UniqueConstraint(
                fields=["fiscal_year", "center"],
                condition=Q(center__isnull=False),
                name="commentary_unique_center_year",
                violation_error_message=_("この年度のコメントはすでにあります。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{year_label(self.fiscal_year)} {self.center or ''}".strip()

    @property
    def audit_center_id(self) -> int | None:
        return self.center_id

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in self.TEXT_FIELDS)
