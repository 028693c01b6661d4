from django.apps import AppConfig


class DisastersConfig(AppConfig):
    name = "sejahtera.disasters"
    label = "disasters"
    verbose_name = "Bencana"
