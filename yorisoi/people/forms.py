"""Forms for persons and household members. Every identifying field is optional."""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AgeBand, HouseholdMember, Person, Sex

# Hiragana, katakana (with ー and ・), half-width katakana, and spaces.
_KANA_RE = re.compile(r"^[\u3041-\u309f\u30a0-\u30ff\uff65-\uff9f\s\u3000]*$")
_PHONE_RE = re.compile(r"^[0-9+()\-\s]*$")


def clean_kana(value: str) -> str:
    """Accept hiragana or katakana (full or half width); store full width, trimmed."""
    value = (value or "").strip()
    if not _KANA_RE.match(value):
        raise forms.ValidationError(
            _("よみは、ひらがなかカタカナで入力してください。"), code="not_kana"
        )
    return unicodedata.normalize("NFKC", value).strip()


def clean_phone(value: str) -> str:
    value = unicodedata.normalize("NFKC", value or "").strip()
    value = value.replace("ー", "-").replace("－", "-")
    if not _PHONE_RE.match(value):
        raise forms.ValidationError(
            _("電話番号は数字とハイフンで入力してください（例：090-1234-5678）。"),
            code="bad_phone",
        )
    if value and sum(ch.isdigit() for ch in value) < 5:
        raise forms.ValidationError(
            _("電話番号の桁数が足りません。分かる範囲で全体を入力してください。"),
            code="short_phone",
        )
    return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


PERSON_FORM_FIELDS = [
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "nickname",
    "birth_date",
    "age_band",
    "sex",
    "ward",
    "phone",
    "email",
    "address",
    "contact_preferences",
]


class PersonForm(forms.ModelForm):
    """The person's identifying details. Nothing is required: many first contacts are
    anonymous or come from a family member who does not give the person's name."""

    class Meta:
        model = Person
        fields = PERSON_FORM_FIELDS
        widgets = {
            "birth_date": DateInput(),
            "address": forms.Textarea(attrs={"rows": 2}),
            "contact_preferences": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["age_band"].initial = self.fields["age_band"].initial or AgeBand.UNKNOWN
        self.fields["sex"].initial = self.fields["sex"].initial or Sex.UNANSWERED
        self.fields["family_name_kana"].widget.attrs.setdefault("lang", "ja")
        self.fields["given_name_kana"].widget.attrs.setdefault("lang", "ja")

    def clean_family_name_kana(self) -> str:
        return clean_kana(self.cleaned_data.get("family_name_kana", ""))

    def clean_given_name_kana(self) -> str:
        return clean_kana(self.cleaned_data.get("given_name_kana", ""))

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_age_band(self) -> str:
        return self.cleaned_data.get("age_band") or AgeBand.UNKNOWN

    def clean_sex(self) -> str:
        return self.cleaned_data.get("sex") or Sex.UNANSWERED


class PersonEditForm(PersonForm):
    """PersonForm with the version the user opened, so a stale save can be refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = True
        if self.instance and self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version


class HouseholdMemberForm(forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = ["relationship", "name", "age", "lives_together", "phone", "note"]
        widgets = {
            "age": forms.NumberInput(attrs={"min": 0, "max": 120, "inputmode": "numeric"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "age": _(
                "分かる範囲で。今日の時点の年齢として記録し、その後は自動で加算して表示します。"
            ),
        }

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_age(self):
        age = self.cleaned_data.get("age")
        if age is not None and age > 120:
            raise forms.ValidationError(_("年齢を確認してください（0〜120）。"), code="bad_age")
        return age
