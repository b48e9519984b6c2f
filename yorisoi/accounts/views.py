from __future__ import annotations

import math
from functools import wraps

import django_otp
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from django_otp.plugins.otp_static.models import StaticDevice

from . import notices, selectors, services
from .forms import OtpVerifyForm, PasswordChangeForm, ReauthForm, SignInForm, TotpConfirmForm
from .models import Language
from .session_state import (
    ENROL,
    SESSION_NEW_RECOVERY_CODES,
    VERIFY,
    is_verified,
    mark_reauthenticated,
    reauth_is_fresh,
    reauth_minutes,
    safe_next,
    set_has_device,
    two_factor_step,
    url_with_next,
)
from .twofactor import (
    base32_secret,
    confirmed_totp,
    format_recovery_code,
    qr_svg,
    recovery_codes_left,
    user_has_device,
)


def reauth_required(return_to: str | None = None):
    """The password must have been entered in the last few minutes (sudo mode).

    A GET comes back to the same address afterwards; a POST-only action comes back to the
    page named by `return_to`, where the user presses the button again.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if reauth_is_fresh(request):
                return view(request, *args, **kwargs)
            if request.method == "GET" or return_to is None:
                back = request.get_full_path()
            else:
                back = reverse(return_to)
            return redirect(url_with_next("accounts:reauth", back))

        return wrapped

    return decorator


# --- sign-in and sign-out -------------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")  # as Django's LoginView, said here too
class YorisoiLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["idle_minutes"] = settings.YORISOI_IDLE_TIMEOUT_MINUTES
        return context

    def form_valid(self, form):
        response = super().form_valid(form)  # Django gives the session a new id here
        mark_reauthenticated(self.request)  # the password was just entered
        step = two_factor_step(self.request)
        if step == VERIFY:
            response = redirect(url_with_next("accounts:otp", self.get_success_url()))
        elif step == ENROL:
            response = redirect(url_with_next("accounts:two_factor", self.get_success_url()))
        # The password alone is news worth a mail from a new browser, second factor or not.
        notices.sign_in_notice(request=self.request, user=form.get_user(), response=response)
        return response


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None, *args, **kwargs
) -> HttpResponse:
    """django-axes calls this when a username and address are locked out."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


# Open to strangers: a session that has already ended (idle timeout, ended from another browser)
# still gets the login page when its user presses the sign-out button.
@login_not_required
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        logout(request)
        messages.info(request, _("ログアウトしました。おつかれさまでした。"))
        return redirect("accounts:login")
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return render(request, "accounts/logout.html")


# --- two-factor -----------------------------------------------------------------------------


def verified_if_enrolled(view):
    """Changing an enrolled second factor needs a session that has verified it.

    The middleware already asks for the code when the session knows of a device; this covers a
    device enrolled from another browser after this session signed in.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not is_verified(request) and user_has_device(request.user):
            set_has_device(request, True)
            return redirect(url_with_next("accounts:otp", reverse("accounts:two_factor")))
        return view(request, *args, **kwargs)

    return wrapped


@never_cache
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    user = request.user
    if is_verified(request):
        return redirect(next_url)
    if not user_has_device(user):
        # Removed meanwhile (in another session): nothing to verify against.
        set_has_device(request, False)
        return redirect(next_url)
    form = OtpVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "リカバリーコードでログインしました。使ったコードはもう使えません（残り%(count)d個）。",
                        "リカバリーコードでログインしました。使ったコードはもう使えません（残り%(count)d個）。",
                        left,
                    )
                    % {"count": left}
                    + (
                        _("残りが少なくなっています。二要素認証の画面で作り直してください。")
                        if left <= 3
                        else ""
                    ),
                )
            return redirect(next_url)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
@verified_if_enrolled
@reauth_required()
def two_factor(request: HttpRequest) -> HttpResponse:
    """Status of two-factor sign-in, or its set-up when nothing is enrolled yet."""
    user = request.user
    next_url = safe_next(request, default=reverse("accounts:security"))
    required = settings.YORISOI_REQUIRE_2FA and user.requires_2fa
    if confirmed_totp(user) is not None:
        return render(
            request,
            "accounts/two_factor.html",
            {"enabled": True, "required": required, "codes_left": recovery_codes_left(user)},
        )
    device = services.totp_enrolment_start(user=user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrolment_confirm(
                user=user, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            django_otp.login(request, device)
            set_has_device(request, True)
            request.session[SESSION_NEW_RECOVERY_CODES] = codes
            messages.success(
                request,
                _("二要素認証を設定しました。次回からログインのときに確認コードを入力します。"),
            )
            return redirect(url_with_next("accounts:recovery_codes", next_url))
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": False,
            "required": required,
            "form": form,
            "next": next_url,
            "qr_svg": qr_svg(device, title=_("認証アプリで読み取るQRコード")),
            "secret": base32_secret(device),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown exactly once (they leave the session as they are shown)."""
    codes = request.session.pop(SESSION_NEW_RECOVERY_CODES, None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": [format_recovery_code(c) for c in codes] if codes else None,
            "codes_left": recovery_codes_left(request.user),
            "has_device": user_has_device(request.user),
            "next": safe_next(request, default=reverse("accounts:security")),
        },
    )


