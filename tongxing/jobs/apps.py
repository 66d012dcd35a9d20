from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "tongxing.jobs"
    verbose_name = "background jobs"
