"""Per-app hooks found by module name: an app may have `reference.py` with
`load(*, stdout) -> None` (its reference data) and `demo.py` with `load(*, stdout) -> None`
(its demo data). The commands `load_reference` and `demo` run them in INSTALLED_APPS order,
so a new app joins both by adding the module."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> Iterator[ModuleType]:
    for config in apps.get_app_configs():
        if not config.name.startswith("sejahtera."):
            continue
        dotted = f"{config.name}.{name}"
        if importlib.util.find_spec(dotted) is not None:
            yield importlib.import_module(dotted)
