from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sejahtera.audit"
    verbose_name = "Jejak audit"
