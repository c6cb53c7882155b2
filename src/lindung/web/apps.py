from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lindung.web"
    verbose_name = "Web"

    def ready(self) -> None:
        from lindung.web import coverage_cache

        coverage_cache.connect_signals()  # committed writes retire the dashboard's cached coverage trees
