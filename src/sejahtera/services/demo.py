"""Demo data of the services app: synthetic, for the demo only, drawn with a fixed seed so
every demo database looks the same. Working-day targets for the services that have none
(demo settings: the seed gives no targets), ~300 service requests over the last 12 months,
~120 complaints and ~25 cases, spread over the kabupaten with a larger share in the demo
accounts' areas. Applicants are persons of the synthetic population (or made-up names when
there is none). Each part is loaded once: it is skipped when its table already has rows."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from sejahtera.accounts.models import Unit, User
from sejahtera.accounts.roles import Role
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.registry.models import Person, PpksCategory
from sejahtera.services.calendar import add_working_days, holidays, is_working_day
from sejahtera.services.models import (
    Case,
    CaseEntry,
    CaseOutcome,
    CaseStatus,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    ComplaintStep,
    EntryKind,
    Output,
    RequestStatus,
    RequestStep,
    Service,
    ServiceRequest,
)
from sejahtera.services.requests import ALPHABET
from sejahtera.wilayah.models import Level, Wilayah

SEED = 2025
REQUESTS = 300
COMPLAINTS = 120
CASES = 25
DAYS = 365

# Demo settings, not the seed's: Tabel 2.4.1 gives no time targets. Letters are quick,
# referrals and aid take longer, cases longest.
DEMO_TARGETS: dict[str, int] = {
    Output.LETTER: 3,
    Output.REFERRAL: 7,
    Output.AID: 10,
    Output.CASE: 10,
}
# How often each kind of service is asked for (letters most).
DEMO_WEIGHTS: dict[str, int] = {
    Output.LETTER: 10,
    Output.REFERRAL: 3,
    Output.AID: 2,
    Output.CASE: 1,
}

# Refusal reasons as clerks type them: the same reason in several spellings, so the report's
# grouping has something to group.
REFUSALS = [
    ("Dokumen tidak lengkap", 6),
    ("dokumen tidak lengkap ", 2),
    ("DOKUMEN TIDAK LENGKAP.", 1),
    ("Tidak terdaftar di DTKS", 4),
    ("Pemohon berdomisili di luar kabupaten", 2),
    ("Permohonan ganda", 2),
    ("NIK tidak sesuai data kependudukan", 1),
]
MISSING = ["Kurang fotokopi KK", "Surat pengantar desa belum ada", "KTP tidak terbaca"]
PURPOSES: dict[str, str] = {
    Output.LETTER: "Surat untuk pendaftaran sekolah anak / berobat (data demo)",
    Output.REFERRAL: "Mohon difasilitasi alat bantu / pelatihan (data demo)",
    Output.AID: "Mohon bantuan untuk keluarga (data demo)",
    Output.CASE: "Mohon penanganan untuk anggota keluarga (data demo)",
}

# Complaint categories as data/services/pengaduan.yaml names them, for when the reference
# loader has not created them.
CATEGORIES = [
    ("terlewat", "Warga layak belum terdaftar / tidak menerima bantuan", 4),
    ("tidak-layak", "Penerima bantuan dinilai tidak layak", 3),
    ("penyaluran", "Penyaluran bantuan (terlambat, tidak sampai, dipotong)", 3),
    ("layanan", "Pelayanan (prosedur, waktu, persyaratan)", 2),
    ("petugas", "Sikap atau perilaku petugas", 1),
    ("data", "Kesalahan data (nama, NIK, alamat, desil)", 2),
    ("lainnya", "Lainnya", 1),
]
CHANNELS = [
    (ComplaintChannel.WEB, 4),
    (ComplaintChannel.COUNTER, 3),
    (ComplaintChannel.PHONE, 3),
    (ComplaintChannel.LETTER, 1),
    (ComplaintChannel.SOCIAL, 1),
]
COMPLAINT_TEXT = {
    "terlewat": "Keluarga kami termasuk tidak mampu tetapi belum pernah menerima bantuan.",
    "tidak-layak": "Tetangga yang punya mobil dan toko tetap menerima bantuan tiap bulan.",
    "penyaluran": "Bantuan bulan ini belum sampai padahal tetangga sudah menerima.",
    "layanan": "Syarat surat keterangan berbeda antara loket dan informasi di papan.",
    "petugas": "Petugas loket kurang ramah dan tidak menjelaskan kekurangan berkas.",
    "data": "Nama dan tanggal lahir di data bantuan berbeda dengan KTP.",
    "lainnya": "Mohon informasi jadwal pelayanan di kecamatan.",
}

# Which PPKS category a case of a service is about, read from the service's name.
CASE_CATEGORY = [
    ("t4", "GELANDANGAN"),
    ("odgj", "PENYANDANG_DISABILITAS"),
    ("abh", "ANAK_YANG_MENGALAMI_MASALAH_HUKUM"),
    ("tipiring", "PENGEMIS"),
    ("adopsi", "ANAK_BALITA_TERLANTAR"),
    ("reunifikasi", "PEKERJA_MIGRAN_BERMASALAH_SOSIAL"),
]
STAGES = [
    (CaseStatus.INTAKE, 3),
    (CaseStatus.ASSESSED, 3),
    (CaseStatus.PLANNED, 4),
    (CaseStatus.ACTING, 5),
    (CaseStatus.CLOSED, 10),
]
OUTCOMES = [
    (CaseOutcome.SERVED, 4),
    (CaseOutcome.REUNIFIED, 3),
    (CaseOutcome.REFERRED, 2),
    (CaseOutcome.LEFT, 1),
]
GIVEN = ["Siti", "Budi", "Sri", "Agus", "Dewi", "Eko", "Wahyu", "Nur", "Joko", "Rina", "Yuli"]
FAMILY = ["Lestari", "Santoso", "Wahyuni", "Prasetyo", "Rahayu", "Hidayat", "Setiawan"]


@dataclass(frozen=True)
class Applicant:
    person_id: int | None
    name: str
    nik: str
    desa: str


class Draw:
    """Random choices of the demo: dates in the last year (working days), desa weighted to
    the demo accounts' areas, applicants from the synthetic population."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.start = today - dt.timedelta(days=DAYS - 1)
        self.off = holidays((self.start, today + dt.timedelta(days=60)))
        office = settings.OFFICE_WILAYAH_CODE
        desa = list(
            Wilayah.objects.filter(level=Level.DESA, code__startswith=office + ".")
            .order_by("code")
            .values_list("code", flat=True)
        )
        kecamatan = sorted({code.rsplit(".", 1)[0] for code in desa})
        first = [c for c in desa if kecamatan and c.startswith(kecamatan[0] + ".")]
        second = [c for c in desa if len(kecamatan) > 1 and c.startswith(kecamatan[1] + ".")]
        # The demo accounts' areas: the first two desa and the rest of the first kecamatan,
        # the first desa of the second kecamatan (see accounts/demo.py).
        self.pools = [(desa, 50), (first[:2], 25), (first, 15), (second[:1], 10)]
        self.pools = [(pool, weight) for pool, weight in self.pools if pool]
        persons: dict[str, list[Applicant]] = {}
        for pk, name, nik, code in (
            Person.objects.filter(desa__code__startswith=office + ".", is_deceased=False)
            .order_by("pk")
            .values_list("pk", "name", "nik", "desa_id")[:20_000]
        ):
            persons.setdefault(code, []).append(Applicant(pk, name, nik or "", code))
        self.persons = persons

    def weighted(self, pairs: Sequence[tuple[Any, int]]) -> Any:
        return self.rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]

    def day(self, not_before: dt.date | None = None) -> dt.date:
        start = max(self.start, not_before or self.start)
        for _try in range(20):
            day = start + dt.timedelta(days=self.rng.randint(0, max((self.today - start).days, 0)))
            if is_working_day(day, self.off):
                return day
        return start

    def after(self, day: dt.date, working_days: int) -> dt.date:
        return add_working_days(day, working_days, self.off)

    def applicant(self) -> Applicant:
        code = self.rng.choice(self.weighted(self.pools))
        living = self.persons.get(code)
        if living:
            return self.rng.choice(living)
        name = f"{self.rng.choice(GIVEN)} {self.rng.choice(FAMILY)}"
        return Applicant(None, name, "", code)

    def code(self, prefix: str, taken: set[str]) -> str:
        while True:
            code = prefix + "".join(self.rng.choice(ALPHABET) for _ in range(8))
            if code not in taken:
                taken.add(code)
                return code


