"""Normalising Indonesian personal names so that spelling variants of one name meet.

`name_key("H. Moch. Djoko Soepriyanto, S.Pd")` → `"muhamad joko supriyanto"`:
titles and degrees dropped, the many spellings of Muhammad made one, the old spelling
(dj, tj, oe, ch, sj, hj) made modern, and doubled letters made single. Used for search
now and for record linkage later; the key is stored beside the name."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TITLES = {
    "h",
    "hj",
    "haji",
    "hajah",
    "hajjah",
    "drs",
    "dra",
    "dr",
    "ir",
    "prof",
    "kh",
    "ust",
    "ustadz",
    "ustadzah",
    "alm",
    "almh",
    "almarhum",
    "almarhumah",
    "bpk",
    "bapak",
    "ibu",
    "ny",
    "nyonya",
    "sdr",
    "tn",
}
MUHAMMAD = {
    "m",
    "md",
    "mhd",
    "muh",
    "moh",
    "moch",
    "mochamad",
    "mochammad",
    "mohamad",
    "mohammad",
    "mohammed",
    "muhamad",
    "muhammad",
    "muhammed",
    "muchammad",
    "muchamad",
    "mukhammad",
    "mukhamad",
}
# Old (pre-1972) spelling → current spelling, applied inside words. Old "nj" (→ "ny") is left
# alone: it would also change current names such as Panji or Sanjaya.
SPELLING = [("dj", "j"), ("tj", "c"), ("oe", "u"), ("ch", "kh"), ("sj", "sy"), ("hj", "hy")]


_NOT_LETTERS = re.compile(r"[^a-z]+")
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=65_536)
def _token_key(token: str) -> str:
    """One word of a name (not a title): Muhammad's spellings made one, old spelling made
    modern, doubled letters single. Cached: a district's names are made of a few thousand
    words."""
    if token in MUHAMMAD:
        return "muhamad"
    for old, new in SPELLING:
        token = token.replace(old, new)
    return _DOUBLED.sub(r"\1", token)


def name_key(name: str) -> str:
    text = name or ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().split(",")[0]  # academic degrees follow a comma: "Siti Aminah, S.Pd"
    tokens = [t for t in _NOT_LETTERS.split(text) if t]
    out: list[str] = []
    for token in tokens:
        if token in TITLES and (out or len(tokens) > 1):
            continue
        out.append(_token_key(token))
    return " ".join(out)
