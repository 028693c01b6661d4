from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "sejahtera.planning"
    verbose_name = "Renstra"
