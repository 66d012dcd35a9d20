from django.urls import path

from . import views

urlpatterns = [
    path("people/<int:pk>/attachments/", views.attach_to_person, name="person-attach"),
    path("cases/<int:pk>/attachments/", views.attach_to_case, name="case-attach"),
    path("referrals/<int:pk>/attachments/", views.attach_to_referral, name="referral-attach"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment-remove"),
]
