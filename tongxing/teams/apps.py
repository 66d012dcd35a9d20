from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "tongxing.teams"
    verbose_name = _("Case teams and access")
