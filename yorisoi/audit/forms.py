from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Action

REASON_MIN_LENGTH = 10


class DateInput(forms.DateInput):
    input_type = "date"


class LogFilterForm(forms.Form):
    actor = forms.CharField(
        label=_("操作者"),
        required=False,
        max_length=150,
        help_text=_("ユーザー名または表示名の一部で絞り込みます。"),
    )
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("すべて")), *Action.choices]
    )
    center = forms.TypedChoiceField(
        label=_("センター"), required=False, coerce=int, empty_value=None
    )
    date_from = forms.DateField(label=_("開始日"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("終了日"), required=False, widget=DateInput)

    def __init__(self, *args, centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].choices = [("", _("すべて")), *((c.pk, str(c)) for c in centers)]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("終了日は開始日と同じか、それより後の日付にしてください。"))
        return data

    def to_filter(self) -> selectors.LogFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.LogFilter(
            actor=(data.get("actor") or "").strip(),
            action=data.get("action") or "",
            center_id=data.get("center"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class BreakGlassForm(forms.Form):
    object_type = forms.ChoiceField(label=_("対象の種類"), choices=[("cases.case", _("ケース"))])
    object_id = forms.IntegerField(
        label=_("対象ID"),
        min_value=1,
        error_messages={
            "required": _("対象のIDを入力してください。"),
            "invalid": _("対象のIDは数字で入力してください。"),
            "min_value": _("対象のIDは1以上の数字で入力してください。"),
        },
    )
    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "なぜ今この記録を見る必要があるのかを具体的に書いてください（10文字以上）。"
            "理由は監査ログに残り、センター長が確認できます。"
        ),
        error_messages={"required": _("理由を入力してください。")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < REASON_MIN_LENGTH:
            raise forms.ValidationError(
                _("理由は%(min)d文字以上で、具体的に入力してください。"),
                code="min_length",
                params={"min": REASON_MIN_LENGTH},
            )
        return reason

    def clean(self):
        data = super().clean()
        object_type, object_id = data.get("object_type"), data.get("object_id")
        if (
            object_type
            and object_id
            and not selectors.object_exists(object_type=object_type, object_id=str(object_id))
        ):
            self.add_error("object_id", _("このIDの対象は見つかりません。IDを確かめてください。"))
        return data
