from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "sejahtera.linkage"
    label = "linkage"
    verbose_name = "Kualitas data dan pencocokan"
