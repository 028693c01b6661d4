"""The duplicate search: Splink's precision and recall on invented people, and the
background job that stores the model and the pairs."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from sejahtera.accounts.roles import Role
from sejahtera.jobs.models import Job, JobStatus
from sejahtera.linkage import finder, runs
from sejahtera.linkage.models import CandidatePair, Decision, LinkageModel, PairDecision
from sejahtera.linkage.selectors import pairs_for
from sejahtera.linkage.services import decide_pair
from sejahtera.registry.models import Person
from tests.conftest import DESA_A, KEC_A
from tests.linkage.conftest import Synthetic, save_synthetic


def test_finds_the_injected_duplicates(synthetic: Synthetic, trained: dict[str, Any]) -> None:
    found = {(p.id_l, p.id_r) for p in finder.predict(synthetic.table, trained, threshold=0.5)}
    hits = len(found & synthetic.truth)
    assert len(synthetic.truth) >= 50
    assert hits / len(found) >= 0.95  # precision
    assert hits / len(synthetic.truth) >= 0.95  # recall


def test_completing_a_model_fills_untrained_levels() -> None:
    model = {
        "probability_two_random_records_match": 0.0,
        "comparisons": [
            {
                "output_column_name": "x",
                "comparison_levels": [
                    {"sql_condition": "a IS NULL", "is_null_level": True},
                    {"sql_condition": "a = b", "m_probability": 0.9},
                    {"sql_condition": "c", "u_probability": 0.2},
                    {"sql_condition": "d", "m_probability": 1e-9, "u_probability": 0.5},
                    {"sql_condition": "ELSE"},
                ],
            }
        ],
    }
    levels = finder.complete(model)["comparisons"][0]["comparison_levels"]
    assert levels[1]["u_probability"] == 0.9  # no u learnt: no evidence either way
    assert levels[2]["m_probability"] == 0.2
    assert levels[3]["m_probability"] == 0.001  # the floor
    assert levels[4]["m_probability"] == levels[4]["u_probability"] == 0.5
    assert "m_probability" not in levels[0]


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_search_job_stores_model_and_pairs(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    saved = save_synthetic()
    clerk = make_user(Role.OPERATOR_DINAS)
    with django_capture_on_commit_callbacks(execute=True):
        job = runs.start_duplicate_search(actor=clerk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    model = LinkageModel.objects.get()
    assert model.version == 1 and model.trained_by == clerk
    assert model.persons == Person.objects.count()
    pairs = {(p.person_a_id, p.person_b_id) for p in CandidatePair.objects.all()}
    assert len(pairs & saved.truth_pks) >= 0.9 * len(saved.truth_pks)
    assert len(pairs & saved.truth_pks) >= 0.9 * len(pairs)
    pair = CandidatePair.objects.order_by("-match_probability").first()
    assert pair is not None and pair.match_probability > 0.9
    assert set(pair.levels) == {
        "nama",
        "tanggal_lahir",
        "nik",
        "ibu",
        "jenis_kelamin",
        "kk",
        "alamat",
        "tempat_lahir",
    }
    assert pair.desa_a == pair.person_a.desa_id and pair.desa_b == pair.person_b.desa_id
    assert job.result["pairs"] == len(pairs) and job.result["model_version"] == 1

    # A decided pair is never proposed again; a rerun with the same model keeps the version.
    decide_pair(
        actor=clerk,
        person_a=pair.person_a,
        person_b=pair.person_b,
        decision=Decision.DIFFERENT,
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = runs.start_duplicate_search(actor=clerk, retrain=False)
    again.refresh_from_db()
    assert again.status == JobStatus.DONE
    assert LinkageModel.objects.count() == 1
    assert not CandidatePair.objects.filter(person_a=pair.person_a, person_b=pair.person_b).exists()
    assert CandidatePair.objects.count() == len(pairs) - 1
    assert PairDecision.objects.count() == 1


@pytestmark_db
def test_pairs_are_seen_where_both_persons_are_in_area(
    make_user: Any, synthetic: Synthetic, trained: dict[str, Any]
) -> None:
    from tests.linkage.conftest import store_model
    from tests.registry.factories import PersonFactory

    model = store_model(trained)
    a1, a2 = PersonFactory(desa_id=DESA_A), PersonFactory(desa_id=DESA_A)
    b1 = PersonFactory(desa_id="35.16.02.2001")
    for x, y in [(a1, a2), (a1, b1)]:
        CandidatePair.objects.create(
            linkage_model=model,
            person_a=min(x, y, key=lambda p: p.pk),
            person_b=max(x, y, key=lambda p: p.pk),
            desa_a=min(x, y, key=lambda p: p.pk).desa_id,
            desa_b=max(x, y, key=lambda p: p.pk).desa_id,
            match_weight=10,
            match_probability=0.99,
        )
    desa_user = make_user(Role.OPERATOR_DESA, [DESA_A])
    tksk = make_user(Role.TKSK, [KEC_A])
    office = make_user(Role.AUDITOR)
    assert pairs_for(desa_user).count() == 1
    assert pairs_for(tksk).count() == 1
    assert pairs_for(office).count() == 2
    # a merged person's pairs leave the queue
    Person.objects.filter(pk=a2.pk).update(merged_into=b1)
    assert pairs_for(office).count() == 1


@pytestmark_db
def test_only_office_reviewers_start_a_search(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for role, areas in [
        (Role.OPERATOR_DESA, [DESA_A]),
        (Role.TKSK, [KEC_A]),
        (Role.AUDITOR, None),
    ]:
        with pytest.raises(PermissionDenied), django_capture_on_commit_callbacks(execute=True):
            runs.start_duplicate_search(actor=make_user(role, areas))
    assert not Job.objects.exists()


@pytestmark_db
def test_a_search_over_too_few_persons_fails_clearly(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = runs.start_duplicate_search(actor=make_user(Role.KEPALA_BIDANG))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Terlalu sedikit penduduk" in job.message
    assert not LinkageModel.objects.exists()


@pytestmark_db
def test_the_command_runs_the_search() -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Terlalu sedikit"):
        call_command("linkage", "duplicates", stdout=StringIO())
    with pytest.raises(CommandError, match="Ambang"):
        call_command("linkage", "duplicates", "--threshold", "2", stdout=StringIO())
    save_synthetic(persons=300, duplicates=0.03)
    out = StringIO()
    call_command("linkage", "duplicates", stdout=out)
    assert "pasangan calon data ganda" in out.getvalue()
    assert LinkageModel.objects.get().trained_by is None
