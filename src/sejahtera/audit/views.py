from __future__ import annotations

from django.utils.translation import gettext_lazy

from sejahtera.accounts.roles import Cap
from sejahtera.audit import selectors
from sejahtera.audit.filtersets import AuditEventFilterSet
from sejahtera.audit.tables import AuditEventTable
from sejahtera.common.views import ScopedListView


class AuditEventListView(ScopedListView):
    capability = Cap.VIEW_AUDIT
    selector = selectors.events_for
    filterset_class = AuditEventFilterSet
    table_class = AuditEventTable
    export_name = "jejak-audit"
    title = gettext_lazy("Jejak audit")