@login_required  # first, so a signed-out visitor is sent to the login page
@require_POST
@verified_if_enrolled
@reauth_required(return_to="accounts:two_factor")
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    try:
        codes = services.recovery_codes_regenerate(user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("accounts:two_factor")
    request.session[SESSION_NEW_RECOVERY_CODES] = codes
    messages.success(request, _("新しいリカバリーコードを作りました。前のコードはもう使えません。"))
    return redirect("accounts:recovery_codes")


@login_required  # first, so a signed-out visitor is sent to the login page
@require_POST
@verified_if_enrolled
@reauth_required(return_to="accounts:two_factor")
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    services.two_factor_remove(user=request.user)
    set_has_device(request, False)
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    if settings.YORISOI_REQUIRE_2FA and request.user.requires_2fa:
        messages.warning(
            request,
            _(
                "二要素認証を解除しました。あなたの役割では必須のため、続けて新しく設定してください。"
            ),
        )
        return redirect("accounts:two_factor")
    messages.success(request, _("二要素認証を解除しました。"))
    return redirect("accounts:security")


# --- re-authentication, password, sessions ----------------------------------------------------


@never_cache
@login_required
def reauth(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, default=reverse("accounts:security"))
    form = ReauthForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        mark_reauthenticated(request)
        return redirect(next_url)
    return render(
        request,
        "accounts/reauth.html",
        {"form": form, "next": next_url, "minutes": reauth_minutes()},
    )


@never_cache
@login_required
@reauth_required()
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        ended = services.password_change(
            request=request, user=request.user, new_password=form.cleaned_data["new_password1"]
        )
        message = _("パスワードを変更しました。")
        if ended:
            message += ngettext(
                "ほかの端末（%(count)d台）はログアウトしました。",
                "ほかの端末（%(count)d台）はログアウトしました。",
                ended,
            ) % {"count": ended}
        messages.success(request, message)
        return redirect("accounts:security")
    return render(request, "accounts/password_change.html", {"form": form})


@never_cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "sessions": list(selectors.user_sessions_active(user=user)),
            "current_key": request.session.session_key,
            "two_factor_enabled": confirmed_totp(user) is not None,
            "two_factor_required": settings.YORISOI_REQUIRE_2FA and user.requires_2fa,
            "codes_left": recovery_codes_left(user),
            "memberships": user.memberships_cached,
        },
    )


@login_required  # first, so a signed-out visitor is sent to the login page
@require_POST
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    user_session = selectors.user_session_get(user=request.user, session_id=pk)
    if user_session.session_key == request.session.session_key:
        logout(request)
        messages.info(request, _("この端末からログアウトしました。"))
        return redirect("accounts:login")
    services.user_session_end(user=request.user, user_session=user_session)
    message = _("選んだ端末をログアウトさせました。")
    if request.htmx:
        return render(request, "accounts/_session_ended.html", {"message": message})
    messages.success(request, message)
    return redirect("accounts:security")


@login_required  # first, so a signed-out visitor is sent to the login page
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    count = services.user_sessions_end_others(
        user=request.user, current_session_key=request.session.session_key
    )
    if count:
        messages.success(
            request,
            ngettext(
                "ほかの端末（%(count)d台）をログアウトさせました。",
                "ほかの端末（%(count)d台）をログアウトさせました。",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("ほかにログイン中の端末はありませんでした。"))
    return redirect("accounts:security")


# --- Django admin -----------------------------------------------------------------------------


@login_not_required
def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin site's own login page, replaced: sign-in (with lockout and 2FA) happens on ours."""
    user = request.user
    if user.is_authenticated:
        if user.is_admin:
            return redirect(safe_next(request, default=reverse("admin:index")))
        return render(request, "accounts/admin_denied.html", status=403)
    return redirect(url_with_next("accounts:login", safe_next(request, reverse("admin:index"))))


def admin_password_change(request: HttpRequest, extra_context=None) -> HttpResponse:
    return redirect("accounts:password_change")


# --- language -----------------------------------------------------------------------------


@login_not_required  # the login page has the switch too
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a signed-in user's mail follows the language they choose."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and two_factor_step(request) is None
        and language in Language.values
    ):
        services.user_language_set(user=request.user, language=language)
    return response