def _staff() -> tuple[User | None, User | None]:
    clerk = User.objects.filter(role=Role.OPERATOR_DINAS, is_active=True).order_by("pk").first()
    worker = User.objects.filter(role=Role.TKSK, is_active=True).order_by("pk").first()
    return clerk, worker or clerk


def _escalated(due: dt.date, done: dt.date | None, today: dt.date) -> dt.date | None:
    """The daily escalation (services/escalation.py) reports an item the day after its due
    date if it is still open then."""
    day = due + dt.timedelta(days=1)
    if day <= today and (done is None or done > due):
        return day
    return None


def _targets() -> int:
    changed = 0
    for output, days in DEMO_TARGETS.items():
        changed += Service.objects.filter(output=output, sla_working_days__isnull=True).update(
            sla_working_days=days
        )
    return changed


def _requests(draw: Draw, clerk: User | None) -> int:
    rng, today = draw.rng, draw.today
    services = list(Service.objects.all())
    if not services or not draw.pools:
        return 0
    weights = [DEMO_WEIGHTS.get(s.output, 1) for s in services]
    taken = set(ServiceRequest.objects.values_list("tracking_code", flat=True))
    rows: list[ServiceRequest] = []
    steps: list[tuple[str, str]] = []  # (final status, note) per row
    for _i in range(REQUESTS):
        service = rng.choices(services, weights=weights)[0]
        who = draw.applicant()
        received = draw.day()
        target = service.sla_working_days or DEMO_TARGETS[Output.LETTER]
        due = draw.after(received, target)
        # Most are done, some late; one in eight refused; the recent ones still open.
        closed_on = draw.after(received, rng.choice([0, 1, 1, 2, 2, 3, target + 2, target + 5]))
        roll = rng.random()
        if closed_on > today or roll > 0.95:
            status = rng.choice(
                [
                    RequestStatus.RECEIVED,
                    RequestStatus.MISSING,
                    RequestStatus.CHECKED,
                    RequestStatus.IN_PROCESS,
                ]
            )
            closed = None
        else:
            status = RequestStatus.REFUSED if roll < 0.13 else RequestStatus.DONE
            closed = closed_on
        reason = ""
        if status == RequestStatus.REFUSED:
            reason = draw.weighted(REFUSALS)
        elif status == RequestStatus.MISSING:
            reason = rng.choice(MISSING)
        rows.append(
            ServiceRequest(
                service=service,
                tracking_code=draw.code("LYN-", taken),
                channel=rng.choice([Channel.ONLINE, Channel.COUNTER, Channel.COUNTER]),
                applicant_name=who.name,
                applicant_nik=who.nik,
                desa_id=who.desa,
                person_id=who.person_id,
                description=PURPOSES.get(service.output, PURPOSES[Output.LETTER]),
                status=status,
                reason=reason,
                received_on=received,
                due_on=due if service.sla_working_days else None,
                closed_on=closed,
                escalated_on=_escalated(due, closed, today) if service.sla_working_days else None,
                recorded_by=clerk,
            )
        )
        steps.append((status, reason))
    created = ServiceRequest.objects.bulk_create(rows)
    step_rows = [RequestStep(request=r, status=RequestStatus.RECEIVED) for r in created]
    step_rows += [
        RequestStep(request=r, status=status, note=note, by=clerk)
        for r, (status, note) in zip(created, steps, strict=True)
        if status != RequestStatus.RECEIVED
    ]
    RequestStep.objects.bulk_create(step_rows)
    # Steps are stamped when written; date them when they happened (received, then closed or
    # received for the open ones), in two UPDATE statements.
    own = ServiceRequest.objects.filter(pk=OuterRef("request_id"))
    RequestStep.objects.filter(request__in=created, status=RequestStatus.RECEIVED).update(
        at=Subquery(own.values(when=Cast("received_on", DateTimeField())))
    )
    RequestStep.objects.filter(request__in=created).exclude(status=RequestStatus.RECEIVED).update(
        at=Subquery(own.values(when=Cast(Coalesce("closed_on", "received_on"), DateTimeField())))
    )
    return len(created)


