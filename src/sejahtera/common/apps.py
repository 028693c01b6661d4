from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "sejahtera.common"
    verbose_name = "Umum"
