"""What the rule editor needs from the server, reads only: a description of the criterion
types (the inputs of each parameter, with their choices), the check of a rule that says
*where* a problem is (the path of the criterion in the tree), the rule in words for every
part of the tree, and the live count.

A path is the list of indices from the root: the i-th child of an `all`/`any` group is
`path + [i]`, the one child of a `not` is `path + [0]`. The editor marks the criterion at
that path with the message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sejahtera.accounts.scoping import scope_cache_key
from sejahtera.programs.criteria import MAX_DEPTH, TYPES, Node, parse
from sejahtera.programs.criteria import All as AllNode
from sejahtera.programs.criteria import AnyOf as AnyNode
from sejahtera.programs.criteria import Not as NotNode
from sejahtera.programs.criteria.types import SEVERITY_ORDER
from sejahtera.programs.models import Programme
from sejahtera.programs.selectors import eligible, rule_in_force

# A live count runs on every edit: a rule larger than this is refused before any query.
MAX_NODES = 200

Choices = list[tuple[Any, str]]


@dataclass(frozen=True)
class Param:
    """How the editor asks for one parameter of a criterion type."""

    label: Any
    widget: str  # number | select | text | areas | checkboxes | date | checkbox | list
    choices: Callable[[], Choices] | None = None
    min: int | None = None
    max: int | None = None
    help: Any = ""
    blank: Any = ""  # the label of the empty choice of an optional select


def _desil() -> Choices:
    return [(n, _("desil %(n)s") % {"n": n}) for n in range(1, 11)]


def _sex() -> Choices:
    from sejahtera.registry.choices import Sex

    return [(str(value), str(label)) for value, label in Sex.choices]


def _severity() -> Choices:
    from sejahtera.registry.choices import Severity

    return [(str(s), str(Severity(s).label).lower()) for s in SEVERITY_ORDER]


def _ppks() -> Choices:
    from sejahtera.registry.models import PpksCategory

    return [
        (code, f"{number}. {name}")
        for code, number, name in PpksCategory.objects.order_by("number").values_list(
            "code", "number", "name"
        )
    ]


def _national_programmes() -> Choices:
    from sejahtera.registry.models import NationalProgramme

    return [(str(value), str(label)) for value, label in NationalProgramme.choices]


def _lks_kinds() -> Choices:
    from sejahtera.partners.models import LksType

    return [(str(value), str(label)) for value, label in LksType.choices]


def _areas() -> Choices:
    """The office's area, its kecamatan and desa, and the areas above it (a rule may name the
    province, as "berdomisili di Jawa Timur" does)."""
    from sejahtera.wilayah.models import Level, Wilayah

    office = str(settings.OFFICE_WILAYAH_CODE)
    parts = office.split(".")
    above = [".".join(parts[: i + 1]) for i in range(len(parts))]
    rows = Wilayah.objects.filter(code__in=above) | Wilayah.objects.filter(
        code__startswith=office + "."
    )
    names = dict(rows.values_list("code", "name"))
    choices: Choices = []
    for code, name, level in rows.order_by("code").values_list("code", "name", "level"):
        if level == Level.DESA:
            parent = names.get(code.rsplit(".", 1)[0], "")
            label = _("%(name)s (Kec. %(kec)s)") % {"name": name, "kec": parent}
        else:
            label = f"{Level(level).label} {name}"
        choices.append((code, label))
    return choices


PARAMS: dict[str, dict[str, Param]] = {
    "desil_max": {
        "max": Param(
            _l("Desil paling tinggi"),
            "select",
            _desil,
            help=_l("Desil 1 adalah 10% keluarga termiskin."),
        )
    },
    "age": {
        "min": Param(_l("Usia paling rendah (tahun)"), "number", min=0, max=130),
        "max": Param(_l("Usia paling tinggi (tahun)"), "number", min=0, max=130),
    },
    "sex": {"sex": Param(_l("Jenis kelamin"), "select", _sex)},
    "household_size": {
        "min": Param(_l("Anggota KK paling sedikit"), "number", min=1, max=50),
        "max": Param(_l("Anggota KK paling banyak"), "number", min=1, max=50),
    },
    "ppks": {"category": Param(_l("Kategori PPKS"), "select", _ppks)},
    "disability": {
        "min_severity": Param(
            _l("Tingkat paling ringan"), "select", _severity, blank=_l("semua tingkat")
        )
    },
    "receives": {"programme": Param(_l("Program"), "select", _national_programmes)},
    "area": {
        "codes": Param(
            _l("Wilayah"),
            "areas",
            _areas,
            help=_l("Kecamatan mencakup semua desanya."),
        )
    },
    "lks_member": {
        "kinds": Param(
            _l("Jenis LKS"),
            "checkboxes",
            _lks_kinds,
            help=_l("Tidak dicentang: LKS jenis apa pun."),
        )
    },
    "manual": {
        "text": Param(
            _l("Syarat yang diperiksa petugas"),
            "text",
            help=_l(
                "Syarat yang tidak dapat diputuskan dari data; dicek saat daftar diverifikasi."
            ),
        )
    },
}

# A parameter the table above does not describe still gets an input that fits its kind.
_FALLBACK = {"int": "number", "str": "text", "list": "list", "bool": "checkbox"}


def describe_types() -> list[dict[str, Any]]:
    """Every criterion type with its parameters: the editor's list of types and its inputs."""
    described = []
    for key, kind in TYPES.items():
        params = []
        for name, value_kind in kind.params.items():
            spec = PARAMS.get(key, {}).get(name) or Param(name, _FALLBACK.get(value_kind, "text"))
            params.append(
                {
                    "name": name,
                    "kind": value_kind,
                    "widget": spec.widget,
                    "label": str(spec.label),
                    "required": name in kind.required,
                    "choices": [
                        {"value": value, "label": label}
                        for value, label in (spec.choices() if spec.choices else [])
                    ],
                    "min": spec.min,
                    "max": spec.max,
                    "help": str(spec.help),
                    "blank": str(spec.blank),
                }
            )
        described.append({"type": key, "label": str(kind.label), "params": params})
    return described


