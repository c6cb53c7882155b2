from django.apps import AppConfig
from django.core import checks


class DocumentsConfig(AppConfig):
    name = "lindung.documents"
    label = "documents"
    verbose_name = "Sertifikat dan kartu"

    def ready(self) -> None:
        from lindung.preflight import check_public_url

        checks.register(check_public_url)  # the QR codes' address on a real server
