from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "sejahtera.partners"
    label = "partners"
    verbose_name = "Mitra (PSKS dan LKS)"
