from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "sejahtera.registry"
    verbose_name = "Registri sosial"
