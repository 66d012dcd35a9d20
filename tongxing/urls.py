from django.contrib import admin
from django.urls import include, path

from tongxing.lib.lazy_include import lazy_include
from tongxing.server.views import healthz
from tongxing.web.views import set_language

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # The API (django-ninja, pydantic) is imported by the first request under /api/ or reversal of an api: name,
    # not by every worker at start-up; its app name and namespace are those of api.urls (tests/test_startup.py).
    lazy_include("api/", "tongxing.api", app_name="ninja", namespace="api"),
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
