"""Starting a registry import: keep the uploaded file privately, then run the import as a
background job (the page) or in the foreground (the command), with the same task body."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.jobs.models import Job
from sejahtera.jobs.services import JobError, Progress, run_job, start_job
from sejahtera.registry.imports.layout import FileFormatError, TableFile, suggest_mapping
from sejahtera.registry.imports.loader import ImportFailed, check_mapping, import_registry_file

JOB_KIND = "registry.import"


class UploadRefused(Exception):
    pass


def keep_upload(*, actor: Any, upload: UploadedFile) -> tuple[str, TableFile]:
    """Store an uploaded list under IMPORT_DIR and check it is a readable CSV or XLSX.
    Returns a token naming the stored file and the opened table."""
    require(actor, Cap.IMPORT)
    if upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
        raise UploadRefused(
            _("Berkas terlalu besar (%(size).0f MB); paling besar %(max).0f MB.")
            % {"size": upload.size / 1048576, "max": settings.IMPORT_MAX_BYTES / 1048576}
        )
    return _store(upload.chunks())


def _store(chunks: Iterable[bytes]) -> tuple[str, TableFile]:
    """Write a list under IMPORT_DIR (never served) and open it as a table; a file that is
    not a readable CSV/XLSX with a header row is removed and refused."""
    token = uuid.uuid4().hex
    directory = Path(settings.IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / token
    with path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    try:
        table = TableFile(path)
        if not table.headers():
            raise FileFormatError(_("Baris pertama berkas (judul kolom) kosong."))
    except FileFormatError as exc:
        path.unlink(missing_ok=True)
        raise UploadRefused(str(exc)) from exc
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
    problems = check_mapping(mapping, TableFile(path).headers())
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
        path = stored_path(token)
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
    with source.open("rb") as handle:
        token, table = _store(iter(lambda: handle.read(1 << 20), b""))
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
