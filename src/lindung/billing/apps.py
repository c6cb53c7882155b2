from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "lindung.billing"
    verbose_name = "Tagihan iuran"
