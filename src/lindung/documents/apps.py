from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "lindung.documents"
    label = "documents"
    verbose_name = "Sertifikat dan kartu"
