from django.urls import path

from . import views

urlpatterns = [
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:pk>/", views.project_dashboard, name="project"),
    path("projects/<int:pk>/outputs/<int:indicator>/manual/", views.manual_figure, name="project-manual"),
    path("projects/<int:pk>/participants/", views.participants, name="project-participants"),
    path("projects/<int:pk>/participants/<int:enrolment>/", views.enrolment_edit, name="project-enrolment"),
    path("projects/<int:pk>/report.<str:fmt>", views.project_export, name="project-export"),
    path("projects/<int:pk>/<str:kind>/<int:indicator>/records/", views.indicator_drilldown,
         name="project-drilldown"),
]
