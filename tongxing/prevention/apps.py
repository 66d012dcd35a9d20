from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "tongxing.prevention"