@dataclass
class Checked:
    """A rule checked for the editor: the tree when it is valid, otherwise the problems with
    their paths; the words of every part that is valid on its own."""

    tree: Node | None
    errors: list[dict[str, Any]]
    words: list[dict[str, Any]]


def _empty_group() -> str:
    return _("Grup ini masih kosong: tambahkan paling sedikit satu syarat.")


def _words(node: Node, path: list[int], out: list[dict[str, Any]]) -> None:
    out.append({"path": path, "words": node.words()})
    if isinstance(node, AllNode | AnyNode):
        for i, child in enumerate(node.children):
            _words(child, [*path, i], out)
    elif isinstance(node, NotNode):
        _words(node.child, [*path, 0], out)


def _count_nodes(data: Any, limit: int) -> int:
    """The number of parts of a rule (stops counting past `limit`)."""
    seen = 0
    stack = [data]
    while stack and seen <= limit:
        item = stack.pop()
        seen += 1
        if isinstance(item, dict):
            for key in ("all", "any"):
                if isinstance(item.get(key), list):
                    stack.extend(item[key])
            if "not" in item:
                stack.append(item["not"])
    return seen


def _locate(data: Any, path: list[int], depth: int, checked: Checked) -> None:
    """Parse `data`; when it fails, find the innermost parts that fail and say where."""
    try:
        node = parse(data, depth)
    except ValidationError as exc:
        before = len(checked.errors)
        if isinstance(data, dict) and len(data) == 1 and depth <= MAX_DEPTH:
            key = next(iter(data))
            value = data[key]
            if key in ("all", "any") and isinstance(value, list):
                if not value:
                    checked.errors.append({"path": path, "message": _empty_group()})
                    return
                for i, child in enumerate(value):
                    _locate(child, [*path, i], depth + 1, checked)
            elif key == "not":
                if value in (None, {}, []):
                    checked.errors.append({"path": path, "message": _empty_group()})
                    return
                _locate(value, [*path, 0], depth + 1, checked)
        if len(checked.errors) == before:  # the children are fine: the problem is here
            checked.errors.extend({"path": path, "message": m} for m in exc.messages)
        return
    _words(node, path, checked.words)


def check_rule(data: Any) -> Checked:
    """Check a rule as the editor sends it. The tree is set only when the whole rule is valid
    (then `parse(data)` succeeds too, and `save_rule` will accept it)."""
    checked = Checked(tree=None, errors=[], words=[])
    if _count_nodes(data, MAX_NODES) > MAX_NODES:
        checked.errors.append(
            {
                "path": [],
                "message": _("Aturan terlalu panjang (paling banyak %(n)s bagian).")
                % {"n": MAX_NODES},
            }
        )
        return checked
    try:
        checked.tree = parse(data)
    except ValidationError:
        _locate(data, [], 0, checked)
        if not checked.errors:  # parse refused, the walk found nothing: never claim valid
            checked.errors.append({"path": [], "message": _("Aturan tidak sah.")})
        return checked
    _words(checked.tree, [], checked.words)
    return checked


def preview_date(valid_from_year: int, today: dt.date) -> dt.date:
    """The date the count is taken on: today, or 1 January of a year still to come."""
    return dt.date(valid_from_year, 1, 1) if valid_from_year > today.year else today


# The count under the rule in force does not change while an administrator edits: it is
# kept for a few minutes per rule version, date and area, so each preview runs one count
# (the draft's), not two (0.6–0.9 s each for a large programme over 1.1 million persons).
CURRENT_COUNT_SECONDS = 300


def preview_counts(
    programme: Programme, *, tree: Node, as_of: dt.date, user: Any
) -> dict[str, Any]:
    """Who would qualify under `tree`, and under the rule in force on that date, in the user's
    area (an administrator's is the office's): the same selector as every other count."""
    version = rule_in_force(programme, as_of)
    current: int | None = None
    if version is not None:
        key = scope_cache_key("rule-preview:current", user, version.pk, as_of.isoformat())
        current = cache.get(key)
        if current is None:
            current = eligible(programme, as_of=as_of, user=user, rule=parse(version.rule)).count()
            cache.set(key, current, CURRENT_COUNT_SECONDS)
    return {
        "words": tree.words(),
        "count": eligible(programme, as_of=as_of, user=user, rule=tree).count(),
        "current": current,
        "as_of": as_of,
    }
