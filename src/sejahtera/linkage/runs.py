"""A duplicate search over the district, as a background job.

The job reads the district's persons in one streamed query, trains a new model on them (or
reuses the latest), lets Splink score the blocked pairs, and in one transaction at the end
stores the model as a new `LinkageModel` version and replaces the undecided candidate pairs
with the new ones above the threshold. Pairs a clerk already decided are never stored again;
nor are pairs with a person merged since."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sejahtera.accounts.models import User
from sejahtera.accounts.scoping import in_scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.jobs.models import Job
from sejahtera.jobs.services import JobError, Progress, start_job
from sejahtera.linkage import finder, records, spec
from sejahtera.linkage.access import require_reviewer
from sejahtera.linkage.models import CandidatePair, LinkageModel, PairDecision

JOB_KIND = "linkage.duplicates"
DEFAULT_THRESHOLD = 0.5
MIN_PERSONS = 50
U_SAMPLE_PAIRS = 2e6


def office_area() -> str:
    return str(settings.OFFICE_WILAYAH_CODE)


def start_duplicate_search(
    *, actor: Any, retrain: bool = True, threshold: float = DEFAULT_THRESHOLD
) -> Job:
    """Start a search of the whole district. Office staff who review duplicates only."""
    require_reviewer(actor)
    area = office_area()
    if actor is not None and not in_scope(actor, area):
        raise PermissionDenied(_("Pencarian duplikat mencakup seluruh kabupaten."))
    if not 0.05 <= threshold < 1:
        raise ValidationError(_("Ambang peluang harus antara 0,05 dan 0,99."))
    if not retrain and not LinkageModel.objects.exists():
        raise ValidationError(_("Belum ada model; latih model lebih dulu."))
    from sejahtera.linkage.tasks import find_duplicates_task

    with transaction.atomic():
        job = start_job(
            actor=actor,
            kind=JOB_KIND,
            title=_("Cari data ganda di %(area)s") % {"area": area},
            task=find_duplicates_task,
            params={"area_code": area, "retrain": retrain, "threshold": threshold},
            wilayah_code=area,
        )
        audit.record(
            actor=actor,
            action=Action.CREATE,
            obj=job,
            wilayah_code=area,
            extra={"retrain": retrain, "threshold": threshold},
        )
    return job


def search_body(
    *,
    area_code: str,
    retrain: bool = True,
    threshold: float = DEFAULT_THRESHOLD,
    u_sample_pairs: float = U_SAMPLE_PAIRS,
    engine: str = "duckdb",
) -> Any:
    """The job's body (also run in the foreground by `sejahtera linkage duplicates`).
    `engine="spark"` scores the pairs on Spark (the optional `spark` extra; see
    linkage/spark.py) with the same model; training stays on DuckDB."""

    def body(job: Job, progress: Progress) -> dict[str, Any]:
        queryset = records.persons(area_code)
        total = queryset.count()
        if total < MIN_PERSONS:
            raise JobError(
                _("Terlalu sedikit penduduk (%(n)d) untuk mencari data ganda.") % {"n": total}
            )
        progress(0, total, _("Membaca data penduduk"))
        table = records.to_table(
            records.registry_records(queryset),
            lambda n: progress(n, total, _("Membaca data penduduk")),
        )
        latest = LinkageModel.objects.order_by("-version").first()
        # a model trained before the comparisons changed is not reused
        fresh = retrain or latest is None or not spec.compatible(latest.model)
        if fresh:
            progress(total, total, _("Melatih model"))
            model = finder.train(table, max_pairs=u_sample_pairs)
        else:
            assert latest is not None
            model = latest.model
        progress(total, total, _("Membandingkan pasangan"))
        parameters = spec.Parameters.from_model(model)
        desa_of = dict(
            zip(
                table.column("unique_id").to_pylist(),
                table.column("desa").to_pylist(),
                strict=True,
            )
        )
        decided = set(PairDecision.objects.values_list("person_a_id", "person_b_id"))
        found = []
        for pair in _predict(engine, table, model, threshold):
            if (pair.id_l, pair.id_r) in decided:
                continue
            explained = spec.explain(parameters, pair.gammas)
            found.append(
                CandidatePair(
                    person_a_id=pair.id_l,
                    person_b_id=pair.id_r,
                    desa_a=desa_of[pair.id_l] or "",
                    desa_b=desa_of[pair.id_r] or "",
                    match_weight=pair.match_weight,
                    match_probability=pair.match_probability,
                    levels=explained.levels,
                )
            )
        owner = User.objects.filter(pk=job.owner_id).first() if job.owner_id else None
        with transaction.atomic():
            if fresh:
                version = (LinkageModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
                stored = LinkageModel.objects.create(
                    version=version,
                    area_code=area_code,
                    model=model,
                    persons=total,
                    trained_by=owner,
                    summary=_summary(model),
                )
                audit.record(actor=owner, action=Action.CREATE, obj=stored, wilayah_code=area_code)
            else:
                assert latest is not None
                stored = latest
            CandidatePair.objects.all().delete()
            for pair_row in found:
                pair_row.linkage_model = stored
            CandidatePair.objects.bulk_create(found, batch_size=2000)
        message = _(
            "%(pairs)d pasangan calon data ganda dari %(persons)d penduduk (model v%(v)d)."
        ) % {"pairs": len(found), "persons": total, "v": stored.version}
        return {
            "message": message,
            "pairs": len(found),
            "persons": total,
            "model_version": stored.version,
        }

    return body


def _predict(
    engine: str, table: Any, model: dict[str, Any], threshold: float
) -> Iterator[finder.Pair]:
    if engine != "spark":
        yield from finder.predict(table, model, threshold=threshold)
        return
    try:
        from sejahtera.linkage import spark
    except ImportError as exc:  # pyspark is an optional extra
        raise JobError(
            _("Spark belum terpasang: pasang dengan pip install 'sejahtera[spark]'.")
        ) from exc
    session = spark.session(
        master=settings.LINKAGE_SPARK_MASTER,
        checkpoint_dir=str(settings.VAR_DIR / "spark-checkpoints"),
    )
    yield from spark.predict(session, table, model, threshold=threshold)


def _summary(model: dict[str, Any]) -> dict[str, Any]:
    """What the model page shows: the prior and each level's weight."""
    parameters = spec.Parameters.from_model(model)
    return {
        "prior": model["probability_two_random_records_match"],
        "weights": {
            key: [None if w is None else round(w, 2) for w in weights]
            for key, weights in parameters.weights.items()
        },
    }
