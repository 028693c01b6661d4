from django.conf import settings
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from sejahtera.config.api import api
from sejahtera.programs import public_views
from sejahtera.reports import views as report_views
from sejahtera.services import views as service_views

urlpatterns = [
    path("", report_views.home, name="home"),
    path("akun/", include("sejahtera.accounts.urls")),
    path("wilayah/", include("sejahtera.wilayah.urls")),
    path("registri/", include("sejahtera.registry.urls")),
    path("data/", include("sejahtera.linkage.urls")),
    path("renstra/", include("sejahtera.planning.urls")),
    path("program/", include("sejahtera.programs.urls")),
    path("cek-bansos/", public_views.public_check, name="public_check"),
    path("layanan/", include("sejahtera.services.urls")),
    path("mitra/", include("sejahtera.partners.urls")),
    path("bencana/", include("sejahtera.disasters.urls")),
    path("makam-pahlawan/", include("sejahtera.cemeteries.urls")),
    path("verifikasi/<str:token>/", service_views.verify, name="verify_letter"),
    path("audit/", include("sejahtera.audit.urls")),
    path("pekerjaan/", include("sejahtera.jobs.urls")),
    path("retensi/", include("sejahtera.retention.urls")),
    path("", include("sejahtera.reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/", api.urls),
]

handler403 = "sejahtera.common.errors.permission_denied"
handler404 = "sejahtera.common.errors.page_not_found"
handler500 = "sejahtera.common.errors.server_error"

if settings.DEBUG:  # pragma: no cover
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
