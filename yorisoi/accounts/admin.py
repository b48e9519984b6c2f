"""Configuration screens: centers, staff and their roles.

Only active users holding the admin role may use the Django admin, and they sign in on our own
login page (so lockout and two-factor apply); the admin's login URL redirects there.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services, views
from .models import Center, Membership, User


def admin_site_has_permission(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_authenticated and user.is_admin)


admin.site.has_permission = admin_site_has_permission
admin.site.login = views.admin_login
# The admin's own "change password" link goes to ours, which asks for re-authentication.
admin.site.password_change = views.admin_password_change


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    fields = ("center", "role", "is_active")
    verbose_name = _("役割")
    verbose_name_plural = _("役割（センターごと）")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "display_name", "is_active", "is_staff", "leaving_on", "last_login")
    list_filter = ("is_active", "is_staff", "memberships__role", "memberships__center")
    search_fields = ("username", "display_name", "last_name", "first_name", "email")
    # Roles replace Django's groups and permissions; the staff flag follows the admin role.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("氏名・連絡先"),
            {"fields": ("display_name", "last_name", "first_name", "email", "language")},
        ),
        (
            _("状態"),
            {"fields": ("is_active", "leaving_on", "is_staff", "last_login", "date_joined")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("is_staff", "last_login", "date_joined")

    def save_model(self, request, obj, form, change):
        # Remember the state before the save, for the audit written once the roles are saved too.
        previous = User.objects.filter(pk=obj.pk).first() if change else None
        request._yorisoi_user_before = (
            services.user_snapshot(previous) if previous else {},
            services.user_roles_snapshot(previous) if previous else [],
            not change,
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before, roles_before, created = getattr(request, "_yorisoi_user_before", ({}, [], False))
        services.user_admin_saved(
            actor=request.user,
            user=form.instance,
            before=before,
            roles_before=roles_before,
            created=created,
        )


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "ward", "no_contact_alert_days", "is_active")
    list_filter = ("is_active", "ward")
    search_fields = ("name", "short_name", "ward")
