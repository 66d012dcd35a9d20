from django.urls import path

from . import views

urlpatterns = [
    path("people/<int:pk>/break-glass/", views.break_glass, name="break-glass"),
    path("access/break-glass/", views.break_glass_log, name="break-glass-log"),
    path("access/medical/", views.medical_access, name="medical-access"),
    path("cases/<int:pk>/team/", views.case_team, name="case-team"),
]
