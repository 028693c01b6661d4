"""The data-subject export of one person (JSON), for the office staff who answer a
person's request under UU 27/2022. Like every export of personal data it needs a stated
purpose and is audited and watermarked through `common.exports`."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.common.exports import Export, Watermark, start_export
from sejahtera.registry import selectors
from sejahtera.registry.models import Person
from sejahtera.registry.subject import everything_about


@login_required
def subject_export(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.VIEW_AUDIT)
    require(request.user, Cap.EXPORT)
    person = selectors.persons_for(request.user, include_merged=True).filter(pk=pk).first()
    if person is None:
        raise Http404(_("Penduduk tidak ditemukan."))
    export = start_export(
        request,
        what=_("semua data tentang %(name)s (permintaan subjek data)") % {"name": person.name},
        back=reverse("registry:person_detail", args=[person.pk]),
    )
    if not isinstance(export, Export):
        return export
    return export.file(
        lambda mark: _document(person, mark),
        rows=1,
        name=f"data-subjek-{person.pk}",
        ext="json",
        content_type="application/json; charset=utf-8",
        object_type=person._meta.label_lower,
        object_repr=str(person),
        obj=person,
        wilayah_code=person.desa_id,
        extra={"jenis": "data subjek"},
    )


def _document(person: Person, mark: Watermark) -> bytes:
    payload = everything_about(person)
    payload["exported"] = {
        "by": mark.username,
        "at": mark.at.isoformat(),
        "purpose": mark.purpose,
        "audit_event": mark.reference,
    }
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()
