from django.contrib import admin
from django.urls import include, path

from tongxing.api import api
from tongxing.server.views import healthz
from tongxing.web.views import set_language

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    # Same address and name as Django's switch, which it wraps to remember the choice per user.
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("tongxing.accounts.urls")),
    path("", include("tongxing.privacy.urls")),
    path("", include("tongxing.reports.urls")),
    path("", include("tongxing.outcomes.urls")),
    path("", include("tongxing.projects.urls")),
    path("", include("tongxing.prevention.urls")),
    path("", include("tongxing.setup.urls")),
    path("", include("tongxing.activities.urls")),
    path("", include("tongxing.people.urls")),
    path("", include("tongxing.cases.urls")),
    path("", include("tongxing.jobs.urls")),
    path("", include("tongxing.teams.urls")),
    path("", include("tongxing.appointments.urls")),
    path("", include("tongxing.attachments.urls")),
    path("", include("tongxing.web.urls")),
]
