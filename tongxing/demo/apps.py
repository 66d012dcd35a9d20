from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tongxing.demo"
