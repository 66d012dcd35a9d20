from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("tongxing.reports.urls")),
    path("", include("tongxing.outcomes.urls")),
    path("", include("tongxing.projects.urls")),
    path("", include("tongxing.prevention.urls")),
    path("", include("tongxing.web.urls")),
]
