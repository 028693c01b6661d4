from django.apps import AppConfig


class CemeteriesConfig(AppConfig):
    name = "sejahtera.cemeteries"
    label = "cemeteries"
    verbose_name = "Taman Makam Pahlawan"
