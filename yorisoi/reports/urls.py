from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("cases/", views.drilldown, name="drilldown"),
    path("export/<str:kind>/", views.export, name="export"),
    path("commentary/", views.commentary_edit, name="commentary"),
    path("targets/", views.targets, name="targets"),
    path("targets/new/", views.target_create, name="target_create"),
    path("targets/<int:target_id>/edit/", views.target_edit, name="target_edit"),
    path("targets/<int:target_id>/delete/", views.target_delete, name="target_delete"),
    path("external/", views.external_figures, name="external_figures"),
    path("external/<int:figure_id>/edit/", views.external_figure_edit, name="external_figure_edit"),
]
