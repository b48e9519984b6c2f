from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("case/<int:case_id>/", views.case_history, name="case"),
    path("case/<int:case_id>/new/", views.assessment_new, name="new"),
    path("<int:assessment_id>/", views.assessment_detail, name="detail"),
    path("<int:assessment_id>/edit/", views.assessment_edit, name="edit"),
    path("risk/<int:case_id>/acknowledge/", views.risk_acknowledge, name="risk_acknowledge"),
    path("definitions/", views.definition_list, name="definitions"),
    path("definitions/<int:definition_id>/", views.definition_detail, name="definition"),
    path(
        "definitions/<int:definition_id>/active/",
        views.definition_toggle,
        name="definition_toggle",
    ),
    path("settings/", views.instrument_settings, name="settings"),
    path("vocabulary/", views.vocabulary_list, name="vocabulary"),
    path("vocabulary/<int:term_id>/", views.vocabulary_edit, name="vocabulary_edit"),
]
