from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.center_log, name="center_log"),
    path("object/<str:object_type>/<str:object_id>/", views.object_log, name="object_log"),
    path("break-glass/", views.break_glass, name="break_glass"),
]
