"""The agency registry in the Django admin (configuration an admin may keep): agencies and
which partner accounts work for them. Referrals, consultations and meetings hold or touch
personal data and are never registered here."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from yorisoi.accounts.models import Role, User

from .models import Agency, AgencyStaff


class AgencyStaffForm(forms.ModelForm):
    class Meta:
        model = AgencyStaff
        fields = ("user", "agency", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            self.fields["user"].queryset = (
                User.objects.filter(memberships__role=Role.PARTNER, memberships__is_active=True)
                .distinct()
                .order_by("username")
            )


class AgencyStaffInline(admin.TabularInline):
    model = AgencyStaff
    form = AgencyStaffForm
    extra = 1
    fields = ("user", "is_active")
    verbose_name = _("関係機関の職員")
    verbose_name_plural = _("関係機関の職員（役割「関係機関職員」のアカウント）")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    inlines = [AgencyStaffInline]
    list_display = ("name", "kind", "liaison_channel", "liaison_agreed_on", "is_active")
    list_filter = ("kind", "is_active", "liaison_channel")
    search_fields = ("name", "contact_person")


@admin.register(AgencyStaff)
class AgencyStaffAdmin(admin.ModelAdmin):
    form = AgencyStaffForm
    list_display = ("user", "agency", "is_active")
    list_filter = ("agency", "is_active")
    search_fields = ("user__username", "user__display_name", "agency__name")
