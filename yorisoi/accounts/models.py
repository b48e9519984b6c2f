from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("システム管理者")
    MANAGER = "manager", _("センター長・管理者")
    WORKER = "worker", _("支援員")
    PEER = "peer", _("ピアサポーター・支援サポーター")
    PARTNER = "partner", _("関係機関職員")
    ANALYST = "analyst", _("政策担当")


class Language(models.TextChoices):
    """Languages of the screens and of mail; each named in itself, as on the language switch."""

    JA = "ja", "日本語"
    EN = "en", "English"


# Roles that hold case content and so must use two-factor sign-in when it is required.
ROLES_REQUIRING_2FA = {Role.ADMIN, Role.MANAGER, Role.WORKER}
# Roles whose membership names no center: admin and analyst act on all centers; a partner
# belongs to an agency, not to a center.
ROLES_WITHOUT_CENTER = {Role.ADMIN, Role.ANALYST, Role.PARTNER}
# App labels whose Django admin screens the admin role may use: configuration, never case
# content (admins reach that only through break-glass). A higher app with configuration models
# may add its label here in its AppConfig.ready().
# django_tasks_database: the background tasks, read-only, so failed mail can be seen.
ADMIN_ROLE_APP_LABELS = {"accounts", "axes", "otp_totp", "otp_static", "django_tasks_database"}


class Center(models.Model):
    """A ひきこもり地域支援センター or other site that runs Yorisoi."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    short_name = models.CharField(_("略称"), max_length=50, blank=True)
    ward = models.CharField(_("区"), max_length=50, blank=True)
    address = models.CharField(_("所在地"), max_length=300, blank=True)
    phone = models.CharField(_("電話番号"), max_length=50, blank=True)
    no_contact_alert_days = models.PositiveIntegerField(
        _("連絡が途絶えたとみなす日数"),
        default=30,
        help_text=_("この日数、相談・対応記録がない継続中のケースを注意として表示します。"),
    )
    is_active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("センター")
        verbose_name_plural = _("センター")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    """A staff account. Roles are held per center through Membership."""

    AUDIT_REDACT = ("password",)

    display_name = models.CharField(_("表示名"), max_length=100, blank=True)
    language = models.CharField(
        _("メールの言語"),
        max_length=8,
        blank=True,
        choices=Language.choices,
        help_text=_(
            "お知らせメールを書く言語です。空欄なら日本語です。"
            "画面の言語を切り替えると、それに合わせて変わります。"
        ),
    )
    leaving_on = models.DateField(
        _("退職・異動予定日"),
        null=True,
        blank=True,
        help_text=_("設定すると、管理者画面でこの職員の担当ケースが引継ぎ対象として表示されます。"),
    )

    class Meta:
        verbose_name = _("職員")
        verbose_name_plural = _("職員")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @cached_property
    def memberships_cached(self) -> list[Membership]:
        if not self.pk or not self.is_active:
            return []
        return list(self.memberships.select_related("center").filter(is_active=True))

    def roles(self) -> set[str]:
        return {m.role for m in self.memberships_cached}

    def has_role(self, *roles: str, center: Center | int | None = None) -> bool:
        center_id = center.pk if isinstance(center, Center) else center
        for m in self.memberships_cached:
            if m.role not in roles:
                continue
            if center_id is None or m.center_id is None or m.center_id == center_id:
                return True
        return False

    def center_ids_with(self, *roles: str) -> set[int]:
        """Ids of centers where this user holds one of `roles` (center-wide roles: all)."""
        ids: set[int] = set()
        for m in self.memberships_cached:
            if m.role in roles:
                if m.center_id is None:
                    return set(Center.objects.values_list("id", flat=True))
                ids.add(m.center_id)
        return ids

    def centers_with(self, *roles: str) -> models.QuerySet[Center]:
        return Center.objects.filter(id__in=self.center_ids_with(*roles))

    def is_manager_of(self, center: Center | int) -> bool:
        center_id = center.pk if isinstance(center, Center) else center
        return any(
            m.role == Role.MANAGER and m.center_id == center_id for m in self.memberships_cached
        )

    @property
    def requires_2fa(self) -> bool:
        return bool(self.roles() & {r.value for r in ROLES_REQUIRING_2FA})

    @property
    def is_admin(self) -> bool:
        """Holds the active admin role: may use the Django admin for configuration."""
        return self.is_active and self.has_role(Role.ADMIN)

    # The admin role carries the permissions of the configuration screens, so permissions
    # follow the role and never drift from it; anything else needs an explicit permission.
    def has_perm(self, perm: str, obj=None) -> bool:
        if perm.split(".", 1)[0] in ADMIN_ROLE_APP_LABELS and self.is_admin:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if app_label in ADMIN_ROLE_APP_LABELS and self.is_admin:
            return True
        return super().has_module_perms(app_label)

    @property
    def label(self) -> str:
        return str(self)


class Membership(models.Model):
    """One role of one user at one center (or, for center-wide roles, at none)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("職員")
    )
    center = models.ForeignKey(
        Center,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("センター"),
    )
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("役割の割当")
        verbose_name_plural = _("役割の割当")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "center", "role"], name="membership_unique_role_per_center"
            ),
        ]

    def __str__(self) -> str:
        where = self.center or _("全体")
        return f"{self.user} / {where} / {self.get_role_display()}"

    def clean(self) -> None:
        if self.role in ROLES_WITHOUT_CENTER and self.role != Role.ADMIN and self.center_id:
            raise ValidationError({"center": _("この役割にはセンターを指定しません。")})
        if self.role not in ROLES_WITHOUT_CENTER and not self.center_id:
            raise ValidationError({"center": _("この役割にはセンターの指定が必要です。")})


class UserSession(models.Model):
    """A signed-in browser session, so staff can see and end their other sessions.

    Created at login, touched at most once a minute by SessionLifetimeMiddleware, deleted at
    logout or when ended from the security page (which deletes Django's session row too).
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="user_sessions", verbose_name=_("職員")
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("ログイン日時"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("最後の操作"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)
    user_agent = models.CharField(_("ブラウザ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ログイン中の端末")
        verbose_name_plural = _("ログイン中の端末")
        ordering = ["-last_seen_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def browser_label(self) -> str:
        from .useragent import describe

        return describe(self.user_agent)
