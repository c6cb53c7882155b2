from django.apps import AppConfig


class ReconcileConfig(AppConfig):
    name = "lindung.reconcile"
    label = "reconcile"
    verbose_name = "Rekonsiliasi data"
