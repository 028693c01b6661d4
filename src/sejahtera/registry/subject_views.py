"""The data-subject export of one person (JSON), for the office staff who answer a
person's request under UU 27/2022. Audited as an export."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.registry import selectors
from sejahtera.registry.subject import everything_about


@login_required
def subject_export(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.VIEW_AUDIT)
    require(request.user, Cap.EXPORT)
    person = selectors.persons_for(request.user, include_merged=True).filter(pk=pk).first()
    if person is None:
        raise Http404(_("Penduduk tidak ditemukan."))
    purpose = request.GET.get("keperluan", "").strip()
    if len(purpose) < 5:
        messages.error(
            request, _("Sebutkan keperluan ekspor, misalnya nomor surat permintaan subjek data.")
        )
        return redirect("registry:person_detail", pk=person.pk)
    audit.record(
        actor=request.user,
        action=Action.EXPORT,
        obj=person,
        wilayah_code=person.desa_id,
        extra={"keperluan": purpose[:300], "jenis": "data subjek"},
    )
    payload = everything_about(person)
    stamp = timezone.localtime()
    payload["exported"] = {
        "by": request.user.get_username(),
        "at": stamp.isoformat(),
        "purpose": purpose[:300],
    }
    response = HttpResponse(
        json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="data-subjek-{person.pk}.json"'
    return response
