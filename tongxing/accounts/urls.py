from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.verify, name="otp-verify"),
    path("account/two-factor/", views.setup, name="otp-setup"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
