"""Forms of the agencies app. Views pass cleaned_data to the services."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yorisoi.cases.models import Method
from yorisoi.people.forms import DateInput
from yorisoi.people.models import ConsentMethod, InfoKind

from .models import Agency, Meeting, MeetingKind, ReferralKind

# A consent recorded today runs, unless the form says otherwise, for this long.
DEFAULT_CONSENT_DAYS = 365


def new_token() -> str:
    return secrets.token_urlsafe(24)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class TokenForm(forms.Form):
    submission_token = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["submission_token"].initial = new_token()


# --- agencies ----------------------------------------------------------------------------------


class AgencyForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Agency
        fields = [
            "name",
            "kind",
            "address",
            "phone",
            "email",
            "contact_person",
            "contacts_note",
            "liaison_channel",
            "referral_needs",
            "liaison_agreed_on",
            "note",
            "is_active",
        ]
        widgets = {
            "liaison_agreed_on": DateInput(),
            "contacts_note": forms.Textarea(attrs={"rows": 2}),
            "referral_needs": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# --- consents ----------------------------------------------------------------------------------


class ConsentForm(TokenForm):
    """同意の記録: who agreed, to share what with whom, for what, from when until when, how."""

    given_by = forms.ChoiceField(label=_("同意した人"))
    recipient = forms.ChoiceField(label=_("提供先"))
    kinds = forms.MultipleChoiceField(
        label=_("提供してよい情報"),
        choices=InfoKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(
        label=_("目的"),
        max_length=300,
        help_text=_("例：就労支援の利用を始めるため、主治医と支援方針を共有するため。"),
    )
    starts_on = forms.DateField(label=_("開始日"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("終了日"),
        widget=DateInput(),
        help_text=_("同意が有効な最後の日です。期間が過ぎたら、改めて本人に確認します。"),
    )
    method = forms.ChoiceField(
        label=_("同意の方法"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    witness_name = forms.CharField(
        label=_("立会人"),
        max_length=100,
        required=False,
        help_text=_("口頭での同意のときは必ず記入します（その場に立ち会った職員などの氏名）。"),
    )
    note = forms.CharField(
        label=_("メモ"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, members=(), agencies=(), centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        self.fields["given_by"].choices = [("self", _("本人"))] + [
            (str(m.pk), str(m)) for m in members
        ]
        agency_choices = [(f"agency:{a.pk}", str(a)) for a in agencies]
        center_choices = [(f"center:{c.pk}", str(c)) for c in centers]
        choices = [("", "—"), (_("関係機関"), agency_choices)]
        if center_choices:
            choices.append((_("ほかのセンター（引継ぎ）"), center_choices))
        self.fields["recipient"].choices = choices
        self.agencies = {str(a.pk): a for a in agencies}
        self.centers = {str(c.pk): c for c in centers}
        if not self.is_bound:
            today = timezone.localdate()
            self.fields["starts_on"].initial = today
            self.fields["ends_on"].initial = today + timedelta(days=DEFAULT_CONSENT_DAYS)
            self.fields["method"].initial = ConsentMethod.SIGNED_FORM

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on",
                _(
                    "終了日が開始日より前になっています。開始日と同じ日か、それより後の日付を"
                    "入力してください。"
                ),
            )
        if (
            data.get("method") == ConsentMethod.VERBAL
            and not (data.get("witness_name") or "").strip()
        ):
            self.add_error(
                "witness_name", _("口頭での同意には、立ち会った人の氏名を入力してください。")
            )
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        kind, _sep, pk = (data["recipient"] or "").partition(":")
        return {
            "given_by_member": self.members.get(data["given_by"]),
            "agency": self.agencies.get(pk) if kind == "agency" else None,
            "recipient_center": self.centers.get(pk) if kind == "center" else None,
            "kinds": list(data["kinds"]),
            "purpose": data["purpose"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "method": data["method"],
            "witness_name": data["witness_name"],
            "note": data["note"],
        }


class ConsentWithdrawForm(forms.Form):
    withdrawal_reason = forms.CharField(
        label=_("撤回の内容"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("誰から、どのように撤回の申し出があったか。例：本人から電話で撤回の申し出。"),
    )


# --- referrals ---------------------------------------------------------------------------------


class ReferralForm(TokenForm):
    kind = forms.ChoiceField(
        label=_("種類"),
        choices=ReferralKind.choices,
        widget=forms.RadioSelect,
        initial=ReferralKind.REFERRAL,
    )
    agency = forms.ModelChoiceField(
        label=_("紹介先の機関"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("関係機関への紹介・共同支援のときに選びます。"),
    )
    to_center = forms.ChoiceField(
        label=_("引継ぎ先のセンター"),
        required=False,
        help_text=_(
            "他のセンターへの引継ぎのときに選びます。受理されると、ケースはそのセンターに移ります。"
        ),
    )
    shared_kinds = forms.MultipleChoiceField(
        label=_("提供する情報"),
        choices=InfoKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("同意のある情報だけを選べます。紹介先には、同意が有効な間だけ表示されます。"),
    )
    request = forms.CharField(
        label=_("依頼内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("紹介先にお願いしたいこと。例：就労体験の受け入れについてのご相談。"),
    )
    summary = forms.CharField(
        label=_("本人の状況（相談の概要）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("「相談の概要」の提供に同意がある場合だけ、紹介先に表示されます。"),
    )
    emergency_reason = forms.CharField(
        label=_("同意がないまま進める緊急の理由（センター長・管理者のみ）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "生命や身体の安全のためなど、同意を得る時間がない緊急の場合だけ記入します。"
            "理由は記録され、監査ログに残ります。"
        ),
    )

    def __init__(self, *args, agencies=None, centers=(), can_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()
        self.centers = {str(c.pk): c for c in centers}
        self.fields["to_center"].choices = [("", "—")] + [(str(c.pk), str(c)) for c in centers]
        if not centers:
            del self.fields["to_center"]
            self.fields["kind"].choices = [
                c for c in ReferralKind.choices if c[0] != ReferralKind.HANDOVER
            ]
        if not can_override:
            del self.fields["emergency_reason"]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ReferralKind.HANDOVER and not data.get("to_center"):
            self.add_error("to_center", _("引継ぎ先のセンターを選んでください。"))
        if kind in (ReferralKind.REFERRAL, ReferralKind.JOINT) and not data.get("agency"):
            self.add_error("agency", _("紹介先の機関を選んでください。"))
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        handover = data["kind"] == ReferralKind.HANDOVER
        return {
            "kind": data["kind"],
            "agency": None if handover else data.get("agency"),
            "to_center": self.centers.get(data.get("to_center") or "") if handover else None,
            "shared_kinds": list(data["shared_kinds"]),
            "request": data["request"],
            "summary": data.get("summary") or "",
            "emergency_reason": data.get("emergency_reason") or "",
        }


class TransitionForm(forms.Form):
    """One step of a referral. Each step's form on the page has its own prefix (step-<to>);
    the step itself travels as the unprefixed field `step`."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    emergency_reason = forms.CharField(
        label=_("同意がないまま進める緊急の理由（センター長・管理者のみ）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    new_primary_worker = forms.ChoiceField(
        label=_("引継ぎ後の主担当"),
        required=False,
        help_text=_("空欄のままにすると、担当者のいないケースとして受け入れます。"),
    )

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {str(u.pk): u for u in staff}
        self.fields["new_primary_worker"].choices = [("", "—")] + [
            (str(u.pk), str(u)) for u in staff
        ]

    def worker(self):
        return self.staff.get(self.cleaned_data.get("new_primary_worker") or "")


