from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("imports/", views.import_page, name="import"),
    path("jobs/<int:pk>/", views.job_page, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="progress"),
]
