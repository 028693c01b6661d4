"""Load test users for `bench/bench_load.py` (locust). Four kinds of user share the app:

- village operators (signed in, one desa each): search by NIK and by name, open households,
  look at their home page;
- office heads (signed in, whole district): the home page, the Renstra dashboard and the
  programme statistics;
- citizens (anonymous, each on its own address behind the proxy): the public aid check, a
  few times each, as a person checking their family would;
- one abuser (anonymous, one address): the public check as fast as it can; every request
  past the limit must be refused with 429, which the test counts as the expected answer.

The sample of NIKs, names, households and accounts comes from the JSON file that
bench_load.py writes (LOAD_SAMPLE)."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path
from typing import Any

from locust import HttpUser, between, constant, task

SAMPLE: dict[str, Any] = json.loads(Path(os.environ["LOAD_SAMPLE"]).read_text(encoding="utf-8"))
PASSWORD = SAMPLE["password"]
LIMIT = int(SAMPLE["public_limit"])
_desa_accounts = itertools.cycle(SAMPLE["desa"])
_office_accounts = itertools.cycle(SAMPLE["office"])
_addresses = itertools.count(1)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _new_address() -> str:
    n = next(_addresses)
    return f"10.{SAMPLE['run']}.{(n >> 8) & 255}.{n & 255}"


class _SignedIn(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def sign_in(self, username: str) -> None:
        page = self.client.get("/akun/masuk/", name="masuk (form)")
        match = _CSRF.search(page.text)
        token = match.group(1) if match else ""
        with self.client.post(
            "/akun/masuk/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"X-Forwarded-For": self.address},
            name="masuk",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"masuk gagal: {response.status_code}")

    def get(self, path: str, name: str) -> None:
        self.client.get(path, name=name, headers={"X-Forwarded-For": self.address})


class DesaOperator(_SignedIn):
    weight = 6

    def on_start(self) -> None:
        self.address = _new_address()
        self.account = next(_desa_accounts)
        self.sign_in(self.account["username"])

    @task(3)
    def search_nik(self) -> None:
        self.get(f"/registri/penduduk/?q={random.choice(self.account['niks'])}", "cari NIK")

    @task(3)
    def search_name(self) -> None:
        self.get(f"/registri/penduduk/?q={random.choice(self.account['names'])}", "cari nama")

    @task(3)
    def household(self) -> None:
        self.get(f"/registri/keluarga/{random.choice(self.account['households'])}/", "keluarga")

    @task(1)
    def home(self) -> None:
        self.get("/", "beranda (desa)")


class OfficeHead(_SignedIn):
    weight = 2

    def on_start(self) -> None:
        self.address = _new_address()
        self.sign_in(next(_office_accounts))

    @task(2)
    def home(self) -> None:
        self.get("/", "beranda (kantor)")

    @task(1)
    def renstra(self) -> None:
        self.get("/renstra/", "dasbor Renstra")

    @task(1)
    def statistics(self) -> None:
        self.get("/program/statistik/", "statistik program")


class Citizen(HttpUser):
    """A person checking their family: a handful of queries from one phone, then another
    person on another phone (address), so no citizen reaches the limit."""

    weight = 2
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.address = _new_address()
        self.done = 0

    @task
    def check(self) -> None:
        if self.done >= max(1, LIMIT // 2):
            self.address, self.done = _new_address(), 0
        person = random.choice(SAMPLE["public"])
        self.done += 1
        self.client.get(
            "/cek-bansos/",
            params={"desa": person["desa"], "name": person["name"]},
            headers={"X-Forwarded-For": self.address},
            name="cek bansos",
        )


class Abuser(HttpUser):
    """One client hammering the public check: the first LIMIT queries are answered, every
    later one must be refused (429). Anything else is a failure."""

    fixed_count = 1
    wait_time = constant(0.5)

    def on_start(self) -> None:
        self.address = f"192.0.2.{SAMPLE['run']}"
        self.sent = 0

    @task
    def check(self) -> None:
        person = random.choice(SAMPLE["public"])
        self.sent += 1
        expected = 200 if self.sent <= LIMIT else 429
        with self.client.get(
            "/cek-bansos/",
            params={"desa": person["desa"], "name": person["name"]},
            headers={"X-Forwarded-For": self.address},
            name=f"cek bansos berlebih ({'dijawab' if expected == 200 else 'ditolak 429'})",
            catch_response=True,
        ) as response:
            if response.status_code == expected:
                response.success()
            else:
                response.failure(f"diharapkan {expected}, didapat {response.status_code}")
