"""Forms for intake, contacts and case changes. Views pass cleaned_data to the services."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yorisoi.people.forms import DateInput, PersonForm
from yorisoi.people.models import HouseholdMember, Relationship

from .models import (
    OPEN_STATUSES,
    Case,
    ClosureReason,
    Consulter,
    Contact,
    HeardVia,
    Method,
    Phase,
    Status,
)

# Days until the next planned contact that the intake form suggests.
DEFAULT_NEXT_CONTACT_DAYS = 7


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class IntakePersonForm(PersonForm):
    """What is known of the person at the first call. All optional."""

    class Meta(PersonForm.Meta):
        fields = [
            "family_name_kana",
            "given_name_kana",
            "family_name",
            "given_name",
            "nickname",
            "birth_date",
            "age_band",
            "sex",
            "ward",
            "phone",
        ]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "person")
        super().__init__(*args, **kwargs)


class IntakeForm(forms.Form):
    """The quick entry after a phone call. Only method and consulter are required; the rest
    has defaults (now, 電話, 家族/母) or may stay empty."""

    method = forms.ChoiceField(label=_("相談方法"), choices=Method.choices, initial=Method.PHONE)
    occurred_at = forms.DateTimeField(
        label=_("日時"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("空欄なら今の日時で記録します。"),
    )
    duration_minutes = forms.IntegerField(
        label=_("所要時間（分）"),
        required=False,
        min_value=0,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    consulter = forms.ChoiceField(
        label=_("相談者"), choices=Consulter.choices, initial=Consulter.FAMILY
    )
    consulter_relationship = forms.ChoiceField(
        label=_("相談した家族の続柄"),
        choices=[("", "—"), *Relationship.choices],
        required=False,
        initial=Relationship.MOTHER,
        help_text=_("相談者が家族のときに選びます。"),
    )
    consulter_name = forms.CharField(
        label=_("相談した家族のお名前・呼び名"), max_length=100, required=False
    )
    consulter_age = forms.IntegerField(
        label=_("相談した家族の年齢"),
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("分かれば。8050世帯の判定に使います。"),
    )
    consulter_detail = forms.CharField(
        label=_("相談者の詳細"),
        max_length=200,
        required=False,
        help_text=_("機関名など。"),
    )
    heard_via = forms.ChoiceField(
        label=_("センターを知ったきっかけ"),
        choices=[("", "—"), *HeardVia.choices],
        required=False,
    )
    summary = forms.CharField(
        label=_("件名"),
        max_length=200,
        required=False,
        help_text=_("一覧に表示される短い要約です。例：息子が8年間自室から出ない"),
    )
    note = forms.CharField(
        label=_("記録"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    follow_up = forms.CharField(
        label=_("今後の対応"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_contact_on = forms.DateField(
        label=_("次回対応予定日"),
        required=False,
        widget=DateInput(),
        help_text=_("途切れない支援のため、次に連絡する日を決めておきましょう。"),
    )
    person_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    submission_token = forms.CharField(max_length=64, widget=forms.HiddenInput)
    center = forms.TypedChoiceField(label=_("センター"), coerce=int, choices=())

    def __init__(self, *args, centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        centers = list(centers)
        self.fields["center"].choices = [(c.pk, str(c)) for c in centers]
        if len(centers) == 1:
            self.fields["center"].widget = forms.HiddenInput()
            self.fields["center"].initial = centers[0].pk
        if not self.is_bound:
            self.fields["occurred_at"].initial = _now_minute()
            self.fields["next_contact_on"].initial = timezone.localdate() + timedelta(
                days=DEFAULT_NEXT_CONTACT_DAYS
            )
            self.fields["submission_token"].initial = new_token()
        self.fields["method"].widget.attrs["autofocus"] = True

    def clean_occurred_at(self):
        when = self.cleaned_data.get("occurred_at")
        return when or timezone.now()

    def clean(self):
        data = super().clean()
        when, next_on = data.get("occurred_at"), data.get("next_contact_on")
        if when and next_on and next_on < timezone.localtime(when).date():
            self.add_error(
                "next_contact_on",
                _("次回対応予定日が、この対応の日付より前になっています。"),
            )
        if when and when > timezone.now() + timedelta(hours=1):
            self.add_error("occurred_at", _("未来の日時の対応は記録できません。"))
        return data


class ContactForm(forms.ModelForm):
    """A contact on an existing case. Model validation (dates) runs on is_valid()."""

    workers = forms.ModelMultipleChoiceField(
        label=_("対応者"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("空欄なら記録した職員が対応者になります。"),
    )

    class Meta:
        model = Contact
        fields = [
            "occurred_at",
            "duration_minutes",
            "method",
            "consulter",
            "consulter_member",
            "consulter_detail",
            "workers",
            "summary",
            "note",
            "follow_up",
            "next_contact_on",
        ]
        widgets = {
            "occurred_at": DateTimeLocalInput(),
            "next_contact_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 6}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
            "duration_minutes": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        help_texts = {
            "next_contact_on": _("途切れない支援のため、次に連絡する日を決めておきましょう。"),
        }

    def __init__(self, *args, members=(), staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        member_field = self.fields["consulter_member"]
        member_field.queryset = HouseholdMember.objects.filter(pk__in=[m.pk for m in members])
        member_field.label = _("相談した家族")
        member_field.empty_label = "—"
        self.fields["workers"].queryset = staff
        self.fields["occurred_at"].required = False
        if not self.instance.pk and not self.is_bound:
            self.initial["occurred_at"] = _now_minute()
            self.initial["method"] = self.initial.get("method") or Method.PHONE
            self.initial["consulter"] = self.initial.get("consulter") or Consulter.FAMILY
        self.fields["method"].widget.attrs["autofocus"] = True

    def clean_occurred_at(self):
        return self.cleaned_data.get("occurred_at") or timezone.now()

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "workers"}


class ContactCreateForm(ContactForm):
    submission_token = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["submission_token"].initial = new_token()


class ContactEditForm(ContactForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version
            self.fields["workers"].initial = list(self.instance.workers.all())


class VersionedCaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        if not self.is_bound:
            self.fields["version"].initial = case.version


class StatusForm(VersionedCaseForm):
    status = forms.ChoiceField(label=_("新しい状況"), choices=Status.choices)
    closure_reason = forms.ChoiceField(
        label=_("終結理由"),
        choices=[("", "—"), *ClosureReason.choices],
        required=False,
        help_text=_("「終結」を選んだときに必須です。"),
    )
    on = forms.DateField(label=_("変更日"), widget=DateInput(), required=False)
    reason = forms.CharField(
        label=_("理由・メモ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("終結から再開するときは必須です。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["on"].initial = timezone.localdate()
            if self.case.status == Status.CLOSED:
                self.fields["status"].initial = Status.SUPPORT
            else:
                following = OPEN_STATUSES.index(self.case.status) + 1
                statuses = [*OPEN_STATUSES, Status.CLOSED]
                self.fields["status"].initial = statuses[min(following, len(statuses) - 1)]

    def clean(self):
        data = super().clean()
        if data.get("status") == Status.CLOSED and not data.get("closure_reason"):
            self.add_error("closure_reason", _("終結にするには終結理由を選んでください。"))
        return data


class PhaseForm(VersionedCaseForm):
    phase = forms.ChoiceField(label=_("新しい支援段階"), choices=Phase.choices)
    on = forms.DateField(label=_("変更日"), widget=DateInput(), required=False)
    reason = forms.CharField(
        label=_("理由・メモ"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["on"].initial = timezone.localdate()
            self.fields["phase"].initial = self.case.phase


class AssignForm(VersionedCaseForm):
    primary_worker = forms.ModelChoiceField(label=_("主担当"), queryset=None, empty_label="—")
    secondary_workers = forms.ModelMultipleChoiceField(
        label=_("副担当"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("副担当もこのケースに記録を書き込めます。"),
    )
    reason = forms.CharField(
        label=_("理由・引継ぎメモ"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary_worker"].queryset = staff
        self.fields["secondary_workers"].queryset = staff
        if not self.is_bound:
            self.fields["primary_worker"].initial = self.case.primary_worker_id
            self.fields["secondary_workers"].initial = [
                w.pk for w in self.case.secondary_workers.all()
            ]


class RiskForm(VersionedCaseForm):
    risk_self_harm = forms.BooleanField(label=_("自傷・希死念慮"), required=False)
    risk_violence = forms.BooleanField(label=_("家庭内の暴力"), required=False)
    risk_abuse = forms.BooleanField(label=_("虐待"), required=False)
    risk_no_medical = forms.BooleanField(label=_("医療につながっていない"), required=False)
    risk_note = forms.CharField(
        label=_("リスクの詳細"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("暗号化して保存します。"),
    )

    FLAGS = ("risk_self_harm", "risk_violence", "risk_abuse", "risk_no_medical")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            for name in (*self.FLAGS, "risk_note"):
                self.fields[name].initial = getattr(self.case, name)


class CaseFilterForm(forms.Form):
    """The filters of the case list (GET). Every field optional."""

    q = forms.CharField(
        label=_("よみ・氏名・呼び名"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "lang": "ja"}),
    )
    status = forms.ChoiceField(
        label=_("状況"),
        required=False,
        choices=[("", _("すべて")), ("open", _("継続中（終結以外）")), *Status.choices],
    )
    phase = forms.ChoiceField(
        label=_("支援段階"), required=False, choices=[("", _("すべて")), *Phase.choices]
    )
    worker = forms.ChoiceField(label=_("担当"), required=False, choices=())
    risk = forms.ChoiceField(
        label=_("リスク"),
        required=False,
        choices=[
            ("", _("すべて")),
            ("any", _("いずれかのリスクあり")),
            ("self_harm", _("自傷・希死念慮")),
            ("violence", _("家庭内の暴力")),
            ("abuse", _("虐待")),
            ("no_medical", _("医療につながっていない")),
        ],
    )
    overdue = forms.BooleanField(label=_("予定日を過ぎたケースのみ"), required=False)
    center = forms.TypedChoiceField(
        label=_("センター"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args, staff=(), centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [
            ("", _("すべて")),
            ("me", _("自分の担当")),
            ("none", _("主担当なし")),
            *[(str(u.pk), str(u)) for u in staff],
        ]
        centers = list(centers)
        self.fields["center"].choices = [("", _("すべて")), *[(c.pk, str(c)) for c in centers]]
        if len(centers) < 2:
            del self.fields["center"]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}
