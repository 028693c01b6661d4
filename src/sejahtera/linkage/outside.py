"""Outside lists: a CSV/XLSX list from elsewhere (a ministry's PKH list, a village's
proposal list) matched against the registry, row by row, with the model.

Upload (kept privately, refused if unreadable) → map the columns → every row is checked
first, and a list with any bad row is refused whole with the rows named (nothing stored) →
the rows are stored and matched in a background job → the result, one row per input row
with its verdict and reason, is downloaded as .xlsx.

A row is *matched* when one registered person is very likely the same (probability ≥ 0.9,
and no other above 0.5), *ambiguous* when more than one person, or one person only
moderately, fits (≥ 0.5), else *unmatched*. Only persons in the uploader's areas are
candidates."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sejahtera.accounts.models import User
from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope, scope_q
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.uploads import (
    formula_like,
    formula_reason,
    store_table_upload,
    too_big_error,
)
from sejahtera.jobs.models import Job
from sejahtera.jobs.services import JobError, Progress, start_job
from sejahtera.linkage import check, spec
from sejahtera.linkage.models import MatchStatus, OutsideList, OutsideRow
from sejahtera.registry.imports.layout import FileFormatError, TableFile, open_upload
from sejahtera.wilayah.models import Level, Wilayah

JOB_KIND = "linkage.outside"
MAX_ROWS = 50_000
MAX_ERRORS = 15
MATCHED = 0.9
POSSIBLE = 0.5


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    required: bool
    aliases: tuple[str, ...]


COLUMNS: tuple[Column, ...] = (
    Column("name", gettext_lazy("Nama"), True, ("nama", "namalengkap", "namapenerima", "namaart")),
    Column("nik", gettext_lazy("NIK"), False, ("nik", "noktp", "nomorinduk", "nikpenerima")),
    Column("birth_date", gettext_lazy("Tanggal lahir"), False, ("tanggallahir", "tgllahir")),
    Column("sex", gettext_lazy("Jenis kelamin"), False, ("jeniskelamin", "jk", "kelamin")),
    Column("mother_name", gettext_lazy("Nama ibu kandung"), False, ("namaibu", "ibukandung")),
    Column("kk_number", gettext_lazy("Nomor KK"), False, ("nokk", "nomorkk", "kk")),
    Column("desa_code", gettext_lazy("Kode desa/kelurahan"), False, ("kodedesa", "kdesa")),
    Column("street", gettext_lazy("Alamat"), False, ("alamat", "jalan")),
    Column("rt", gettext_lazy("RT"), False, ("rt",)),
    Column("rw", gettext_lazy("RW"), False, ("rw",)),
    Column("birth_place", gettext_lazy("Tempat lahir"), False, ("tempatlahir", "tmplahir")),
)
_LABELS = {c.key: c.label for c in COLUMNS}
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")
_SEX = {
    "l": "L",
    "laki-laki": "L",
    "laki laki": "L",
    "lk": "L",
    "p": "P",
    "perempuan": "P",
    "pr": "P",
}


class ListRefused(Exception):
    pass


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for column in COLUMNS:
        for header in headers:
            if _squash(header) in column.aliases and header not in found.values():
                found[column.key] = header
                break
    return found


def keep_upload(*, actor: Any, upload: UploadedFile) -> tuple[str, TableFile]:
    """Keep the uploaded list privately (never served); refuse what is not a readable
    CSV/XLSX (checked by `common.uploads`) with a header row and a data row."""
    require(actor, Cap.EXPORT)
    name = upload.name or "berkas"
    token = "linkage" + uuid.uuid4().hex
    path = Path(settings.IMPORT_DIR) / token
    try:
        if upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
            raise too_big_error(name, upload.size, settings.IMPORT_MAX_BYTES)
        store_table_upload(
            upload.chunks(), path=path, name=name, max_bytes=settings.IMPORT_MAX_BYTES
        )
        table = open_upload(path, name)
    except ValidationError as exc:
        path.unlink(missing_ok=True)
        raise ListRefused(" ".join(exc.messages)) from exc
    except FileFormatError as exc:
        path.unlink(missing_ok=True)
        raise ListRefused(str(exc)) from exc
    return token, table


def stored_path(token: str) -> Path:
    path = Path(settings.IMPORT_DIR) / token
    if not token.isalnum() or not token.startswith("linkage") or not path.exists():
        raise ListRefused(_("Berkas unggahan tidak ditemukan; unggah ulang."))
    return path


def _date(text: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def read_rows(
    *, actor: Any, table: TableFile, mapping: dict[str, str]
) -> list[tuple[int, dict[str, str]]]:
    """Every row of the file, mapped and checked; ValidationError naming the bad rows."""
    try:
        headers = table.headers()
    except FileFormatError as exc:
        raise ValidationError(str(exc)) from exc
    unknown = [h for h in mapping.values() if h not in headers]
    if "name" not in mapping or unknown:
        raise ValidationError(_("Petakan kolom nama; kolom yang dipilih harus ada di berkas."))
    index = {key: headers.index(header) for key, header in mapping.items()}
    desa_codes: set[str] = set()
    errors: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for line, raw in enumerate(table.rows(), start=2):
            if len(rows) >= MAX_ROWS:
                raise ValidationError(
                    _("Daftar lebih dari %(n)d baris; bagi menjadi beberapa berkas.")
                    % {"n": MAX_ROWS}
                )
            values = {k: (raw[i].strip() if i < len(raw) else "") for k, i in index.items()}
            problems = _problems(values)
            if values.get("desa_code"):
                desa_codes.add(values["desa_code"])
            if problems:
                errors.append(
                    _("Baris %(line)d: %(what)s") % {"line": line, "what": "; ".join(problems)}
                )
            rows.append((line, values))
    except FileFormatError as exc:
        raise ValidationError(str(exc)) from exc
    if desa_codes:
        known = set(
            Wilayah.objects.filter(code__in=desa_codes, level=Level.DESA).values_list(
                "code", flat=True
            )
        )
        for code in sorted(desa_codes - known):
            errors.append(_("Kode desa %(code)s tidak dikenal.") % {"code": code})
        for code in sorted(c for c in known if actor is not None and not in_scope(actor, c)):
            errors.append(_("Desa %(code)s di luar wilayah kerja Anda.") % {"code": code})
    if not rows:
        errors.append(_("Berkas tidak berisi baris data."))
    if errors:
        more = len(errors) - MAX_ERRORS
        shown = errors[:MAX_ERRORS]
        if more > 0:
            shown.append(_("… dan %(n)d masalah lain.") % {"n": more})
        raise ValidationError(shown)
    return rows


def _problems(values: dict[str, str]) -> list[str]:
    problems = [
        _("kolom %(column)s (“%(value)s”): %(why)s")
        % {"column": _LABELS[key], "value": value[:40], "why": formula_reason()}
        for key, value in values.items()
        if formula_like(value)
    ]
    if problems:
        return problems
    if not values.get("name"):
        problems.append(_("nama kosong"))
    nik = values.get("nik", "")
    if nik and (len(nik) != 16 or not nik.isdigit()):
        problems.append(_("NIK %(nik)s bukan 16 angka") % {"nik": nik})
    born = values.get("birth_date", "")
    if born:
        try:
            if _date(born) is None:
                raise ValueError(born)
        except ValueError:
            problems.append(_("tanggal lahir %(d)s tidak terbaca") % {"d": born})
    sex = values.get("sex", "")
    if sex and sex.lower() not in _SEX:
        problems.append(_("jenis kelamin %(s)s tidak dikenal (L/P)") % {"s": sex})
    return problems


def create_outside_list(
    *, actor: Any, token: str, file_name: str, source: str, mapping: dict[str, str]
) -> OutsideList:
    """Check every row, then store the list and start matching it; a list with a bad row
    is refused whole (ValidationError) and nothing is stored."""
    require(actor, Cap.EXPORT)
    path = stored_path(token)
    try:
        table = TableFile(path, file_name)
    except FileFormatError as exc:
        raise ValidationError(str(exc)) from exc
    rows = read_rows(actor=actor, table=table, mapping=mapping)
    from sejahtera.linkage.tasks import match_outside_list_task

    with transaction.atomic():
        outside = OutsideList.objects.create(
            name=file_name[:200],
            source=source.strip()[:200],
            mapping=mapping,
            rows=len(rows),
            uploaded_by=actor,
        )
        OutsideRow.objects.bulk_create(
            [OutsideRow(outside_list=outside, line=line, values=values) for line, values in rows],
            batch_size=2000,
        )
        outside.job = start_job(
            actor=actor,
            kind=JOB_KIND,
            title=_("Cocokkan daftar %(name)s") % {"name": file_name},
            task=match_outside_list_task,
            params={"list_id": outside.pk},
        )
        outside.save(update_fields=["job"])
        audit.record(
            actor=actor,
            action=Action.IMPORT,
            obj=outside,
            extra={"rows": len(rows), "source": outside.source},
        )
        transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return outside


def _reason(scored: spec.Scored) -> str:
    agree = [
        f"{spec.BY_KEY[key].label.lower()}: {level['label']}"
        for key, level in scored.levels.items()
        if (level.get("weight") or 0) > 0.5
    ]
    return "; ".join(agree)


def classify(scored: list[tuple[int, spec.Scored]]) -> tuple[str, int | None, float | None, str]:
    """Status, person, probability and reason for one row from its scored candidates."""
    likely = [(pk, s) for pk, s in scored if s.match_probability >= POSSIBLE]
    best = scored[0] if scored else None
    if not likely:
        if best is not None:
            return (
                MatchStatus.UNMATCHED,
                None,
                best[1].match_probability,
                _("Tidak ada data yang cukup mirip (calon terdekat #%(id)d, peluang %(p)d%%).")
                % {"id": best[0], "p": round(best[1].match_probability * 100)},
            )
        return MatchStatus.UNMATCHED, None, None, _("Tidak ada data yang mirip.")
    pk, top = likely[0]
    if len(likely) > 1:
        names = ", ".join(
            f"#{other} ({round(s.match_probability * 100)}%)" for other, s in likely[:5]
        )
        return (
            MatchStatus.AMBIGUOUS,
            None,
            top.match_probability,
            _("%(n)d calon: %(names)s.") % {"n": len(likely), "names": names},
        )
    if top.match_probability < MATCHED:
        return (
            MatchStatus.AMBIGUOUS,
            pk,
            top.match_probability,
            _("Hanya mirip sebagian: %(why)s.") % {"why": _reason(top)},
        )
    return MatchStatus.MATCHED, pk, top.match_probability, _reason(top)


def match_body(*, list_id: int) -> Any:
    def body(job: Job, progress: Progress) -> dict[str, Any]:
        outside = OutsideList.objects.get(pk=list_id)
        owner = User.objects.get(pk=outside.uploaded_by_id)
        if check.current_parameters() is None:
            raise JobError(_("Belum ada model pencocokan; jalankan pencarian data ganda dulu."))
        within = scope_q(owner, "desa__code")
        rows = list(outside.items.order_by("line"))
        counts = {MatchStatus.MATCHED: 0, MatchStatus.AMBIGUOUS: 0, MatchStatus.UNMATCHED: 0}
        for done, row in enumerate(rows, start=1):
            values = row.values
            born = _date(values["birth_date"]) if values.get("birth_date") else None
            scored = check.score_candidates(
                name=values.get("name", ""),
                birth_date=born,
                nik=values.get("nik", ""),
                desa_code=values.get("desa_code", ""),
                mother_name=values.get("mother_name", ""),
                sex=_SEX.get(values.get("sex", "").lower(), ""),
                kk_number=values.get("kk_number", ""),
                street=values.get("street", ""),
                rt=values.get("rt", ""),
                rw=values.get("rw", ""),
                birth_place=values.get("birth_place", ""),
                within=within,
            )
            row.status, row.person_id, row.probability, row.reason = classify(scored)
            row.reason = row.reason[:500]
            counts[MatchStatus(row.status)] += 1
            if done % 200 == 0:
                progress(done, len(rows), _("Mencocokkan"))
        with transaction.atomic():
            OutsideRow.objects.bulk_update(
                rows, ["status", "person", "probability", "reason"], batch_size=2000
            )
            OutsideList.objects.filter(pk=outside.pk).update(
                matched=counts[MatchStatus.MATCHED],
                ambiguous=counts[MatchStatus.AMBIGUOUS],
                unmatched=counts[MatchStatus.UNMATCHED],
            )
        progress(len(rows), len(rows))
        return {
            "message": _("%(m)d cocok, %(a)d ragu, %(u)d tidak ditemukan.")
            % {
                "m": counts[MatchStatus.MATCHED],
                "a": counts[MatchStatus.AMBIGUOUS],
                "u": counts[MatchStatus.UNMATCHED],
            },
        }

    return body


def result_rows(outside: OutsideList) -> tuple[list[str], Iterable[list[Any]]]:
    """Header and rows of the result .xlsx: the input columns, then the verdict."""
    keys = [c.key for c in COLUMNS if c.key in outside.mapping]
    headers = [outside.mapping[k] for k in keys] + [
        _("Hasil"),
        _("Peluang"),
        _("ID penduduk"),
        _("Nama di registri"),
        _("Desa di registri"),
        _("Alasan"),
    ]
    rows = (
        [row.values.get(k, "") for k in keys]
        + [
            row.get_status_display(),
            round(row.probability, 4) if row.probability is not None else "",
            row.person_id or "",
            row.person.name if row.person else "",
            row.person.desa.name if row.person else "",
            row.reason,
        ]
        for row in outside.items.select_related("person__desa").order_by("line")
    )
    return headers, rows
