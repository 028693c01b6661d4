"""Base views: every list is scoped, filterable, paginated and exportable to .xlsx with one
filter definition."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.common.exports import Export, start_export


class CapabilityMixin(LoginRequiredMixin):
    """Refuse (403) users whose role lacks `capability`."""

    capability: ClassVar[Cap] = Cap.VIEW

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            require(request.user, self.capability)
        return super().dispatch(request, *args, **kwargs)


class ScopedListView(CapabilityMixin, SingleTableMixin, FilterView):
    """A list page. Subclasses name a `selector` (user → scoped queryset), a `filterset_class`
    and a `table_class`. `?export=xlsx` downloads the filtered list through
    `common.exports` (audited, watermarked; with a stated purpose unless the list holds no
    personal data: `personal_data = False`)."""

    selector: ClassVar[Any]
    export_name: ClassVar[str] = "data"
    personal_data: ClassVar[bool] = True
    title: ClassVar[str | Promise] = ""
    template_name = "common/list.html"
    paginate_by = None  # the table paginates (see get_table_pagination)
    strict = False

    def get_table_pagination(self, table: Any) -> dict[str, Any]:
        return {"per_page": settings.PAGE_SIZE}

    def get_queryset(self) -> QuerySet[Any]:
        return type(self).selector(self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            return self.export(request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["can_export"] = self.request.user.can(Cap.EXPORT)
        return context

    def export(self, request: HttpRequest) -> HttpResponse:
        title = str(self.title or self.export_name)
        what = _("Daftar %(title)s") % {"title": title[:1].lower() + title[1:]}
        export = start_export(request, what=what, personal=self.personal_data)
        if not isinstance(export, Export):
            return export
        filterset = self.get_filterset(self.get_filterset_class())
        queryset = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        table_class = self.get_table_class()
        # The table's own ordering is applied before the rows are capped (a sliced
        # queryset cannot be reordered by the table afterwards).
        order = getattr(table_class._meta, "order_by", None) or ()
        if order:
            queryset = queryset.order_by(*[str(o).replace(".", "__") for o in order])
        model = queryset.model
        table = table_class(list(queryset[: settings.EXPORT_MAX_ROWS]))
        values = list(table.as_values())
        return export.xlsx(
            values[0],
            values[1:],
            title=title,
            name=self.export_name,
            object_type=model._meta.label_lower,
        )
