from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("appointments/", views.agenda, name="agenda"),
    path("appointments/new/", views.appointment_new, name="new"),
    path("appointments/<int:pk>/", views.appointment_edit, name="edit"),
    path("appointments/<int:pk>/close/", views.appointment_close, name="close"),
    path("appointments/<int:pk>/log/", views.appointment_log, name="log"),
]
