from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "lindung.registry"
    verbose_name = "Registri"

    def ready(self) -> None:
        from lindung.registry import versions

        versions.connect_signals()  # committed writes retire the cached coverage trees and in-memory rosters
