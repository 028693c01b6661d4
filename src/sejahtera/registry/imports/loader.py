"""Importing a list into the registry, all or nothing.

1. Rows stream from the file through `rows.Cleaner` into a temporary staging table
   (`stage.py`). Memory stays constant.
2. Checks that need the whole file (a NIK twice, a KK in two desa, two heads in one KK) are
   single SQL statements over the staging table.
3. If any row failed, nothing is written and the rows come back with their reasons.
4. Otherwise the staging table is merged into the registry in one transaction (`merge.py`),
   touching only what differs, so importing the same file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.scoping import area_codes
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.registry.imports.layout import FIELD_KEYS, REQUIRED, FileFormatError, TableFile
from sejahtera.registry.imports.merge import STAGE, Sql, merge
from sejahtera.registry.imports.report import ImportFailed, ImportReport
from sejahtera.registry.imports.rows import Cleaner
from sejahtera.registry.imports.stage import ErrorSink, ProgressFn, stage, whole_file_checks
from sejahtera.wilayah.models import Level, Wilayah

__all__ = ["ImportFailed", "ImportReport", "check_mapping", "import_registry_file"]


def _area_codes(actor: Any) -> tuple[str, ...]:
    """The actor's areas; the system (a command without a user) has the office's area."""
    return area_codes(actor) if actor is not None else (settings.OFFICE_WILAYAH_CODE,)


def _in_areas(codes: tuple[str, ...]) -> Callable[[str], bool]:
    def allowed(desa: str) -> bool:
        return any(desa == c or desa.startswith(c + ".") for c in codes)

    return allowed


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_mapping(mapping: dict[str, str], headers: list[str]) -> list[str]:
    """Problems with a column mapping (field → header), in words; empty when usable."""
    problems = []
    for key in REQUIRED:
        if not mapping.get(key):
            problems.append(_("Kolom untuk %(field)s wajib dipilih.") % {"field": key})
    used: dict[str, str] = {}
    for key, header in mapping.items():
        if not header:
            continue
        if key not in FIELD_KEYS:
            problems.append(_("Kolom tujuan %(field)s tidak dikenal.") % {"field": key})
        elif header not in headers:
            problems.append(_("Kolom %(header)s tidak ada di berkas.") % {"header": header})
        elif header in used:
            problems.append(
                _("Kolom %(header)s dipakai untuk %(a)s dan %(b)s.")
                % {"header": header, "a": used[header], "b": key}
            )
        else:
            used[header] = key
    return problems


def import_registry_file(
    *,
    path: Path,
    mapping: dict[str, str],
    actor: Any,
    file_name: str = "",
    default_period: str = "",
    progress: ProgressFn | None = None,
    today: dt.date | None = None,
) -> ImportReport:
    """Import one file, all or nothing. Raises ImportFailed with the failing rows."""
    today = today or timezone.localdate()
    try:
        table = TableFile(path, file_name)
        headers = table.headers()
    except FileFormatError as exc:
        raise ImportFailed(str(exc)) from exc
    problems = check_mapping(mapping, headers)
    if problems:
        raise ImportFailed(" ".join(problems))
    index = {key: headers.index(header) for key, header in mapping.items() if header}
    cleaner = Cleaner(
        mapping=index,
        desa_codes=frozenset(
            Wilayah.objects.filter(level=Level.DESA).values_list("code", flat=True)
        ),
        kecamatan_codes=frozenset(
            Wilayah.objects.filter(level=Level.KECAMATAN).values_list("code", flat=True)
        ),
        allowed=_in_areas(_area_codes(actor)),
        today=today,
        default_period=default_period,
    )
    report = ImportReport(sha256=_sha256(path))
    sink = ErrorSink()
    # Staging and checking run outside the transaction so the job's progress is visible while
    # they run; the temporary table lives as long as this connection. Only the merge writes.
    with connection.cursor() as cursor:
        sql = Sql(cursor)
        try:
            started = time.perf_counter()
            try:
                report.rows, report.workers = stage(
                    sql, table, cleaner, sink, progress, report.seconds
                )
            except FileFormatError as exc:
                raise ImportFailed(str(exc)) from exc
            report.seconds["stage"] = round(time.perf_counter() - started, 2)
            report.seconds["copy"] = round(report.seconds.get("copy", 0.0), 2)
            if progress:
                progress(report.rows, report.rows, _("Memeriksa seluruh berkas"))
            whole_file_checks(sql, sink, _area_codes(actor))
            if sink.count:
                raise ImportFailed(
                    _(
                        "%(n)d kesalahan pada %(rows)d baris; tidak ada data yang disimpan. "
                        "Unduh daftar baris yang gagal, perbaiki, lalu impor ulang."
                    )
                    % {"n": sink.count, "rows": report.rows},
                    sink.text(),
                )
            if report.rows == 0:
                raise ImportFailed(_("Berkas tidak berisi baris data."))
            if progress:
                progress(report.rows, report.rows, _("Menyimpan ke registri"))
            report.warnings = cleaner.warnings
            report.warning_samples = cleaner.warning_samples
            started = time.perf_counter()
            with transaction.atomic():
                merge(sql, mapped=set(mapping), report=report, today=today)
                codes = area_codes(actor) if actor is not None else ()
                audit.record(
                    actor=actor,
                    action=Action.IMPORT,
                    object_type="registry.person",
                    object_repr=file_name or path.name,
                    wilayah_code=codes[0] if len(codes) == 1 else "",
                    extra={
                        k: v
                        for k, v in report.as_dict().items()
                        if k not in ("warning_samples", "message")
                    },
                )
            report.seconds["merge"] = round(time.perf_counter() - started, 2)
        finally:
            if not connection.needs_rollback:
                sql.run(f"DROP TABLE IF EXISTS {STAGE}")
    return report
