from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "ユーザー名またはパスワードが正しくありません。入力し直してください。"
            "何度か間違えると、しばらくログインできなくなります。"
        ),
        "inactive": _("このアカウントは利用停止中です。センターの管理者に連絡してください。"),
    }
