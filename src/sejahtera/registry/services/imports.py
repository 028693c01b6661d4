"""Starting a registry import: keep the uploaded file privately, then run the import as a
background job (the page) or in the foreground (the command), with the same task body."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.common.uploads import store_table_upload, too_big_error
from sejahtera.jobs.models import Job
from sejahtera.jobs.services import JobError, Progress, run_job, start_job
from sejahtera.registry.imports.layout import (
    FileFormatError,
    TableFile,
    open_upload,
    suggest_mapping,
)
from sejahtera.registry.imports.loader import ImportFailed, check_mapping, import_registry_file

JOB_KIND = "registry.import"


class UploadRefused(Exception):
    pass


def keep_upload(*, actor: Any, upload: UploadedFile) -> tuple[str, TableFile]:
    """Store an uploaded list under IMPORT_DIR and check it is a readable CSV or XLSX.
    Returns a token naming the stored file and the opened table."""
    require(actor, Cap.IMPORT)
    name = upload.name or "berkas"
    if upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
        raise UploadRefused(_words(too_big_error(name, upload.size, settings.IMPORT_MAX_BYTES)))
    return _store(upload.chunks(), name=name)


def _words(exc: ValidationError | FileFormatError) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def _store(chunks: Iterable[bytes], *, name: str) -> tuple[str, TableFile]:
    """Write a list under IMPORT_DIR (never served) and open it as a table; a file that is
    not a readable CSV/XLSX (checked by `common.uploads`) with a header row and a data row
    is removed and refused."""
    token = uuid.uuid4().hex
    path = Path(settings.IMPORT_DIR) / token
    try:
        store_table_upload(chunks, path=path, name=name, max_bytes=settings.IMPORT_MAX_BYTES)
        table = open_upload(path, name)
    except (ValidationError, FileFormatError) as exc:
        path.unlink(missing_ok=True)
        raise UploadRefused(_words(exc)) from exc
    return token, table


def stored_path(token: str) -> Path:
    if not token.isalnum():
        raise UploadRefused(_("Berkas unggahan tidak ditemukan; unggah ulang."))
    path = Path(settings.IMPORT_DIR) / token
    if not path.exists():
        raise UploadRefused(_("Berkas unggahan tidak ditemukan; unggah ulang."))
    return path


def start_registry_import(
    *, actor: Any, token: str, mapping: dict[str, str], file_name: str, default_period: str = ""
) -> Job:
    """Check the mapping against the stored file and start the import job."""
    require(actor, Cap.IMPORT)
    path = stored_path(token)
    try:
        problems = check_mapping(mapping, TableFile(path, file_name).headers())
    except FileFormatError as exc:
        raise UploadRefused(str(exc)) from exc
    if problems:
        raise UploadRefused(" ".join(problems))
    from sejahtera.registry.tasks import import_registry_task

    return start_job(
        actor=actor,
        kind=JOB_KIND,
        title=_("Impor daftar %(name)s") % {"name": file_name},
        task=import_registry_task,
        params={
            "token": token,
            "mapping": mapping,
            "file_name": file_name,
            "default_period": default_period,
        },
    )


def import_body(
    *, token: str, mapping: dict[str, str], file_name: str, default_period: str = ""
) -> Any:
    """The task body, shared by the background task and the command line."""

    def body(job: Job, progress: Progress) -> dict[str, Any]:
        try:
            path = stored_path(token)
        except UploadRefused as exc:  # e.g. a restarted job whose file was already used
            raise JobError(str(exc)) from exc
        try:
            report = import_registry_file(
                path=path,
                mapping=mapping,
                actor=job.owner,
                file_name=file_name,
                default_period=default_period,
                progress=progress,
            )
        except ImportFailed as exc:
            raise JobError(str(exc), exc.errors_csv) from exc
        finally:
            path.unlink(missing_ok=True)  # the list holds personal data: do not keep it
        return report.as_dict()

    return body


def import_file_now(
    *, actor: Any, source: Path, mapping: dict[str, str] | None = None, default_period: str = ""
) -> Job:
    """The command line's import: copy the file in, run the same body in the foreground."""
    if actor is not None:
        require(actor, Cap.IMPORT)
    size = source.stat().st_size
    if size > settings.IMPORT_MAX_BYTES:
        raise UploadRefused(_words(too_big_error(source.name, size, settings.IMPORT_MAX_BYTES)))
    with source.open("rb") as handle:
        token, table = _store(iter(lambda: handle.read(1 << 20), b""), name=source.name)
    if mapping is None:
        mapping = suggest_mapping(table.headers())
    job = Job.objects.create(
        kind=JOB_KIND,
        title=_("Impor daftar %(name)s") % {"name": source.name},
        owner=actor,
        params={"token": token, "mapping": mapping, "file_name": source.name},
    )
    run_job(
        str(job.pk),
        import_body(
            token=token, mapping=mapping, file_name=source.name, default_period=default_period
        ),
    )
    job.refresh_from_db()
    return job