def _categories() -> list[ComplaintCategory]:
    units = {u.code: u for u in Unit.objects.all()}
    for order, (code, name, _weight) in enumerate(CATEGORIES, start=1):
        ComplaintCategory.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "order": order,
                "response_working_days": 5,
                "unit": units.get("SEKRETARIAT"),
            },
        )
    return list(ComplaintCategory.objects.filter(code__in=[c[0] for c in CATEGORIES]))


def _complaints(draw: Draw, clerk: User | None) -> int:
    rng, today = draw.rng, draw.today
    if not draw.pools:
        return 0
    categories = {c.code: c for c in _categories()}
    weights = [(categories[code], w) for code, _name, w in CATEGORIES if code in categories]
    taken = set(Complaint.objects.values_list("tracking_code", flat=True))
    rows: list[Complaint] = []
    for _i in range(COMPLAINTS):
        category = draw.weighted(weights)
        channel = draw.weighted(CHANNELS)
        who = draw.applicant()
        received = draw.day()
        due = draw.after(received, category.response_working_days)
        answered = draw.after(received, rng.choice([1, 2, 3, 3, 4, 5, 5, 7, 9]))
        anonymous = (
            channel in (ComplaintChannel.WEB, ComplaintChannel.SOCIAL) and rng.random() < 0.3
        )
        complaint = Complaint(
            tracking_code=draw.code("ADU-", taken),
            channel=channel,
            category=category,
            anonymous=anonymous,
            complainant_name="" if anonymous else who.name,
            desa_id=who.desa,
            description=COMPLAINT_TEXT.get(category.code, COMPLAINT_TEXT["lainnya"])
            + " (data demo)",
            status=ComplaintStatus.RECEIVED,
            unit=category.unit,
            received_on=received,
            due_on=due,
            recorded_by=None if channel == ComplaintChannel.WEB else clerk,
        )
        if answered <= today and rng.random() < 0.9:
            complaint.status = ComplaintStatus.ANSWERED
            complaint.answered_on = answered
            complaint.reply = (
                "Terima kasih. Pengaduan sudah kami periksa dan tindak lanjuti (demo)."
            )
            closed = draw.after(answered, rng.randint(1, 5))
            if closed <= today and rng.random() < 0.7:
                complaint.status = ComplaintStatus.CLOSED
                complaint.closed_on = closed
            if rng.random() < 0.6:
                complaint.rating = draw.weighted([(5, 4), (4, 5), (3, 2), (2, 1), (1, 1)])
        elif rng.random() < 0.6:
            complaint.status = ComplaintStatus.ASSIGNED
        complaint.escalated_on = _escalated(due, complaint.answered_on, today)
        rows.append(complaint)
    created = Complaint.objects.bulk_create(rows)
    steps = [ComplaintStep(complaint=c, status=ComplaintStatus.RECEIVED) for c in created]
    steps += [
        ComplaintStep(
            complaint=c,
            status=ComplaintStatus.ANSWERED,
            note=c.reply[:300],
            public=True,
            by=clerk,
        )
        for c in created
        if c.answered_on
    ]
    ComplaintStep.objects.bulk_create(steps)
    own_complaint = Complaint.objects.filter(pk=OuterRef("complaint_id"))
    for status, field in (
        (ComplaintStatus.RECEIVED, "received_on"),
        (ComplaintStatus.ANSWERED, "answered_on"),
    ):
        ComplaintStep.objects.filter(complaint__in=created, status=status).update(
            at=Subquery(own_complaint.values(when=Cast(field, DateTimeField())))
        )
    return len(created)


