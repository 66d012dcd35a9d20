from django.urls import path

from . import views

urlpatterns = [
    path("privacy/people/<int:pk>/", views.privacy, name="privacy-person"),
    path("privacy/people/<int:pk>/consents/<int:consent_pk>/revoke/", views.revoke, name="privacy-revoke"),
    path("privacy/people/<int:pk>/disclosures/", views.disclosure_history, name="privacy-disclosures"),
]
