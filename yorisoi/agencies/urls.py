from django.urls import path

from . import views, views_consents, views_network, views_referrals

app_name = "agencies"
urlpatterns = [
    path("", views.agency_list, name="agency_list"),
    path("new/", views.agency_create, name="agency_create"),
    path("<int:agency_id>/", views.agency_detail, name="agency_detail"),
    path("<int:agency_id>/edit/", views.agency_edit, name="agency_edit"),
    path("cases/<int:case_id>/consents/new/", views_consents.consent_create, name="consent_create"),
    path(
        "cases/<int:case_id>/consents/<int:consent_id>/withdraw/",
        views_consents.consent_withdraw,
        name="consent_withdraw",
    ),
    path("cases/<int:case_id>/refer/", views_referrals.referral_create, name="referral_create"),
    path("referrals/", views_referrals.referral_list, name="referral_list"),
    path("referrals/<int:referral_id>/", views_referrals.referral_detail, name="referral_detail"),
    path(
        "referrals/<int:referral_id>/step/",
        views_referrals.referral_transition,
        name="referral_transition",
    ),
    path("referrals/<int:referral_id>/post/", views_referrals.referral_post, name="referral_post"),
    path("consultations/", views_network.consultation_list, name="consultation_list"),
    path("consultations/new/", views_network.consultation_create, name="consultation_create"),
    path("meetings/", views_network.meeting_list, name="meeting_list"),
    path("meetings/new/", views_network.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_id>/", views_network.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/edit/", views_network.meeting_edit, name="meeting_edit"),
    path(
        "meetings/<int:meeting_id>/attendance/",
        views_network.meeting_attendance,
        name="meeting_attendance",
    ),
    path(
        "meetings/<int:meeting_id>/summaries/new/",
        views_network.summary_create,
        name="summary_create",
    ),
    path(
        "meetings/<int:meeting_id>/summaries/<int:summary_id>/",
        views_network.summary_edit,
        name="summary_edit",
    ),
    path("trainings/", views_network.training_attendance, name="training_attendance"),
]
