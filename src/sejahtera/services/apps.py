from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "sejahtera.services"
    label = "services"
    verbose_name = "Layanan dan pengaduan"
