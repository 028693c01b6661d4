from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "sejahtera.jobs"
    verbose_name = "Pekerjaan latar"
