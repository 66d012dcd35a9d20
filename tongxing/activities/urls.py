from django.urls import path

from . import referral_views, views

app_name = "activities"

urlpatterns = [
    path("activities/", views.activity_list, name="list"),
    path("activities/new/", views.activity_new, name="new"),
    path("activities/new/<slug:profile>/", views.activity_new, name="new-kind"),
    path("activities/<int:pk>/", views.activity_detail, name="detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="edit"),
    path("activities/people/search/", views.people_search, name="people-search"),
    path("activities/people/<int:pk>/pick/", views.people_pick, name="people-pick"),
    path("activities/groups/", views.group_list, name="groups"),
    path("activities/groups/new/", views.group_new, name="group-new"),
    path("activities/groups/<int:pk>/", views.group_detail, name="group"),
    path("activities/sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("activities/medical/assessments/", views.assessment_list, name="assessments"),
    path("activities/medical/assessments/new/", views.assessment_new, name="assessment-new"),
    path("referrals/", referral_views.referral_list, name="referrals"),
    path("referrals/new/", referral_views.referral_new, name="referral-new"),
    path("referrals/<int:pk>/", referral_views.referral_detail, name="referral"),
    path("referrals/<int:pk>/consent/", referral_views.referral_consent, name="referral-consent"),
]
