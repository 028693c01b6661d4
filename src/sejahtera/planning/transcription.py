"""Check that transcribed Renstra values occur in the seed lines they cite.

The seed is PDF text: numbers and words wrap across lines. Removing all whitespace from a
row's cited lines and from each value makes wrapped values comparable. Used by the test
suite and, from the command line, by whoever transcribes a table::

    python -m sejahtera.planning.transcription data/renstra/2025-2029/t432-1.06.01.yaml
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_WS = re.compile(r"\s+")
# Keys whose values are not transcribed text (metadata or our own notes).
_SKIP_KEYS = frozenset(
    {
        "lines",
        "seed_note",
        "level",
        "unit",
        "unit_from",
        "table",
        "period",
        "kind",
        "direction",
        "id",
        "ref",
    }
)


def squash(text: str) -> str:
    return _WS.sub("", text)


@dataclass(frozen=True)
class Mismatch:
    path: str
    lines: tuple[int, int]
    value: str

    def __str__(self) -> str:
        return f"{self.path}: {self.value!r} not in seed lines {self.lines[0]}-{self.lines[1]}"


def _is_row(node: Any) -> bool:
    return isinstance(node, dict) and "lines" in node


def _values(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _SKIP_KEYS or _is_row(value) or f"{key}_parts" in node:
                continue  # metadata, a child row checked against its own lines, or a value
                # split by a page break whose `<key>_parts` are checked instead
            if isinstance(value, list) and any(_is_row(item) for item in value):
                continue
            yield from _values(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _values(item, f"{path}[{index}]")


def _rows(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if "lines" in node:
            yield path, node
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                yield from _rows(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _rows(item, f"{path}[{index}]")


def check(data: Any, seed_lines: list[str]) -> list[Mismatch]:
    """Every string value of every row (a mapping with ``lines``) must occur in its lines."""
    problems: list[Mismatch] = []
    for path, row in _rows(data, "$"):
        first, last = (int(n) for n in row["lines"])
        haystack = squash("".join(seed_lines[first - 1 : last]))
        for value_path, value in _values(row, path):
            if squash(value) and squash(value) not in haystack:
                problems.append(Mismatch(value_path, (first, last), value))
    return problems


SEED = "renstra-dinsos-mojokerto-2025-2029.txt"


def seed_path() -> Path:
    """The vendored copy of the seed under ``data/renstra/seed/``."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "data" / "renstra" / "seed" / SEED
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"data/renstra/seed/{SEED} not found")


def main(argv: list[str]) -> int:
    seed = seed_path().read_text(encoding="utf-8").splitlines()
    failures = 0
    for name in argv:
        data = yaml.safe_load(Path(name).read_text(encoding="utf-8"))
        rows = sum(1 for _ in _rows(data, "$"))
        problems = check(data, seed)
        for problem in problems:
            print(f"{name}: {problem}")
        print(f"{name}: {rows} rows, {len(problems)} problems")
        failures += len(problems)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
