from django.apps import AppConfig


class WilayahConfig(AppConfig):
    name = "sejahtera.wilayah"
    verbose_name = "Wilayah"
