"""What a proposal may carry, and the checks its data must pass, at submission and again
when it is approved. A payload is plain JSON (dates as YYYY-MM-DD) so it can come from a
form, the API or an import alike."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sejahtera.common.names import name_key
from sejahtera.common.nik import check_kk, check_nik
from sejahtera.registry import choices
from sejahtera.registry.models import (
    Household,
    Person,
    PpksCategory,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from sejahtera.registry.payload_shapes import shape_errors
from sejahtera.registry.rules import category_refusals
from sejahtera.wilayah.selectors import kecamatan_exists

PERSON_FIELDS = {
    "nik": None,
    "no_nik": None,
    "name": None,
    "birth_place": None,
    "birth_date": None,
    "sex": choices.Sex,
    "mother_name": None,
    "marital_status": choices.MaritalStatus,
    "education": choices.Education,
    "occupation": None,
    "disability_type": choices.DisabilityType,
    "disability_severity": choices.Severity,
}
HOUSEHOLD_FIELDS = {
    "kk_number": None,
    "dusun": None,
    "rt": None,
    "rw": None,
    "street": None,
    "floor_area_m2": None,
    "floor_material": choices.FloorMaterial,
    "wall_material": choices.WallMaterial,
    "roof_material": choices.RoofMaterial,
    "water_source": choices.WaterSource,
    "toilet": choices.Toilet,
    "lighting": choices.Lighting,
    "ownership": choices.Ownership,
    "income_band": choices.IncomeBand,
    "in_dtks": None,
    "desil": None,
    "data_period": None,
}
OPEN = (ProposalStatus.SUBMITTED, ProposalStatus.VERIFIED, ProposalStatus.ENDORSED)


def record_version(record: Person | Household) -> str:
    """A fingerprint of what a proposal may change in `record`. A change form carries the one
    of the record it showed; a proposal made from an older one is refused (someone else's
    change was approved meanwhile), so that it cannot silently undo that change."""
    fields = PERSON_FIELDS if isinstance(record, Person) else HOUSEHOLD_FIELDS
    values = {name: getattr(record, name) for name in sorted(fields)}
    text = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def stale_error() -> ValidationError:
    return ValidationError(
        _("Data ini baru saja diubah oleh pengguna lain; muat ulang halaman."), code="stale"
    )


def seen_values(record: Person | Household, names: Any) -> dict[str, Any]:
    """The current values of the named fields, as plain JSON (what a change was made
    against; compared again when the change is applied)."""
    return json.loads(json.dumps({n: getattr(record, n) for n in sorted(names)}, default=str))


def _date(value: Any, label: str, errors: list[str]) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.append(
            _("%(label)s bukan tanggal yang sah: %(value)s") % {"label": label, "value": value}
        )
        return None


def _choice(fields: dict[str, Any], data: dict[str, Any], errors: list[str]) -> None:
    unknown = sorted(set(data) - set(fields) - {"relation"})
    if unknown:
        errors.append(_("Isian tidak dikenal: %(fields)s") % {"fields": ", ".join(unknown)})
    for name, enum in fields.items():
        value = data.get(name)
        if enum is not None and value not in (None, "") and value not in enum.values:
            errors.append(
                _("Nilai %(value)s tidak sah untuk %(field)s.") % {"value": value, "field": name}
            )


def person_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in data.items() if k in PERSON_FIELDS}
    if "birth_date" in values:
        values["birth_date"] = (
            dt.date.fromisoformat(values["birth_date"]) if values["birth_date"] else None
        )
    if "nik" in values:
        values["nik"] = values["nik"] or None
        values["no_nik"] = values["nik"] is None
    for key in ("name", "birth_place", "mother_name"):
        if isinstance(values.get(key), str):
            values[key] = values[key].strip()
    if "name" in values:
        values["name_key"] = name_key(values["name"])
    return values


def household_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in data.items() if k in HOUSEHOLD_FIELDS}
    if "kk_number" in values:
        values["kk_number"] = values["kk_number"] or None
    return values


def _check_person(
    data: dict[str, Any],
    *,
    errors: list[str],
    warnings: list[str],
    exclude: Proposal | None,
    new: bool,
    label: str,
) -> None:
    _choice(PERSON_FIELDS, data, errors)
    if new and not str(data.get("name", "")).strip():
        errors.append(_("%(who)s: nama wajib diisi.") % {"who": label})
    if new and data.get("sex") not in choices.Sex.values:
        errors.append(_("%(who)s: jenis kelamin wajib dipilih.") % {"who": label})
    born = _date(data.get("birth_date"), _("Tanggal lahir"), errors)
    if born is not None and born > dt.date.today():
        errors.append(_("%(who)s: tanggal lahir tidak boleh di masa depan.") % {"who": label})
    nik = (data.get("nik") or "").strip()
    if not nik:
        if new and not data.get("no_nik"):
            errors.append(
                _("%(who)s: isi NIK, atau tandai sebagai orang tanpa NIK.") % {"who": label}
            )
        return
    check = check_nik(nik, birth_date=born, sex=data.get("sex"), region_exists=kecamatan_exists)
    errors.extend(f"{label}: {e}" for e in check.errors)
    warnings.extend(f"{label}: {w}" for w in check.warnings)
    existing = Person.objects.filter(nik=nik).first()
    if existing is not None:
        raise ValidationError(
            _("NIK %(nik)s sudah terdaftar atas nama %(name)s.")
            % {"nik": nik, "name": existing.name},
            code="duplicate_nik",
            params={"person_id": existing.pk, "nik": nik, "name": existing.name},
        )
    pending = Proposal.objects.filter(status__in=OPEN)
    if exclude is not None:
        pending = pending.exclude(pk=exclude.pk)
    for other in pending.filter(kind__in=[ProposalKind.NEW_HOUSEHOLD, ProposalKind.NEW_PERSON]):
        members = other.payload.get("members") or [other.payload.get("member") or {}]
        if any((m or {}).get("nik") == nik for m in members):
            errors.append(
                _("NIK %(nik)s sudah ada dalam usulan #%(id)d yang belum diputuskan.")
                % {"nik": nik, "id": other.pk}
            )


def check_payload(
    *,
    kind: str,
    payload: dict[str, Any],
    household: Household | None,
    person: Person | None,
    exclude: Proposal | None = None,
) -> list[str]:
    """Raise ValidationError listing what is wrong; return the warnings."""
    wrong_types = shape_errors(
        kind=kind,
        payload=payload,
        person_fields=PERSON_FIELDS,
        household_fields=HOUSEHOLD_FIELDS,
        changes_of=person or household,
    )
    if wrong_types:
        raise ValidationError(wrong_types)
    errors: list[str] = []
    warnings: list[str] = []
    if kind == ProposalKind.NEW_HOUSEHOLD:
        data = payload.get("household") or {}
        members = payload.get("members") or []
        _choice(HOUSEHOLD_FIELDS, data, errors)
        kk = (data.get("kk_number") or "").strip()
        if kk:
            check = check_kk(kk, region_exists=kecamatan_exists)
            errors.extend(check.errors)
            if Household.objects.filter(kk_number=kk).exists():
                errors.append(_("Nomor KK %(kk)s sudah terdaftar.") % {"kk": kk})
        if not members:
            errors.append(_("Keluarga baru harus punya paling sedikit satu anggota."))
        heads = [m for m in members if m.get("relation") == choices.Relation.HEAD]
        if members and len(heads) != 1:
            errors.append(_("Keluarga baru harus punya tepat satu kepala keluarga."))
        niks = [m.get("nik") for m in members if m.get("nik")]
        if len(niks) != len(set(niks)):
            errors.append(_("Ada NIK yang sama dua kali dalam usulan ini."))
        for i, member in enumerate(members, start=1):
            if member.get("relation") not in choices.Relation.values:
                errors.append(_("Anggota %(n)d: hubungan keluarga wajib dipilih.") % {"n": i})
            _check_person(
                member,
                errors=errors,
                warnings=warnings,
                exclude=exclude,
                new=True,
                label=_("Anggota %(n)d") % {"n": i},
            )
    elif kind == ProposalKind.NEW_PERSON:
        if household is None:
            errors.append(_("Pilih keluarga tempat anggota baru ditambahkan."))
        member = payload.get("member") or {}
        if member.get("relation") not in choices.Relation.values:
            errors.append(_("Hubungan keluarga wajib dipilih."))
        elif (
            member.get("relation") == choices.Relation.HEAD
            and household is not None
            and household.memberships.filter(
                end_date__isnull=True, relation=choices.Relation.HEAD
            ).exists()
        ):
            errors.append(
                _(
                    "Keluarga ini sudah punya kepala keluarga; usulkan perubahan kepala keluarga lebih dulu."
                )
            )
        _check_person(
            member,
            errors=errors,
            warnings=warnings,
            exclude=exclude,
            new=True,
            label=_("Anggota baru"),
        )
    elif kind == ProposalKind.CHANGE:
        changes = payload.get("changes") or {}
        if not changes:
            errors.append(_("Tidak ada perubahan yang diusulkan."))
        if person is not None:
            if "nik" in changes and changes["nik"] == person.nik:
                changes = {k: v for k, v in changes.items() if k != "nik"}
            _check_person(
                changes,
                errors=errors,
                warnings=warnings,
                exclude=exclude,
                new=False,
                label=person.name,
            )
        elif household is not None:
            _choice(HOUSEHOLD_FIELDS, changes, errors)
            desil = changes.get("desil")
            if desil not in (None, "") and (not isinstance(desil, int) or not 1 <= desil <= 10):
                errors.append(_("Desil harus angka 1 sampai 10."))
        else:
            errors.append(_("Pilih penduduk atau keluarga yang datanya diubah."))
    elif kind == ProposalKind.REMOVAL:
        reason = payload.get("reason")
        if reason not in choices.RemovalReason.values:
            errors.append(_("Pilih alasan penghapusan."))
        when = _date(payload.get("date"), _("Tanggal"), errors)
        if when is not None and when > dt.date.today():
            errors.append(_("Tanggal tidak boleh di masa depan."))
        if person is None and household is None:
            errors.append(_("Pilih penduduk atau keluarga yang dihapus."))
        if person is not None and person.is_deceased:
            errors.append(_("%(name)s sudah tercatat meninggal.") % {"name": person.name})
        if household is not None and reason != choices.RemovalReason.NOT_POOR:
            errors.append(
                _(
                    "Untuk keluarga, alasan penghapusan hanya “tidak lagi miskin”; usulkan penghapusan per anggota untuk yang meninggal atau pindah."
                )
            )
    elif kind == ProposalKind.PPKS:
        category = PpksCategory.objects.filter(code=payload.get("category")).first()
        on = _date(payload.get("assessed_on"), _("Tanggal penilaian"), errors)
        until = _date(payload.get("valid_until"), _("Berlaku sampai"), errors)
        if category is None:
            errors.append(_("Pilih kategori PPKS."))
        else:
            orders = set(payload.get("criteria") or [])
            known = set(category.criteria.values_list("order", flat=True))
            if not orders:
                errors.append(_("Centang paling sedikit satu kriteria yang terpenuhi."))
            elif not orders <= known:
                errors.append(_("Kriteria yang dicentang bukan kriteria kategori ini."))
            if on is not None:
                errors.extend(
                    category_refusals(category=category, person=person, household=household, on=on)
                )
        if on is None and not errors:
            errors.append(_("Tanggal penilaian wajib diisi."))
        if on is not None and until is not None and until < on:
            errors.append(_("Tanggal berlaku sampai tidak boleh sebelum tanggal penilaian."))
        if (person is None) == (household is None):
            errors.append(_("Penilaian PPKS untuk satu orang atau satu keluarga."))
    elif kind == ProposalKind.COMPOSITION:
        errors.extend(_composition_errors(payload, household))
    else:
        errors.append(_("Jenis usulan tidak dikenal."))
    if errors:
        raise ValidationError(errors)
    return warnings


def _composition_errors(payload: dict[str, Any], household: Household | None) -> list[str]:
    """A new composition of one household: members' new relations, members who leave to form
    a new KK (pecah KK), and members who join another KK already registered in the same desa.
    Each resulting household has exactly one head."""
    if household is None:
        return [_("Pilih keluarga yang susunannya diubah.")]
    errors: list[str] = []
    current = dict(
        household.memberships.filter(end_date__isnull=True).values_list("person_id", "relation")
    )
    changes = payload.get("members") or []
    stays: dict[int, str] = dict(current)
    leaves: dict[int, str] = {}
    joins: dict[int, str] = {}
    changed = False
    for change in changes:
        person_id, relation, to = change.get("person"), change.get("relation"), change.get("to")
        if person_id not in current:
            errors.append(
                _("Penduduk #%(id)s bukan anggota keluarga ini saat ini.") % {"id": person_id}
            )
            continue
        if relation not in choices.Relation.values:
            errors.append(_("Hubungan keluarga tidak sah: %(value)s") % {"value": relation})
        if to not in ("same", "new", "join"):
            errors.append(_("Tujuan anggota harus KK ini, KK baru, atau KK lain yang terdaftar."))
            continue
        if to in ("new", "join"):
            del stays[person_id]
            (leaves if to == "new" else joins)[person_id] = relation
            changed = True
        else:
            stays[person_id] = relation
            changed = changed or current[person_id] != relation
    if not errors and not changed:
        errors.append(_("Susunan yang diusulkan sama dengan yang tercatat."))
    target = None
    if joins:
        target, target_errors = _join_target(payload.get("join_kk"), household)
        errors.extend(target_errors)
    groups = [(stays, _("KK ini")), (leaves, _("KK baru"))]
    if target is not None:
        existing = dict(
            target.memberships.filter(end_date__isnull=True).values_list("person_id", "relation")
        )
        groups.append(({**existing, **joins}, _("KK %(kk)s") % {"kk": target.kk_number}))
    for members, label in groups:
        heads = sum(1 for relation in members.values() if relation == choices.Relation.HEAD)
        if members and heads != 1:
            errors.append(
                _("%(kk)s harus punya tepat satu kepala keluarga (diusulkan %(n)d).")
                % {"kk": label, "n": heads}
            )
    if not stays and not errors:
        errors.append(
            _(
                "Paling sedikit satu anggota tetap di KK ini; usulkan penghapusan bila KK ini berakhir."
            )
        )
    if leaves:
        data = payload.get("new_household") or {}
        _choice(HOUSEHOLD_FIELDS, data, errors)
        kk = (data.get("kk_number") or "").strip()
        if not kk:
            errors.append(_("Nomor KK baru wajib diisi untuk pecah KK."))
        else:
            errors.extend(check_kk(kk, region_exists=kecamatan_exists).errors)
            if Household.objects.filter(kk_number=kk).exists():
                errors.append(_("Nomor KK %(kk)s sudah terdaftar.") % {"kk": kk})
    return errors


def _join_target(kk: Any, household: Household) -> tuple[Household | None, list[str]]:
    """The registered KK that members join: in the same desa, and not this one."""
    kk = str(kk or "").strip()
    if not kk:
        return None, [_("Isi nomor KK tujuan untuk anggota yang pindah ke KK lain.")]
    target = Household.objects.filter(kk_number=kk).first()
    if target is None:
        return None, [_("KK %(kk)s belum terdaftar; pilih “KK baru” untuk pecah KK.") % {"kk": kk}]
    if target.pk == household.pk:
        return None, [_("KK tujuan sama dengan KK ini.")]
    if target.desa_id != household.desa_id:
        return None, [
            _(
                "KK %(kk)s ada di desa lain. Pindah antardesa diusulkan sebagai penghapusan "
                "(pindah) di desa asal dan anggota baru di desa tujuan."
            )
            % {"kk": kk}
        ]
    return target, []
