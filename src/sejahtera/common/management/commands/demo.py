"""`sejahtera demo`: prepare the demo database and run the web app with its task worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from sejahtera.common.db import refresh_statistics
from sejahtera.common.plugins import app_modules


class Command(BaseCommand):
    help = (
        "Siapkan data demo (rujukan, akun, populasi) lalu jalankan aplikasi web dan pekerja tugas."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve", action="store_true", help="Hanya siapkan data, jangan jalankan server."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Basis data siap.")
        call_command("load_reference", stdout=self.stdout)
        for module in app_modules("demo"):
            module.load(stdout=self.stdout)
        refresh_statistics()
        call_command("collectstatic", interactive=False, verbosity=0)
        if options["no_serve"]:
            self._banner(options, serving=False)
            return
        self._serve(options)

    def _banner(self, options: dict[str, Any], serving: bool) -> None:
        from sejahtera.accounts.demo import DEMO_PASSWORD, describe

        url = f"http://{options['host']}:{options['port']}/"
        lines = ["", "=" * 72]
        if serving:
            lines.append(f"Sejahtera berjalan di {url}   (hentikan dengan Ctrl+C)")
        lines.append(f"Akun demo (kata sandi semuanya: {DEMO_PASSWORD}):")
        for username, role, areas in describe():
            lines.append(f"  {username:<10} {role:<45} {areas}")
        lines.append(f"Dokumentasi API: {url}api/docs")
        if serving and not os.environ.get("SEJAHTERA_2FA_ROLES"):
            lines.append(
                "Demo: verifikasi dua langkah wajib untuk administrator dimatikan "
                "(SEJAHTERA_2FA_ROLES); pengguna tetap dapat memasangnya sendiri."
            )
        lines.append("=" * 72)
        self.stdout.write("\n".join(lines))

    def _serve(self, options: dict[str, Any]) -> None:
        env = dict(os.environ)
        # The demo's accounts open with the printed password only; a real installation asks
        # administrators for a second factor (SEJAHTERA_2FA_ROLES).
        env.setdefault("SEJAHTERA_2FA_ROLES", "")
        bind = f"{options['host']}:{options['port']}"
        processes = [
            subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "sejahtera.config.wsgi",
                    "--bind",
                    bind,
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--access-logfile",
                    "-",
                ],
                env=env,
            ),
            subprocess.Popen(
                [sys.executable, "-m", "sejahtera", "db_worker", "--interval", "1"], env=env
            ),
        ]
        time.sleep(1.5)
        self._banner(options, serving=True)

        def stop(*_args: Any) -> None:
            for proc in processes:
                if proc.poll() is None:
                    proc.terminate()
            for proc in processes:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
            raise SystemExit(0)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while all(proc.poll() is None for proc in processes):
            time.sleep(1)
        stop()