def _case_category(service: Service, categories: dict[str, PpksCategory]) -> PpksCategory | None:
    name = service.name.casefold()
    for word, code in CASE_CATEGORY:
        if word in name and code in categories:
            return categories[code]
    return next(iter(categories.values()), None)


def _cases(draw: Draw, clerk: User | None, worker: User | None) -> int:
    rng, today = draw.rng, draw.today
    services = list(Service.objects.filter(output=Output.CASE))
    categories = {c.code: c for c in PpksCategory.objects.all()}
    if not services or not categories or not draw.pools:
        return 0
    drafts: list[tuple[Case, list[CaseEntry]]] = []
    for _i in range(CASES):
        service = rng.choice(services)
        category = _case_category(service, categories)
        assert category is not None
        opened = draw.day()
        status = draw.weighted(STAGES)
        who = draw.applicant()
        unknown = "odgj" in service.name.casefold() and rng.random() < 0.5
        case = Case(
            service=service,
            person_id=None if unknown else who.person_id,
            subject_name="Mr. X, laki-laki ±40 tahun (demo)" if unknown else who.name,
            category=category,
            desa_id=who.desa,
            status=status,
            opened_on=opened,
            intake="Klien ditemukan/diantar warga; kondisi dicatat petugas (data demo).",
            worker=worker,
            created_by=clerk,
        )
        entries: list[CaseEntry] = []
        stage = [s for s, _w in STAGES].index(status)
        if stage >= 1:
            case.assessment = "Asesmen kebutuhan: tempat tinggal, kesehatan, keluarga (demo)."
        if stage >= 2:
            case.plan = "Rencana: pemeriksaan kesehatan, penelusuran keluarga, rujukan (demo)."
        if stage >= 3:
            acted = min(draw.after(opened, rng.randint(2, 8)), today)
            entries.append(
                CaseEntry(kind=EntryKind.ACTION, on=acted, description="Kunjungan rumah (demo).")
            )
            if rng.random() < 0.5:
                entries.append(
                    CaseEntry(
                        kind=EntryKind.REFERRAL,
                        on=acted,
                        description="Dirujuk untuk layanan lanjutan (demo).",
                        referred_to="UPT Rehabilitasi Sosial (demo)",
                    )
                )
        if status == CaseStatus.CLOSED:
            closed = draw.after(opened, rng.randint(9, 30))  # after the first action
            if closed > today:
                case.status = CaseStatus.ACTING
            else:
                case.outcome = draw.weighted(OUTCOMES)
                case.outcome_note = "Ditutup oleh petugas (demo)."
                case.closed_on = closed
        drafts.append((case, entries))
    drafts.sort(key=lambda d: (d[0].opened_on, d[0].subject_name))
    last: dict[int, int] = {}
    for case, _entries in drafts:
        year = case.opened_on.year
        if year not in last:
            numbers = Case.objects.filter(number__startswith=f"KSS-{year}-").values_list(
                "number", flat=True
            )
            last[year] = max((int(n.rsplit("-", 1)[1]) for n in numbers), default=0)
        last[year] += 1
        case.number = f"KSS-{year}-{last[year]:04d}"
    created = Case.objects.bulk_create([case for case, _entries in drafts])
    rows = []
    for case, (_draft, entries) in zip(created, drafts, strict=True):
        for entry in entries:
            entry.case = case
            entry.by = worker
            rows.append(entry)
    CaseEntry.objects.bulk_create(rows)
    return len(created)


def load(*, stdout: TextIO, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    with transaction.atomic():
        targets = _targets()
        draw = Draw(rng, today)
        clerk, worker = _staff()
        made = {
            "requests": 0 if ServiceRequest.objects.exists() else _requests(draw, clerk),
            "complaints": 0 if Complaint.objects.exists() else _complaints(draw, clerk),
            "cases": 0 if Case.objects.exists() else _cases(draw, clerk, worker),
        }
        if any(made.values()) or targets:
            audit.record(
                actor=None,
                action=Action.IMPORT,
                object_type="services.servicerequest",
                object_repr="data demo layanan sintetis",
                extra={**made, "targets_set": targets},
            )
    stdout.write(
        f"Layanan demo: {made['requests']} permohonan, {made['complaints']} pengaduan, "
        f"{made['cases']} kasus baru; target hari kerja diisi untuk {targets} layanan\n"
    )
