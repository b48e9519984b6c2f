from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "ユーザー名またはパスワードが正しくありません。入力し直してください。"
            "何度か間違えると、しばらくログインできなくなります。"
        ),
        "inactive": _("このアカウントは利用停止中です。センターの管理者に連絡してください。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("ユーザー名")
        self.fields["password"].label = _("パスワード")


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(
            {
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        )
        return attrs


class OtpVerifyForm(forms.Form):
    code = CodeField(
        label=_("確認コード"),
        help_text=_(
            "認証アプリに表示されている6桁の数字を入力してください。"
            "スマートフォンが手元にないときは、リカバリーコード（8文字）も使えます。"
        ),
        error_messages={"required": _("確認コードを入力してください。")},
    )


class TotpConfirmForm(forms.Form):
    code = CodeField(
        label=_("認証アプリに表示された6桁の数字"),
        help_text=_("数字は30秒ごとに変わります。今表示されているものを入力してください。"),
        error_messages={"required": _("6桁の数字を入力してください。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class ReauthForm(forms.Form):
    """Re-enter the password before a security change. Failures count towards the lockout."""

    password = forms.CharField(
        label=_("パスワード"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
        error_messages={"required": _("パスワードを入力してください。")},
    )

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        authenticated = authenticate(self.request, username=user.get_username(), password=password)
        if authenticated is None or authenticated.pk != user.pk:
            raise forms.ValidationError(
                _(
                    "パスワードが正しくありません。入力し直してください。"
                    "何度か間違えると、しばらくログインできなくなります。"
                ),
                code="invalid",
            )
        return password


class PasswordChangeForm(SetPasswordForm):
    """A new password, twice, checked by Django's validators (the old one was just re-entered)."""

    error_messages = {
        "password_mismatch": _("2つの欄のパスワードが一致しません。同じものを入力してください。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("新しいパスワード")
        self.fields["new_password2"].label = _("新しいパスワード（確認のためもう一度）")
        self.fields["new_password2"].help_text = _("確認のため、同じパスワードを入力してください。")
        self.fields["new_password1"].widget.attrs["autofocus"] = True
        for name in ("new_password1", "new_password2"):
            self.fields[name].error_messages["required"] = _("新しいパスワードを入力してください。")
