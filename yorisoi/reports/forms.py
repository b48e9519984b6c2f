from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from yorisoi.accounts.models import Center

from .metrics import EXTERNAL_METRICS
from .models import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, Commentary, ExternalFigure, Target

YEAR_ERROR = _("年度は%(first)s〜%(last)sの間の西暦で入力してください（例：2025）。") % {
    "first": FIRST_FISCAL_YEAR,
    "last": LAST_FISCAL_YEAR,
}


class CenterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Center) -> str:
        return str(obj)


class TargetForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Target
        fields = ["metric", "center", "start_year", "end_year", "value", "note"]
        help_texts = {
            "start_year": _("西暦で入力します（例：2025 は令和7年度）。"),
            "end_year": _("1年度だけの目標は開始年度と同じ年度にします。"),
            "value": _("0以上の整数です。"),
        }
        error_messages = {
            "start_year": {"min_value": YEAR_ERROR, "max_value": YEAR_ERROR},
            "end_year": {"min_value": YEAR_ERROR, "max_value": YEAR_ERROR},
            "value": {"min_value": _("目標値は0以上の数で入力してください。")},
        }

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"] = CenterChoiceField(
            queryset=centers,
            required=False,
            empty_label=str(_("市全体（すべてのセンター）")),
            label=_("対象"),
            help_text=_("市の計画の目標は「市全体」にします。"),
        )
        for name in ("start_year", "end_year", "value"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": 0})
        self.fields["start_year"].widget.attrs.update(
            {"min": FIRST_FISCAL_YEAR, "max": LAST_FISCAL_YEAR}
        )
        self.fields["end_year"].widget.attrs.update(
            {"min": FIRST_FISCAL_YEAR, "max": LAST_FISCAL_YEAR}
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_value(self):
        value = self.cleaned_data.get("value")
        if value is not None and value < 0:
            raise forms.ValidationError(_("目標値は0以上の数で入力してください。"))
        return value


class ExternalFigureForm(forms.ModelForm):
    month = forms.DateField(
        label=_("月"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("年と月を選びます（例：2025-04）。"),
        error_messages={"invalid": _("年と月を「2025-04」のように入力してください。")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ExternalFigure
        fields = ["metric", "center", "month", "value", "source"]
        error_messages = {"value": {"min_value": _("数値は0以上で入力してください。")}}

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [(m.value, m.label) for m in EXTERNAL_METRICS]
        self.fields["center"] = CenterChoiceField(
            queryset=centers,
            required=False,
            empty_label=str(_("市全体")),
            label=_("対象"),
        )
        self.fields["value"].widget.attrs.update({"inputmode": "numeric", "min": 0})
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_month(self) -> date:
        month = self.cleaned_data["month"]
        if not FIRST_FISCAL_YEAR <= month.year <= LAST_FISCAL_YEAR + 1:
            raise forms.ValidationError(YEAR_ERROR)
        return month.replace(day=1)


class CommentaryForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Commentary
        fields = list(Commentary.TEXT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in Commentary.TEXT_FIELDS}
        help_texts = {
            "overview": _(
                "協議会の報告書に載せる短い文章です。個人が分かることは書かないでください。"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