class ProgressForm(forms.Form):
    text = forms.CharField(
        label=_("経過の内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("紹介元・紹介先の双方に表示されます。"),
    )


# --- agency consultations ----------------------------------------------------------------------


class ConsultationForm(TokenForm):
    agency = forms.ModelChoiceField(label=_("相談してきた機関"), queryset=Agency.objects.none())
    consulter_detail = forms.CharField(label=_("機関の担当者"), max_length=100, required=False)
    center = forms.TypedChoiceField(label=_("センター"), coerce=int, choices=())
    occurred_at = forms.DateTimeField(
        label=_("日時"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("空欄なら今の日時で記録します。"),
    )
    method = forms.ChoiceField(label=_("相談方法"), choices=Method.choices)
    duration_minutes = forms.IntegerField(
        label=_("所要時間（分）"), required=False, min_value=0, max_value=24 * 60
    )
    case_id = forms.IntegerField(
        label=_("ケース番号（分かる場合）"),
        required=False,
        min_value=1,
        help_text=_(
            "センターが支援している方についての相談なら、そのケース番号を入力します。"
            "センターが会ったことのない方についての相談なら空欄のままにします。"
        ),
    )
    summary = forms.CharField(label=_("件名"), max_length=200)
    note = forms.CharField(
        label=_("相談の内容"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    follow_up = forms.CharField(
        label=_("助言・今後の対応"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, centers=(), agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        centers = list(centers)
        self.fields["center"].choices = [(c.pk, str(c)) for c in centers]
        if len(centers) == 1:
            self.fields["center"].widget = forms.HiddenInput()
            self.fields["center"].initial = centers[0].pk
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()
        if not self.is_bound:
            self.fields["occurred_at"].initial = timezone.localtime().replace(
                second=0, microsecond=0
            )
            self.fields["method"].initial = Method.PHONE

    def clean_occurred_at(self):
        when = self.cleaned_data.get("occurred_at") or timezone.now()
        if when > timezone.now() + timedelta(hours=1):
            raise forms.ValidationError(_("未来の日時の相談は記録できません。"))
        return when


# --- meetings ----------------------------------------------------------------------------------


class MeetingForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submission_token = forms.CharField(max_length=64, widget=forms.HiddenInput, required=False)
    agencies = forms.ModelMultipleChoiceField(
        label=_("出席した機関"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    staff = forms.ModelMultipleChoiceField(
        label=_("出席した職員"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    center = forms.ModelChoiceField(label=_("主催センター"), queryset=None)

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "center",
            "held_on",
            "starts_at",
            "is_online",
            "place",
            "is_stress_care",
            "agenda",
            "minutes",
            "follow_up",
            "other_attendees",
        ]
        widgets = {
            "held_on": DateInput(),
            "starts_at": TimeInput(),
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "minutes": _(
                "個人が特定される情報（氏名・住所・日付など）は書かないでください。"
                "事例の内容は「事例の要約」で共有します。"
            ),
        }

    def __init__(self, *args, centers=None, agencies=None, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers
        self.fields["agencies"].queryset = agencies
        self.fields["staff"].queryset = staff
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version
            self.fields["agencies"].initial = [a.agency_id for a in self.instance.attendances.all()]
            self.fields["staff"].initial = [u.pk for u in self.instance.attending_staff.all()]
        if not self.instance.pk and not self.is_bound:
            self.fields["submission_token"].initial = new_token()
            self.fields["held_on"].initial = timezone.localdate()
            self.fields["kind"].initial = MeetingKind.COUNCIL
            if centers is not None and len(centers) == 1:
                self.fields["center"].initial = centers[0].pk

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SummaryCreateForm(forms.Form):
    case_id = forms.IntegerField(
        label=_("ケース番号"),
        min_value=1,
        help_text=_(
            "要約を作るケースの番号。あなたが記録を書き込めるケースから、匿名化した下書きを作ります。"
        ),
    )
    title = forms.CharField(
        label=_("事例の呼び名"),
        max_length=100,
        required=False,
        help_text=_("空欄なら「事例A」のように付けます。本人を連想させる呼び名は避けてください。"),
    )


class SummaryEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(label=_("事例の呼び名"), max_length=100)
    text = forms.CharField(
        label=_("事例の要約"),
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_(
            "共有する前に全文を読み、個人が特定される情報がないか確認してください。"
            "氏名・よみ・電話番号・住所・日付などが残っていると共有できません。"
        ),
    )


class AttendanceForm(forms.Form):
    """Attendee numbers per attending agency: one integer field per agency."""

    def __init__(self, *args, attendances=(), **kwargs):
        super().__init__(*args, **kwargs)
        for row in attendances:
            self.fields[f"agency_{row.agency_id}"] = forms.IntegerField(
                label=str(row.agency), min_value=1, max_value=999, initial=row.attendees
            )

    def counts(self) -> dict[int, int]:
        return {
            int(name.removeprefix("agency_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("agency_")
        }
