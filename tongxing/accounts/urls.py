from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.verify, name="otp-verify"),
    path("account/two-factor/", views.setup, name="otp-setup"),
    path("account/two-factor/recovery-codes/", views.recovery_codes, name="otp-recovery-codes"),
    path("account/users/<int:pk>/two-factor/reset/", views.reset_second_factor, name="otp-reset"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
