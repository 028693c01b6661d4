from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sejahtera.accounts"
    verbose_name = "Akun dan peran"

    def ready(self) -> None:
        from sejahtera.accounts import receivers  # noqa: F401
