from django.urls import path

from . import views

urlpatterns = [
    path("reports/deidentified/<str:unit>.json", views.deidentified_export, name="deidentified-export"),
    path("reports/organisation/<int:fy>/", views.organisation_page, name="organisation-year"),
    path("reports/fsa/", views.fsa_index, name="fsa-report"),
    path("reports/fsa/<str:unit>/<int:fy>/", views.fsa_page, name="fsa-page"),
    path("reports/fsa/<str:unit>/<int:fy>/export.<str:fmt>", views.fsa_export, name="fsa-export"),
    path("reports/fsa/<str:unit>/<int:fy>/<str:code>/", views.fsa_drilldown, name="fsa-drilldown"),
]
