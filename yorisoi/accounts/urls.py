from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.YorisoiLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("otp/", views.otp_verify, name="otp"),
    path("reauth/", views.reauth, name="reauth"),
    path("2fa/", views.two_factor, name="two_factor"),
    path("2fa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "2fa/recovery-codes/regenerate/",
        views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path("2fa/remove/", views.two_factor_remove, name="two_factor_remove"),
    path("security/", views.security, name="security"),
    path("password/", views.password_change, name="password_change"),
    path("sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
]
