"""Names for record linkage: the search key of `sejahtera.common.names.name_key`, taken further.

`name_key` already drops titles and degrees written after a comma, makes the spellings of
Muhammad one, modernises the old spelling (dj→j, tj→c, oe→u, ch→kh, sj→sy) and makes doubled
letters single. `link_name` starts from it and adds what matters when two records of one
person are compared rather than searched:

- degrees written without a comma at the end ("SITI AMINAH S.PD", "BUDI SE"), nobility and
  religious titles ("R. Ayu", "Raden", "Kyai");
- Ahmad (Achmad, Akhmad, Ahmat) and Abdul (Abd., Abdur-, Abdus-) made one;
- Javanese and Dutch-era letter pairs: dh→d, th→t, ph→f, q→k, v→f;
- "y" used as a vowel or glide: Supriyanto/Suprianto, Sulistyo/Sulistio, Rudy/Rudi;
- a final "h" after a vowel: Fatimah/Fatima, Aminah/Amina.

`name_sound` is a coarse sound key (consonant skeleton) used for blocking: records whose
names sound alike are compared even if spelt differently.

Everything here is pure and cached per token: a district's names repeat a great deal."""

from __future__ import annotations

import re
from functools import lru_cache

from sejahtera.common.names import TITLES, name_key

# Degrees as written at the end of a name, letters only ("S.Pd.I" → "spdi").
DEGREES = frozenset(
    {
        "spd",
        "spdi",
        "spdsd",
        "sag",
        "sh",
        "shi",
        "se",
        "sei",
        "st",
        "sti",
        "skm",
        "skep",
        "sked",
        "ssos",
        "sip",
        "sikom",
        "skom",
        "ssi",
        "sp",
        "spt",
        "sthi",
        "sfarm",
        "sgz",
        "spsi",
        "ssy",
        "shut",
        "ss",
        "ssn",
        "sds",
        "mm",
        "mpd",
        "mpdi",
        "msi",
        "mh",
        "mkes",
        "mag",
        "mt",
        "mkom",
        "amd",
        "amdkeb",
        "amdkep",
        "amkeb",
        "amkep",
        "amdkes",
        "bsc",
        "ba",
        "phd",
    }
)
# Titles beyond those of `name_key`, dropped wherever they stand if a name remains.
EXTRA_TITLES = frozenset({"raden", "rr", "kyai", "kiai", "nyai", "gus", "ning", "hajah", "bu"})
AHMAD = frozenset({"ahmad", "akhmad", "ahmat", "akhmat", "achmad", "achmat", "ahmed", "amad"})
# Words replaced whole (after the spelling rules).
WORDS = {"abd": "abdul", "noor": "nur", "nor": "nur", "nour": "nur"}
# Letter pairs replaced inside words, after `name_key`'s own (which already made ch → kh).
PAIRS = (("dh", "d"), ("th", "t"), ("ph", "f"), ("q", "k"), ("v", "f"))
VOWELS = "aeiou"
_GLIDE = re.compile(r"(?<=[b-df-gj-np-tv-z])y(?=[aeiou])")  # sulistyo → sulistio (not wahyu)
_IY = re.compile(r"iy(?=[aeiou])")  # supriyanto → suprianto
_FINAL_Y = re.compile(r"(?<=[b-df-hj-np-tv-z])y$")  # rudy → rudi
_FINAL_H = re.compile(r"(?<=[aeiou])h$")  # fatimah → fatima
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def _token(token: str) -> tuple[str, ...]:
    """One token of a `name_key` → one or two linkage tokens."""
    if token in AHMAD:
        return ("ahmad",)
    if token.startswith("abdu") and len(token) > 5 and token[4] != "l":
        # Abdurrahman, Abdussalam: the article assimilated to the next letter.
        return ("abdul", *_token(token[4:]))
    token = WORDS.get(token, token)
    for old, new in PAIRS:
        token = token.replace(old, new)
    if len(token) > 2:
        token = _IY.sub("i", token)
        token = _GLIDE.sub("i", token)
        token = _FINAL_Y.sub("i", token)
        token = _FINAL_H.sub("", token)
    token = _DOUBLE.sub(r"\1", token)
    token = WORDS.get(token, token)
    return (token,) if token else ()


def _drop_trailing_degrees(tokens: list[str]) -> list[str]:
    """Drop degrees at the end ("aminah s pd" → "aminah"), keeping at least one word."""
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for width in (3, 2, 1):
            if len(tokens) > width and "".join(tokens[-width:]) in DEGREES:
                tokens = tokens[:-width]
                changed = True
                break
    return tokens


@lru_cache(maxsize=500_000)
def link_name(name: str) -> str:
    """The name as compared for linkage; "" for an empty name.

    >>> link_name("H. ACHMAD DJUNAEDI, S.Pd")
    'ahmad junaedi'
    """
    tokens = _drop_trailing_degrees(name_key(name or "").split())
    kept = [t for t in tokens if t not in EXTRA_TITLES and t not in TITLES] or tokens
    out: list[str] = []
    for token in kept:
        out.extend(_token(token))
    return " ".join(out)


_SOUND = str.maketrans({"b": "p", "d": "t", "g": "k", "q": "k", "v": "f", "z": "s", "x": "s"})


@lru_cache(maxsize=200_000)
def _token_sound(token: str) -> str:
    head, tail = token[:1], token[1:].translate(_SOUND)
    tail = "".join(ch for ch in tail if ch not in "aeiouhwy")
    return _DOUBLE.sub(r"\1", head.translate(_SOUND) + tail)


def name_sound(linked: str) -> str:
    """A coarse sound key of a `link_name`: each word's first letter and its consonants,
    voiced and voiceless pairs made one. "suprianto" and "supriyanto" meet; so do
    "wahyudi" and "wahudi"."""
    return " ".join(_token_sound(t) for t in linked.split())


def name_tokens(linked: str) -> frozenset[str]:
    return frozenset(linked.split())
