from django.urls import path

from . import views

urlpatterns = [
    path("prevention/", views.index, name="prevention"),
    path("prevention/<str:unit>/", views.statistics, name="prevention-statistics"),
    path("prevention/<str:unit>/export.<str:fmt>", views.export, name="prevention-export"),
    path("prevention/<str:unit>/hotline/", views.hotline, name="prevention-hotline"),
    path("prevention/<str:unit>/lectures/", views.lectures, name="prevention-lectures"),
    path("prevention/<str:unit>/lectures/<int:pk>/", views.lecture, name="prevention-lecture"),
    path("prevention/<str:unit>/records/<str:figure>/", views.records, name="prevention-records"),
]
