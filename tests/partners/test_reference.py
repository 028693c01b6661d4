from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from sejahtera.partners.models import PartnerKind
from sejahtera.partners.reference import load, uep_conditions, uep_kinds
from sejahtera.planning.transcription import check, seed_path

DATA = Path(__file__).resolve().parents[2] / "data" / "partners" / "psks.yaml"


def test_every_row_is_in_its_seed_lines() -> None:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    seed = seed_path().read_text(encoding="utf-8").splitlines()
    assert check(data, seed) == []
    assert [row["number"] for row in data["kinds"]] == [str(n) for n in range(1, 14)]
    # Each kind's cited lines open with its number and name, as section 2.5 lists them.
    for row in data["kinds"]:
        first = seed[row["lines"][0] - 1]
        assert first.startswith(f"({row['number']}) {row['name'].split(' (')[0]}")
    # No counts: the seed states none per kind.
    assert not any("counts" in row for row in data["kinds"])


def test_the_check_finds_a_wrong_row() -> None:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["kinds"][2]["definition"] = "tenaga yang tidak ada di seed"
    seed = seed_path().read_text(encoding="utf-8").splitlines()
    assert [p.path for p in check(data, seed)] == ["$.kinds[2].definition"]


@pytest.mark.django_db
def test_loading_is_idempotent() -> None:
    load(stdout=io.StringIO())
    load(stdout=io.StringIO())
    kinds = {k.code: k for k in PartnerKind.objects.all()}
    assert len(kinds) == 13
    assert list(PartnerKind.objects.values_list("code", flat=True)[:3]) == [
        "penyuluh-sosial",
        "peksos-profesional",
        "tksk",
    ]
    assert kinds["tksk"].short_name == "TKSK" and kinds["tksk"].seed_lines == "2252-2258"
    assert kinds["pendamping-pkh"].seed_lines == "2260" and kinds["pendamping-pkh"].definition == ""
    institutions = {code for code, kind in kinds.items() if kind.institution}
    assert institutions == {"lks", "karang-taruna", "lk3", "wksbm", "dunia-usaha"}


def test_uep_conditions_as_written() -> None:
    assert uep_kinds() == ["karang-taruna", "lks"]
    assert [c.ref for c in uep_conditions("karang-taruna")] == [
        "village",
        "board_decree",
        "business",
    ]
    lks = uep_conditions("lks")
    assert [c.ref for c in lks] == ["deed", "registered", "business"]
    assert lks[1].text == "Sudah Terdaftar di Dinas Sosial (STP)" and lks[1].lines == "2862-2863"
    assert uep_conditions("psm") == []
