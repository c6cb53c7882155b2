from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lindung.demo"
    verbose_name = "Demo"
