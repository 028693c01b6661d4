from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sejahtera.reports"
    verbose_name = "Laporan dan dasbor"
