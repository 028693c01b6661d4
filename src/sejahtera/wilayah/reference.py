from __future__ import annotations

from typing import TextIO

from sejahtera.wilayah.services import load_wilayah


def load(*, stdout: TextIO) -> None:
    report = load_wilayah(actor=None)
    stdout.write(
        f"Wilayah {report.version}: {report.counts}; ditambah {sum(report.added.values())}, "
        f"berubah {sum(report.changed.values())}\n"
    )
