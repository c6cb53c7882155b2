from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lindung.web"
    verbose_name = "Web"
