from django.urls import path

from . import views

urlpatterns = [
    path("outcomes/instruments/", views.instrument_list, name="outcomes-instruments"),
    path("outcomes/instruments/new/", views.instrument_create, name="outcomes-instrument-new"),
    path("outcomes/instruments/<int:pk>/", views.instrument_detail, name="outcomes-instrument"),
    path("outcomes/forms/", views.administration_list, name="outcomes-forms"),
    path("outcomes/forms/new/", views.administration_new, name="outcomes-entry"),
    path("outcomes/forms/new/people/", views.people_search, name="outcomes-people"),
    path("outcomes/forms/new/grid/", views.answer_grid, name="outcomes-grid"),
    path("outcomes/forms/<int:pk>/", views.administration_detail, name="outcomes-form"),
    path("outcomes/alerts/<int:pk>/acknowledge/", views.risk_alert_acknowledge, name="risk-alert-acknowledge"),
]
