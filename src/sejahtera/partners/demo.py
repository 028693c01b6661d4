"""Demo data of the partners app: synthetic, for the demo only (every name ends in
"(demo)"), drawn with a fixed seed so every demo database looks the same. Partners of each
of the 13 kinds across the kecamatan (with a larger share in the demo accounts' areas), some
made inactive (and a few active again) with the reasons, LKS with registration certificates
(some expiring within 90 days, one expired), the people they care for (registered children
and elderly from the synthetic population where there are any, otherwise unregistered
names), a few trainings with results and UEP grants. Loaded once: skipped when partners
exist."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TextIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.partners.models import (
    LKS,
    Certificate,
    InstitutionMember,
    LksType,
    Partner,
    PartnerKind,
    PartnerStatusChange,
    Training,
    TrainingParticipant,
    UepGrant,
)
from sejahtera.partners.reference import load as load_kinds
from sejahtera.partners.services import REGISTERED
from sejahtera.registry.models import Person
from sejahtera.wilayah.models import Level, Wilayah

SEED = 2025
GIVEN = ["Siti", "Budi", "Sri", "Agus", "Dewi", "Eko", "Wahyu", "Nur", "Joko", "Rina", "Yuli"]
MIDDLE = ["", "", "", "Dwi", "Tri", "Eka", "Adi", "Nur"]
FAMILY = ["Lestari", "Santoso", "Wahyuni", "Prasetyo", "Rahayu", "Hidayat", "Setiawan"]
WORDS = ["Harapan", "Kasih", "Bina", "Sejahtera", "Mulia", "Bakti", "Cahaya", "Amanah"]
INACTIVE = ["Pindah domisili", "Mengundurkan diri", "Tidak melaksanakan tugas satu tahun"]
LKS_TYPES = [
    LksType.CHILDREN,
    LksType.CHILDREN,
    LksType.CHILDREN,
    LksType.CHILDREN,
    LksType.CHILDREN,
    LksType.ELDERLY,
    LksType.ELDERLY,
    LksType.ODGJ,
    LksType.ODGJ,
    LksType.DISABILITY,
    LksType.NAPZA,
]
LKS_PREFIX: dict[str, str] = {
    LksType.CHILDREN: "LKSA",
    LksType.ELDERLY: "Panti Werdha",
    LksType.ODGJ: "LKS ODGJ",
    LksType.DISABILITY: "LKS Disabilitas",
    LksType.NAPZA: "LKS Rehabilitasi NAPZA",
}
# (kind code, how many, level of the area of work)
PLAN = [
    ("penyuluh-sosial", 3, Level.KABUPATEN),
    ("peksos-profesional", 4, Level.KABUPATEN),
    ("tksk", 18, Level.KECAMATAN),
    ("pendamping-pkh", 12, Level.KECAMATAN),
    ("psm", 40, Level.DESA),
    ("tagana", 12, Level.DESA),
    ("lks", len(LKS_TYPES), Level.DESA),
    ("karang-taruna", 24, Level.DESA),
    ("lk3", 1, Level.KABUPATEN),
    ("keluarga-pioner", 6, Level.DESA),
    ("wksbm", 5, Level.DESA),
    ("wpks", 5, Level.DESA),
    ("dunia-usaha", 3, Level.KABUPATEN),
]


@dataclass
class Areas:
    kabupaten: str
    kecamatan: list[str]
    desa: dict[str, list[str]] = field(default_factory=dict)

    def pick_desa(self, rng: random.Random, index: int) -> str:
        # Every third partner works in the demo accounts' first kecamatan (first two desa).
        first = self.desa[self.kecamatan[0]]
        if index % 3 == 0 and first:
            return first[index // 3 % min(2, len(first))]
        kecamatan = self.kecamatan[rng.randrange(len(self.kecamatan))]
        return rng.choice(self.desa[kecamatan])


def _areas() -> Areas | None:
    office = settings.OFFICE_WILAYAH_CODE
    kecamatan = list(
        Wilayah.objects.filter(level=Level.KECAMATAN, parent_id=office)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not kecamatan:
        return None
    areas = Areas(kabupaten=office, kecamatan=kecamatan)
    for code, parent in Wilayah.objects.filter(
        level=Level.DESA, parent_id__in=kecamatan
    ).values_list("code", "parent_id"):
        areas.desa.setdefault(parent, []).append(code)
    for code in kecamatan:
        areas.desa.setdefault(code, [code])
    return areas


def _person_name(rng: random.Random) -> str:
    given = " ".join(part for part in (rng.choice(GIVEN), rng.choice(MIDDLE)) if part)
    return f"{given} {rng.choice(FAMILY)} (demo)"


def _name(
    rng: random.Random, kind: PartnerKind, desa: str, lks_type: str, names: dict[str, str]
) -> str:
    place = names.get(desa, "")
    if kind.code == "lks":
        return f"{LKS_PREFIX.get(lks_type, 'LKS')} {rng.choice(WORDS)} {rng.choice(WORDS)} (demo)"
    if kind.code == "karang-taruna":
        return f"Karang Taruna {place} (demo)"
    if kind.code == "lk3":
        return "LK3 Kabupaten (demo)"
    if kind.code == "wksbm":
        return f"WKSBM {place} (demo)"
    if kind.code == "dunia-usaha":
        return f"PT {rng.choice(WORDS)} {rng.choice(WORDS)} Contoh (demo)"
    if kind.code == "keluarga-pioner":
        return f"Keluarga {rng.choice(FAMILY)} (demo)"
    return _person_name(rng)


def _partners(rng: random.Random, areas: Areas, today: dt.date) -> list[Partner]:
    kinds = {k.code: k for k in PartnerKind.objects.all()}
    names = dict(
        Wilayah.objects.filter(code__startswith=areas.kabupaten + ".").values_list("code", "name")
    )
    partners: list[Partner] = []
    taken: set[str] = set()
    for code, count, level in PLAN:
        kind = kinds[code]
        used: set[str] = set()
        for index in range(count):
            if level == Level.KABUPATEN:
                area = areas.kabupaten
            elif level == Level.KECAMATAN:
                area = areas.kecamatan[index % len(areas.kecamatan)]
            else:
                area = areas.pick_desa(rng, index)
                if code == "karang-taruna":  # one per desa
                    while area in used:
                        area = areas.pick_desa(rng, index + rng.randrange(1, 50))
                    used.add(area)
            lks_type = LKS_TYPES[index] if code == LKS else ""
            name = _name(rng, kind, area, lks_type, names)
            for _retry in range(20):
                if name not in taken:
                    break
                name = _name(rng, kind, area, lks_type, names)
            if name in taken:
                name = name.replace(" (demo)", f" {index + 1} (demo)")
            taken.add(name)
            # Most registered years ago, some this year.
            since = today - dt.timedelta(days=rng.randint(400, 1800))
            if rng.random() < 0.12:
                since = today - dt.timedelta(days=rng.randint(5, max(6, today.timetuple().tm_yday)))
            institution = kind.institution
            partners.append(
                Partner(
                    kind=kind,
                    name=name,
                    area_id=area,
                    phone=f"0812{rng.randint(10_000_000, 99_999_999)}",
                    address=f"Jl. Contoh No. {rng.randint(1, 99)} (demo)",
                    decree_number=(
                        f"188/{rng.randint(100, 999)}/416-{since.year} (demo)"
                        if rng.random() < 0.8
                        else ""
                    ),
                    decree_date=since,
                    deed_number=(
                        f"AHU-{rng.randint(1000, 9999)}.AH.01.07 (demo)"
                        if institution and rng.random() < 0.8
                        else ""
                    ),
                    deed_date=since - dt.timedelta(days=200) if institution else None,
                    lks_type=lks_type,
                    active=True,
                    active_since=since,
                )
            )
    return Partner.objects.bulk_create(partners)


def _history(rng: random.Random, partners: list[Partner], today: dt.date) -> None:
    changes: list[PartnerStatusChange] = []
    for partner in partners:
        assert partner.active_since is not None
        since = partner.active_since
        changes.append(
            PartnerStatusChange(partner=partner, active=True, on=since, reason=REGISTERED)
        )
        if partner.kind.code == LKS or rng.random() > 0.12 or (today - since).days < 150:
            continue
        off = since + dt.timedelta(days=rng.randint(100, max(101, (today - since).days - 30)))
        changes.append(
            PartnerStatusChange(partner=partner, active=False, on=off, reason=rng.choice(INACTIVE))
        )
        partner.active, partner.active_since = False, off
        if rng.random() < 0.3 and (today - off).days > 20:
            back = off + dt.timedelta(days=rng.randint(10, (today - off).days))
            changes.append(
                PartnerStatusChange(
                    partner=partner, active=True, on=back, reason="Aktif kembali (demo)"
                )
            )
            partner.active, partner.active_since = True, back
    PartnerStatusChange.objects.bulk_create(changes)
    Partner.objects.bulk_update(partners, ["active", "active_since"])


def _certificates(rng: random.Random, partners: list[Partner], today: dt.date) -> list[Partner]:
    """STP of the LKS: mostly valid for years, three expiring within 90 days, one expired,
    one without. Returns the LKS holding a valid one."""
    lks = [p for p in partners if p.kind.code == LKS]
    certificates: list[Certificate] = []
    valid: list[Partner] = []
    for index, partner in enumerate(lks):
        if index == len(lks) - 1:
            continue  # one LKS without a certificate
        if index in (1, 4, 7):
            expires = today + dt.timedelta(days=rng.randint(10, 85))
        elif index == 9:
            expires = today - dt.timedelta(days=rng.randint(5, 60))
        else:
            expires = today + dt.timedelta(days=rng.randint(200, 1000))
        issued = expires - dt.timedelta(days=3 * 365)
        if issued > today:
            issued = today - dt.timedelta(days=30)
        if index % 3 == 0:  # an earlier certificate, renewed
            certificates.append(
                Certificate(
                    partner=partner,
                    number=f"460/{100 + index}/416-{issued.year - 3}/STP (demo)",
                    issued_on=issued - dt.timedelta(days=3 * 365),
                    expires_on=issued,
                    reminded_on=issued - dt.timedelta(days=60),
                )
            )
        certificates.append(
            Certificate(
                partner=partner,
                number=f"460/{200 + index}/416-{issued.year}/STP (demo)",
                issued_on=issued,
                expires_on=expires,
            )
        )
        if expires >= today:
            valid.append(partner)
    Certificate.objects.bulk_create(certificates)
    return valid


def _stay(rng: random.Random, earliest: dt.date, today: dt.date) -> tuple[dt.date, dt.date | None]:
    since = earliest + dt.timedelta(days=rng.randint(0, max(0, (today - earliest).days - 1)))
    if rng.random() < 0.15 and (today - since).days > 30:
        return since, since + dt.timedelta(days=rng.randint(1, (today - since).days))
    return since, None


def _members(rng: random.Random, partners: list[Partner], today: dt.date) -> int:
    members: list[InstitutionMember] = []
    used: set[int] = set()
    for partner in (p for p in partners if p.kind.code == LKS):
        if partner.lks_type == LksType.CHILDREN:
            ages = (today.replace(year=today.year - 17), today.replace(year=today.year - 6))
        else:
            ages = (today.replace(year=today.year - 90), today.replace(year=today.year - 30))
        registered = list(
            Person.objects.filter(
                desa__code__startswith=partner.area_id[:8] + ".",
                is_deceased=False,
                birth_date__range=ages,
            )
            .exclude(pk__in=used)
            .order_by("pk")
            .values_list("pk", flat=True)[:6]
        )
        opened = partner.active_since or today - dt.timedelta(days=365)
        for count in range(rng.randint(6, 14)):
            since, until = _stay(rng, opened, today)
            reason = "Kembali ke keluarga (demo)" if until else ""
            if count < len(registered):
                used.add(registered[count])
                members.append(
                    InstitutionMember(
                        partner=partner,
                        person_id=registered[count],
                        since=since,
                        until=until,
                        end_reason=reason,
                    )
                )
                continue
            birth = dt.date.fromordinal(rng.randint(ages[0].toordinal(), ages[1].toordinal()))
            members.append(
                InstitutionMember(
                    partner=partner,
                    name=_person_name(rng),
                    birth_date=birth,
                    since=since,
                    until=until,
                    end_reason=reason,
                )
            )
    InstitutionMember.objects.bulk_create(members)
    return len(members)


def _trainings(rng: random.Random, partners: list[Partner], areas: Areas, today: dt.date) -> int:
    kinds = {k.code: k for k in PartnerKind.objects.filter(code__in=["psm", "tksk", "lks"])}
    specs = [
        ("Bimbingan Teknis Pekerja Sosial Masyarakat (demo)", "psm", 200, 3, 20),
        ("Peningkatan Kapasitas TKSK (demo)", "tksk", 120, 2, 18),
        ("Penguatan Kelembagaan LKS (demo)", "lks", 60, 2, 8),
        ("Bimbingan Teknis PSM Lanjutan (demo)", "psm", -30, 2, 15),
    ]
    made = 0
    for name, kind, days_ago, length, size in specs:
        starts = today - dt.timedelta(days=days_ago)
        training = Training.objects.create(
            name=name,
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=length - 1),
            organiser="Dinas Sosial Kabupaten Mojokerto (demo)",
            place="Aula Dinas Sosial (demo)",
            area_id=areas.kabupaten,
            target_kind=kinds.get(kind),
        )
        pool = [p for p in partners if p.kind.code == kind and p.active]
        chosen = rng.sample(pool, min(size, len(pool)))
        ended = training.ends_on <= today
        TrainingParticipant.objects.bulk_create(
            TrainingParticipant(
                training=training,
                partner=p,
                passed=(rng.random() < 0.85) if ended else None,
            )
            for p in chosen
        )
        made += 1
    return made


def _grants(
    rng: random.Random, partners: list[Partner], valid: list[Partner], today: dt.date
) -> int:
    """UEP grants to Karang Taruna of a desa with a board decree and to LKS with a deed and a
    valid certificate (the conditions of Tabel 2.4.2 rows 23-24)."""
    karang = [
        p
        for p in partners
        if p.kind.code == "karang-taruna" and p.decree_number and p.active and len(p.area_id) == 13
    ][:4]
    lks = [p for p in valid if p.deed_number and p.active][:2]
    grants = []
    for partner in karang + lks:
        grants.append(
            UepGrant(
                partner=partner,
                granted_on=today - dt.timedelta(days=rng.randint(20, 300)),
                amount=rng.choice([10_000_000, 15_000_000, 20_000_000, 25_000_000]),
                business=rng.choice(
                    [
                        "Usaha sablon kaos dan percetakan (demo)",
                        "Budidaya ikan lele kolam terpal (demo)",
                        "Produksi keripik singkong (demo)",
                        "Jasa cuci motor (demo)",
                    ]
                ),
                evidence={"demo": True},
            )
        )
    UepGrant.objects.bulk_create(grants)
    return len(grants)


def load(*, stdout: TextIO, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    if Partner.objects.exists():
        stdout.write("Mitra demo: sudah ada, dilewati\n")
        return
    areas = _areas()
    if areas is None:
        stdout.write("Mitra demo: wilayah kantor belum dimuat, dilewati\n")
        return
    rng = random.Random(SEED)
    with transaction.atomic():
        if not PartnerKind.objects.exists():
            load_kinds(stdout=stdout)
        partners = _partners(rng, areas, today)
        _history(rng, partners, today)
        valid = _certificates(rng, partners, today)
        members = _members(rng, partners, today)
        trainings = _trainings(rng, partners, areas, today)
        grants = _grants(rng, partners, valid, today)
        audit.record(
            actor=None,
            action=Action.IMPORT,
            object_type="partners.partner",
            object_repr="data demo mitra sintetis",
            extra={"partners": len(partners), "members": members, "grants": grants},
        )
    stdout.write(
        f"Mitra demo: {len(partners)} mitra, {members} warga binaan, {trainings} pelatihan, "
        f"{grants} bantuan UEP\n"
    )
