from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "lindung.intake"
    verbose_name = "Impor daftar pekerja"
