from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("imports/", views.import_page, name="import"),
    path("jobs/<int:pk>/", views.job_page, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="progress"),
    path("jobs/<int:pk>/result", views.job_result, name="result"),
    path("reports/fsa/<str:unit>/<int:fy>/pdf-job", views.annual_pdf, name="annual-pdf"),
]
