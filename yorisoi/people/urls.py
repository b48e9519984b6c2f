from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("<int:person_id>/", views.detail, name="detail"),
    path("<int:person_id>/edit/", views.edit, name="edit"),
    path("<int:person_id>/household/", views.household, name="household"),
    path(
        "<int:person_id>/household/<int:member_id>/edit/",
        views.member_edit,
        name="member_edit",
    ),
    path(
        "<int:person_id>/household/<int:member_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
]
