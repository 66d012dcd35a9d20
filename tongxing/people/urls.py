from django.urls import path

from . import views

urlpatterns = [
    path("people/", views.person_list, name="person-list"),
    path("people/new/", views.person_new, name="person-new"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/drug-use/", views.person_drug_use, name="person-drug-use"),
    path("people/<int:pk>/children/", views.person_child, name="person-child"),
    path("people/<int:pk>/merge/", views.person_merge, name="person-merge"),
]
