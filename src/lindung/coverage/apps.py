from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "lindung.coverage"
    verbose_name = "Cakupan kepesertaan"

    def ready(self) -> None:
        from lindung.coverage import aggregates

        aggregates.connect()
