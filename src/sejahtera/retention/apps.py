from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "sejahtera.retention"
    verbose_name = "Retensi data"
