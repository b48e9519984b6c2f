from django.contrib import admin
from django.urls import include, path

from yorisoi.accounts.views import set_language

admin.site.site_header = "Yorisoi"
admin.site.site_title = "Yorisoi"

urlpatterns = [
    path("", include("yorisoi.core.urls")),
    path("accounts/", include("yorisoi.accounts.urls")),
    path("audit/", include("yorisoi.audit.urls")),
    path("people/", include("yorisoi.people.urls")),
    path("cases/", include("yorisoi.cases.urls")),
    path("agencies/", include("yorisoi.agencies.urls")),
    path("assessments/", include("yorisoi.assessments.urls")),
    path("reports/", include("yorisoi.reports.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

# A database outage can surface in a middleware (sessions, session lifetime) before any view runs,
# where DatabaseUnavailableMiddleware cannot catch it; the 500 handler turns it into the calm 503.
handler500 = "yorisoi.core.views.server_error"
