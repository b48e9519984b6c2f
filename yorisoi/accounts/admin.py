from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Center, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    fields = ("center", "role", "is_active")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "display_name", "is_active", "leaving_on", "last_login")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Yorisoi", {"fields": ("display_name", "leaving_on")}),
    )


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "ward", "no_contact_alert_days", "is_active")
