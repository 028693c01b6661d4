import pytest

from sejahtera.common.names import name_key


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("Muhammad Ali", "Mohammad Ali"),
        ("M. Ali", "Muhammad Ali"),
        ("Moch. Ali", "Muh Ali"),
        ("MOCHAMAD ALI", "Mukhammad Ali"),
        ("H. Abdul Rahman", "Abdul Rahman"),
        ("Hj. Siti Aminah, S.Pd", "Siti Aminah"),
        ("Drs. Bambang Soegiarto", "Bambang Sugiarto"),
        ("Djoko Susilo", "Joko Susilo"),
        ("Tjahjo Kumolo", "Cahyo Kumolo"),
        ("Soekarno", "Sukarno"),
        ("Chairul Tanjung", "Khairul Tanjung"),
        ("Sjahrir", "Syahrir"),
        ("Hasanuddin", "Hasanudin"),
        ("Muhammmad  Rizky", "Muhammad Rizky"),
        ("Dewi Lestari", "DEWI LESTARI"),
        ("Réné", "Rene"),
    ],
)
def test_variants_meet(variant: str, canonical: str) -> None:
    assert name_key(variant) == name_key(canonical)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Siti Aminah", "Siti Amanah"),
        ("Budi Santoso", "Budi Susanto"),
        ("Agus", "Agung"),
        ("Panji", "Panyi"),
    ],
)
def test_different_names_stay_apart(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_a_lone_title_word_is_kept() -> None:
    # "Haji" as someone's whole recorded name is kept rather than erased.
    assert name_key("Haji") == "haji"
    assert name_key("") == ""
