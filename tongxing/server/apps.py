from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(using="default", verbosity=1, **kwargs):
    """The database cache's table, made by every `migrate` (Django leaves it to createcachetable)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class ServerConfig(AppConfig):
    name = "tongxing.server"
    verbose_name = "server"

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="tongxing-cache-table")
