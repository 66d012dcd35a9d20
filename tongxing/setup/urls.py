from django.urls import path

from . import views

urlpatterns = [
    path("setup/", views.index, name="setup"),
    path("setup/<str:code>/levels/", views.agreed_levels_now, name="setup-levels-now"),
    path("setup/<str:code>/levels/<int:fy>/", views.agreed_levels, name="setup-levels"),
    path("setup/<str:code>/projects/", views.projects, name="setup-projects"),
    path("setup/<str:code>/projects/new/", views.project_new, name="setup-project-new"),
    path("setup/projects/<int:pk>/", views.project, name="setup-project"),
    path("setup/projects/<int:pk>/programmes/new/", views.programme, name="setup-programme-new"),
    path("setup/projects/<int:pk>/programmes/<int:part>/", views.programme, name="setup-programme"),
    path("setup/projects/<int:pk>/outputs/new/", views.output, name="setup-output-new"),
    path("setup/projects/<int:pk>/outputs/<int:part>/", views.output, name="setup-output"),
    path("setup/projects/<int:pk>/outcomes/new/", views.outcome, name="setup-outcome-new"),
    path("setup/projects/<int:pk>/outcomes/<int:part>/", views.outcome, name="setup-outcome"),
    path("setup/<str:code>/kpis/", views.kpis, name="setup-kpis"),
    path("setup/<str:code>/kpis/new/", views.kpi, name="setup-kpi-new"),
    path("setup/<str:code>/kpis/<int:pk>/", views.kpi, name="setup-kpi"),
    path("setup/<str:code>/prerelease/", views.prerelease, name="setup-prerelease"),
    path("setup/<str:code>/institutions/new/", views.institution, name="setup-institution-new"),
    path("setup/<str:code>/institutions/<int:pk>/", views.institution, name="setup-institution"),
    path("setup/<str:code>/prerelease/new/", views.prerelease_session, name="setup-session-new"),
    path("setup/<str:code>/prerelease/<int:pk>/", views.prerelease_session, name="setup-session"),
    path("setup/<str:code>/unit/", views.unit_page, name="setup-unit"),
    path("setup/<str:code>/users/", views.users, name="setup-users"),
    path("setup/<str:code>/users/new/", views.user, name="setup-user-new"),
    path("setup/<str:code>/users/<int:pk>/", views.user, name="setup-user"),
    path("setup/<str:code>/import/", views.sheet_import, name="setup-import"),
    path("setup/templates/<str:kind>.<str:fmt>", views.sheet_template, name="setup-template"),
]
