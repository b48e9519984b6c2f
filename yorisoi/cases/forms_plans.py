"""Forms of the 支援プラン pages and the manager's bulk hand-over."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yorisoi.accounts.models import User

from .models import PlanVersion

PLAN_FIELDS = (
    "goals",
    "voice",
    "planned_supports",
    "review_on",
    "agreed_by",
    "agreed_on",
    "informed_by_assessment_id",
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PlanVersionForm(forms.Form):
    """A new version of the plan, opened with the latest version's content."""

    voice = forms.ChoiceField(
        label=_("誰の言葉で書いた目標ですか"),
        choices=PlanVersion.Voice.choices,
        initial=PlanVersion.Voice.PERSON,
        widget=forms.RadioSelect,
        help_text=_(
            "本人から聞いた言葉なら「本人の言葉」、家族から聞いた言葉なら「家族の言葉」を選びます。"
        ),
    )
    goals = forms.CharField(
        label=_("目標"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("言い換えずに、聞いた言葉のまま書きます。例：「昼夜逆転を直したい」"),
        error_messages={"required": _("目標を入力してください。")},
    )
    planned_supports = forms.CharField(
        label=_("予定する支援"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("誰が、何を、どのくらいの頻度で行うか。"),
    )
    review_on = forms.DateField(
        label=_("見直し予定日"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("見直し予定日を「2025-04-01」の形で入力してください。")},
    )
    agreed_by = forms.CharField(
        label=_("合意した人"),
        required=False,
        max_length=100,
        help_text=_("例：本人、母、本人と父"),
    )
    agreed_on = forms.DateField(
        label=_("合意日"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("合意日を「2025-04-01」の形で入力してください。")},
    )
    informed_by_assessment_id = forms.IntegerField(
        required=False, min_value=1, widget=forms.HiddenInput
    )
    # The number of the version the form was opened with: refuses double and stale submits.
    based_on = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("画面の情報が足りません。画面を読み込み直してから保存してください。"),
            "invalid": _("画面の情報が足りません。画面を読み込み直してから保存してください。"),
            "min_value": _("画面の情報が足りません。画面を読み込み直してから保存してください。"),
        },
    )

    def clean_goals(self) -> str:
        goals = self.cleaned_data["goals"].strip()
        if not goals:
            raise forms.ValidationError(_("目標を入力してください。"))
        return goals

    def clean_agreed_on(self):
        agreed_on = self.cleaned_data.get("agreed_on")
        if agreed_on and agreed_on > timezone.localdate():
            raise forms.ValidationError(_("合意日が未来の日付になっています。"))
        return agreed_on

    def clean(self):
        data = super().clean()
        agreed_by, agreed_on = data.get("agreed_by"), data.get("agreed_on")
        if agreed_by and not agreed_on and "agreed_on" not in self.errors:
            self.add_error("agreed_on", _("合意した日を入力してください。"))
        if agreed_on and not agreed_by:
            self.add_error("agreed_by", _("合意した人を入力してください。"))
        review_on = data.get("review_on")
        if review_on and agreed_on and review_on < agreed_on:
            self.add_error("review_on", _("見直し予定日が合意日より前になっています。"))
        return data

    def plan_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in PLAN_FIELDS} | {
            "planned_supports": self.cleaned_data.get("planned_supports") or "",
            "agreed_by": self.cleaned_data.get("agreed_by") or "",
        }

    @staticmethod
    def initial_from(latest: PlanVersion | None) -> dict:
        if latest is None:
            return {"based_on": 0}
        initial = {name: getattr(latest, name) for name in PLAN_FIELDS}
        initial["based_on"] = latest.number
        # The last version's assessment is not necessarily the one this version builds on.
        initial["informed_by_assessment_id"] = None
        return initial


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label=_("比べる版（前）"), coerce=int)
    b = forms.TypedChoiceField(label=_("比べる版（後）"), coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, _("第%(number)s版") % {"number": n}) for n in numbers]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
        self.fields["a"].error_messages["invalid_choice"] = _("比べる版を一覧から選んでください。")
        self.fields["b"].error_messages["invalid_choice"] = _("比べる版を一覧から選んでください。")
        self.fields["a"].error_messages["required"] = _("比べる版を選んでください。")
        self.fields["b"].error_messages["required"] = _("比べる版を選んでください。")

    def clean(self):
        data = super().clean()
        if data.get("a") is not None and data.get("a") == data.get("b"):
            raise forms.ValidationError(_("違う版を2つ選んでください。"))
        return data


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class HandOverForm(forms.Form):
    """Hand a set of the center's open cases to one worker of the same center."""

    cases = forms.ModelMultipleChoiceField(
        label=_("引き継ぐケース"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("引き継ぐケースを1件以上選んでください。"),
            "invalid_choice": _(
                "選んだケースの一部は引き継げません（終結したか、別のセンターのケースです）。"
                "画面を読み込み直してから選び直してください。"
            ),
            "invalid_pk_value": _("ケースの指定が正しくありません。"),
        },
    )
    to_worker = WorkerChoiceField(
        label=_("新しい主担当"),
        queryset=None,
        empty_label=_("選んでください"),
        error_messages={
            "required": _("新しい主担当を選んでください。"),
            "invalid_choice": _("新しい主担当には、このセンターの支援員を選んでください。"),
        },
    )
    reason = forms.CharField(
        label=_("引継ぎの理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例：担当者の異動のため。記録に残り、新しい担当者にも表示されます。"),
        error_messages={"required": _("引継ぎの理由を入力してください。")},
    )

    def __init__(self, *args, case_queryset, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = case_queryset
        self.fields["to_worker"].queryset = targets

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("引継ぎの理由を入力してください。"))
        return reason

    def clean(self):
        data = super().clean()
        cases, to_worker = data.get("cases"), data.get("to_worker")
        if cases and to_worker and all(c.primary_worker_id == to_worker.pk for c in cases):
            self.add_error("to_worker", _("選んだケースはすべて、すでにこの職員が主担当です。"))
        return data
