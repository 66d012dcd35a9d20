from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tongxing.accounts"
    verbose_name = _("Accounts and access")

    def ready(self):
        from django.contrib import admin

        # The set-up pages serve supervisors and administrators within their scope; the Django admin, which
        # knows no unit or organisation, is for superusers only (whatever is_staff or permissions say).
        admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
