from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "sejahtera.programs"
    verbose_name = "Program bantuan"
