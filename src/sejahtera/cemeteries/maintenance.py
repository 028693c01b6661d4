"""Maintenance works of a cemetery: record a work (finished or still going; finish after
start, cost not negative, no dates in the future), finish it, add its photos (JPEG/PNG
checked by their content, MAX_PHOTO_BYTES each). Finished works decide whether a cemetery is
kept up in a year (selectors.KEPT_UP_MIN_FINISHED_WORKS). Same rules as services.py: one
transaction, Cap.WRITE and the cemetery's desa in the actor's areas, an audit event,
nothing saved on a refusal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.cemeteries.models import (
    Cemetery,
    MaintenanceKind,
    MaintenancePhoto,
    MaintenanceWork,
)
from sejahtera.cemeteries.services import lock_cemetery, not_future, recorder, today_or
from sejahtera.common.uploads import check_upload

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS_PER_UPLOAD = 10
MAX_PHOTOS_PER_WORK = 30
MAX_COST = 100_000_000_000  # Rp 100 miliar: more is a typing error


def _check_photos(photos: Sequence[UploadedFile], already: int = 0) -> list[str]:
    """The kind (jpeg/png) of each photo, read from its content; a ValidationError for a
    file that is not one, too large, or too many photos."""
    if len(photos) > MAX_PHOTOS_PER_UPLOAD:
        raise ValidationError(
            {"photos": _("Paling banyak %(n)s foto sekali unggah.") % {"n": MAX_PHOTOS_PER_UPLOAD}}
        )
    if already + len(photos) > MAX_PHOTOS_PER_WORK:
        raise ValidationError(
            {
                "photos": _("Satu pekerjaan paling banyak %(n)s foto (sudah ada %(has)s).")
                % {"n": MAX_PHOTOS_PER_WORK, "has": already}
            }
        )
    kinds = []
    for upload in photos:
        try:
            kinds.append(check_upload(upload, kinds=("jpeg", "png"), max_bytes=MAX_PHOTO_BYTES))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    return kinds


def _save_photos(
    actor: Any, work: MaintenanceWork, photos: Sequence[UploadedFile], kinds: list[str]
) -> list[MaintenancePhoto]:
    saved = []
    for upload, kind in zip(photos, kinds, strict=True):
        saved.append(
            MaintenancePhoto.objects.create(
                work=work,
                file=upload,
                kind=kind,
                name=(upload.name or "foto")[:200],
                uploaded_by=recorder(actor),
            )
        )
    return saved


def _work_errors(
    *,
    kind: str,
    description: str,
    started_on: dt.date | None,
    finished_on: dt.date | None,
    cost: int | None,
    today: dt.date,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in MaintenanceKind.values:
        errors["kind"] = _("Pilih jenis pekerjaan.")
    if len(description) < 5:
        errors["description"] = _("Uraikan pekerjaannya (minimal 5 huruf).")
    if started_on is None:
        errors["started_on"] = _("Isi tanggal mulai.")
    not_future(errors, "started_on", started_on, today)
    not_future(errors, "finished_on", finished_on, today)
    if (
        started_on is not None
        and finished_on is not None
        and finished_on < started_on
        and "finished_on" not in errors
    ):
        errors["finished_on"] = _("Tanggal selesai tidak boleh sebelum tanggal mulai.")
    if cost is None or cost < 0:
        errors["cost"] = _("Biaya tidak boleh negatif (isi 0 bila tanpa biaya).")
    elif cost > MAX_COST:
        errors["cost"] = _("Biaya terlalu besar; periksa angkanya (dalam rupiah, tanpa titik).")
    return errors


@transaction.atomic
def record_maintenance(
    *,
    actor: Any,
    cemetery: Cemetery,
    kind: str,
    description: str,
    started_on: dt.date | None,
    finished_on: dt.date | None = None,
    cost: int | None = 0,
    contractor: str = "",
    photos: Sequence[UploadedFile] = (),
    today: dt.date | None = None,
) -> MaintenanceWork:
    """A maintenance work, finished or still going (no finish date). Dates may not be in
    the future: this records what was done, not a plan."""
    cemetery = lock_cemetery(actor, cemetery)
    description = description.strip()
    errors: dict[str, Any] = dict(
        _work_errors(
            kind=kind,
            description=description,
            started_on=started_on,
            finished_on=finished_on,
            cost=cost,
            today=today_or(today),
        )
    )
    kinds: list[str] = []
    try:
        kinds = _check_photos(photos)
    except ValidationError as exc:  # told together with the other mistakes
        errors.update(exc.message_dict)
    if errors or started_on is None or cost is None:
        raise ValidationError(errors)
    work = MaintenanceWork.objects.create(
        cemetery=cemetery,
        kind=kind,
        description=description,
        started_on=started_on,
        finished_on=finished_on,
        cost=cost,
        contractor=contractor.strip()[:200],
        created_by=recorder(actor),
    )
    _save_photos(actor, work, photos, kinds)
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=work,
        wilayah_code=cemetery.desa_id,
        changes=audit.diff({}, audit.snapshot(work, exclude=("created_at", "created_by"))),
        extra={"photos": len(photos)},
    )
    return work


@transaction.atomic
def finish_maintenance(
    *,
    actor: Any,
    work: MaintenanceWork,
    finished_on: dt.date | None,
    cost: int | None = None,
    today: dt.date | None = None,
) -> MaintenanceWork:
    """Record the finish date (and the final cost, if given) of a work still going."""
    cemetery = lock_cemetery(actor, work.cemetery)
    work = MaintenanceWork.objects.select_for_update().get(pk=work.pk, cemetery=cemetery)
    if work.finished_on is not None:
        raise ValidationError(
            _("Pekerjaan ini sudah selesai pada %(date)s.")
            % {"date": work.finished_on.strftime("%d-%m-%Y")}
        )
    errors: dict[str, str] = {}
    if finished_on is None:
        errors["finished_on"] = _("Isi tanggal selesai.")
    errors.update(
        _work_errors(
            kind=work.kind,
            description=work.description,
            started_on=work.started_on,
            finished_on=finished_on,
            cost=work.cost if cost is None else cost,
            today=today_or(today),
        )
    )
    if errors or finished_on is None:
        raise ValidationError(errors)
    before = audit.snapshot(work, fields=("finished_on", "cost"))
    work.finished_on = finished_on
    if cost is not None:
        work.cost = cost
    work.save(update_fields=["finished_on", "cost"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=work,
        wilayah_code=cemetery.desa_id,
        changes=audit.diff(before, audit.snapshot(work, fields=("finished_on", "cost"))),
    )
    return work


@transaction.atomic
def add_photos(
    *, actor: Any, work: MaintenanceWork, photos: Sequence[UploadedFile]
) -> list[MaintenancePhoto]:
    """Photos of a work, each checked by its content (JPEG or PNG) and size."""
    cemetery = lock_cemetery(actor, work.cemetery)
    work = MaintenanceWork.objects.get(pk=work.pk, cemetery=cemetery)
    if not photos:
        raise ValidationError({"photos": _("Pilih foto yang akan diunggah.")})
    kinds = _check_photos(photos, already=work.photos.count())
    saved = _save_photos(actor, work, photos, kinds)
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=work,
        wilayah_code=cemetery.desa_id,
        extra={"photos_added": [p.name for p in saved]},
    )
    return saved
