from django.urls import path

from . import views, views_caseload, views_plans

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("intake/", views.intake, name="intake"),
    path("intake/duplicates/", views.intake_duplicates, name="intake_duplicates"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/contacts/new/", views.contact_create, name="contact_create"),
    path(
        "<int:case_id>/contacts/<int:contact_id>/edit/",
        views.contact_edit,
        name="contact_edit",
    ),
    path("<int:case_id>/status/", views.case_status, name="status"),
    path("<int:case_id>/phase/", views.case_phase, name="phase"),
    path("<int:case_id>/assign/", views.case_assign, name="assign"),
    path("<int:case_id>/risk/", views.case_risk, name="risk"),
    path(
        "<int:case_id>/risk/acknowledge/",
        views.case_risk_acknowledge,
        name="risk_acknowledge",
    ),
    path("<int:case_id>/plans/", views_plans.plan_list, name="plan_list"),
    path("<int:case_id>/plans/new/", views_plans.plan_new, name="plan_new"),
    path("<int:case_id>/plans/compare/", views_plans.plan_compare, name="plan_compare"),
    path("<int:case_id>/plans/<int:number>/", views_plans.plan_detail, name="plan_detail"),
    path("manage/", views_caseload.manage, name="manage"),
    path("manage/handover/", views_caseload.manage_handover, name="manage_handover"),
]
