from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tongxing.accounts"
    verbose_name = _("帳戶與權限 Accounts and access")
