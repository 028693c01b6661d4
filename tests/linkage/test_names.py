"""The linkage name normaliser on real spellings of Indonesian names."""

from __future__ import annotations

import pytest

from sejahtera.common.names import name_key
from sejahtera.linkage.names import link_name, name_sound

# (as written on one record, as written on another): the same person.
SAME = [
    # titles and degrees, with or without a comma or dots
    ("H. Abdul Rahman", "Abdul Rahman"),
    ("Hj. Siti Aminah, S.Pd", "Siti Aminah"),
    ("SITI AMINAH S.PD", "Siti Aminah"),
    ("Siti Aminah S. Pd. I", "SITI AMINAH"),
    ("Drs. Bambang Soegiarto, M.M.", "Bambang Sugiarto"),
    ("Ir. Joko Widodo", "Joko Widodo"),
    ("BUDI SANTOSO SE", "Budi Santoso"),
    ("Dra. Sri Mulyani, M.Si", "Sri Mulyani"),
    ("dr. Rina Wulandari Sp", "Rina Wulandari"),
    ("Raden Ajeng Kartini", "Ajeng Kartini"),
    ("KH. Hasyim Asyari", "Hasyim Asyari"),
    ("Kyai Haji Ahmad Dahlan", "Ahmad Dahlan"),
    ("Ny. Sulastri", "Sulastri"),
    ("Almh. Suminah", "Suminah"),
    ("Ustadz Abdul Somad", "Abdul Somad"),
    # Muhammad and Ahmad
    ("Muhammad Ali", "Mohammad Ali"),
    ("M. Ali", "Muhammad Ali"),
    ("Moh. Ali", "Muhammad Ali"),
    ("Moch. Ali Imron", "Mochammad Ali Imron"),
    ("MOCHAMAD ALI", "Mukhammad Ali"),
    ("Muhamad Ridwan", "Mohamad Ridwan"),
    ("Achmad Fauzi", "Ahmad Fauzi"),
    ("Akhmad Fauzi", "Ahmad Fauzi"),
    ("Ahmat Fauzi", "Achmad Fauzi"),
    # Abdul
    ("Abd. Rahman", "Abdul Rahman"),
    ("Abdurrahman Wahid", "Abdul Rahman Wahid"),
    ("Abdussalam", "Abdul Salam"),
    # old spelling
    ("Djoko Susilo", "Joko Susilo"),
    ("Tjahjo Kumolo", "Cahyo Kumolo"),
    ("Soekarno", "Sukarno"),
    ("Soeharto", "Suharto"),
    ("Chairul Tanjung", "Khairul Tanjung"),
    ("Choirul Anam", "Khoirul Anam"),
    ("Sjahrir", "Syahrir"),
    ("Noer Hidayat", "Nur Hidayat"),
    ("Noor Hidayat", "Nur Hidayat"),
    # Javanese and Dutch-era letter pairs
    ("Widhi Astuti", "Widi Astuti"),
    ("Dhani Saputra", "Dani Saputra"),
    ("Thoyib", "Toyib"),
    ("Qomariyah", "Komariah"),
    ("Stephanus Hadi", "Stefanus Hadi"),
    ("Novi Andriani", "Nofi Andriani"),
    # y as a vowel or glide, final h
    ("Supriyanto", "Suprianto"),
    ("Sulistyowati", "Sulistiowati"),
    ("Rudy Hartono", "Rudi Hartono"),
    ("Sry Wahyuni", "Sri Wahyuni"),
    ("Siti Fatimah", "Siti Fatima"),
    ("Nurhayatih", "Nurhayati"),
    # repeated letters, case, accents, spacing
    ("Hasanuddin", "Hasanudin"),
    ("Sitti Maryam", "Siti Maryam"),
    ("Muhammmad  Rizky", "Muhammad Rizky"),
    ("DEWI LESTARI", "dewi lestari"),
    ("Réné", "Rene"),
]

DIFFERENT = [
    ("Siti Aminah", "Siti Amanah"),
    ("Budi Santoso", "Budi Susanto"),
    ("Agus", "Agung"),
    ("Panji", "Panyi"),
    ("Wahyu", "Wahyudi"),
    ("Ahmad Fauzi", "Muhammad Fauzi"),
    ("Sri Wahyuni", "Sri Wahyuningsih"),
    ("Yanto", "Yanti"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_spellings_of_one_name_meet(a: str, b: str) -> None:
    assert link_name(a) == link_name(b), (link_name(a), link_name(b))


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_names_stay_apart(a: str, b: str) -> None:
    assert link_name(a) != link_name(b)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("H. ACHMAD DJUNAEDI, S.Pd", "ahmad junaedi"),
        ("Hj. SITI FATIMAH S.Pd.I", "siti fatima"),
        ("M. Abd. Rochim", "muhamad abdul rokhim"),
        ("Haji", "haji"),  # a lone title word is someone's recorded name: kept
        ("S.Pd", "s pd"),  # nothing but a degree: kept rather than erased
        ("", ""),
    ],
)
def test_exact_keys(name: str, expected: str) -> None:
    assert link_name(name) == expected


def test_builds_on_the_search_key() -> None:
    # Whatever the search key already makes one, the linkage name makes one too.
    for a, b in [("Moch. Djoko", "Muhammad Joko"), ("Soetjipto", "Sucipto")]:
        assert name_key(a) == name_key(b)
        assert link_name(a) == link_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Suprianto", "Supriyanto"), ("Wahyudi", "Wahudi"), ("Agus Salim", "Agoes Saleem")],
)
def test_names_that_sound_alike_share_a_sound_key(a: str, b: str) -> None:
    assert name_sound(link_name(a)) == name_sound(link_name(b))


def test_sound_key_keeps_different_names_apart() -> None:
    assert name_sound(link_name("Budi Santoso")) != name_sound(link_name("Dewi Lestari"))
