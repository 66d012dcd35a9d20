from django.apps import AppConfig


class SetupConfig(AppConfig):
    """The centre's set-up in the product's own pages: agreed levels, projects, KPIs, pre-release institutions,
    users and the unit itself, for supervisors and organisation administrators (no Django admin)."""

    name = "tongxing.setup"
    label = "setup"
    default_auto_field = "django.db.models.BigAutoField"
