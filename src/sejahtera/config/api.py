from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InputError

from sejahtera.accounts.api import me_router, users_router
from sejahtera.audit.api import router as audit_router
from sejahtera.cemeteries.api import router as cemeteries_router
from sejahtera.common.api import NulRefusingParser, invalid_items
from sejahtera.disasters.api import router as disasters_router
from sejahtera.jobs.api import router as jobs_router
from sejahtera.linkage.api import router as linkage_router
from sejahtera.partners.api import router as partners_router
from sejahtera.planning.api import router as planning_router
from sejahtera.programs.api import router as programs_router
from sejahtera.registry.api import router as registry_router
from sejahtera.services.api import router as services_router
from sejahtera.wilayah.api import router as wilayah_router

api = NinjaAPI(
    title="Sejahtera API",
    version="1",
    description="API Sistem Informasi Dinas Sosial. Setiap jawaban dibatasi pada wilayah pengguna.",
    urls_namespace="api",
    parser=NulRefusingParser(),
)
api.add_router("/akun", me_router)
api.add_router("/pengguna", users_router)
api.add_router("/wilayah", wilayah_router)
api.add_router("/audit", audit_router)
api.add_router("/pekerjaan", jobs_router)
api.add_router("/registri", registry_router)
api.add_router("/data", linkage_router)
api.add_router("/renstra", planning_router)
api.add_router("/program", programs_router)
api.add_router("/layanan", services_router)
api.add_router("/mitra", partners_router)
api.add_router("/bencana", disasters_router)
api.add_router("/makam-pahlawan", cemeteries_router)


@api.exception_handler(PermissionDenied)
def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Akses ditolak.")}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Silakan masuk atau kirim token API yang sah.")}, status=401
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Data tidak ditemukan.")}, status=404)


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(InputError)
def on_bad_input(request: HttpRequest, exc: InputError) -> HttpResponse:
    """Parameters or a body that do not fit the schema: each invalid input, in Indonesian."""
    return api.create_response(request, {"detail": invalid_items(exc.errors)}, status=422)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, InputError):  # refused by the parser (NUL in the body)
        return on_bad_input(request, exc.__cause__)
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = _("Isi permintaan bukan JSON yang sah.")
    return api.create_response(request, {"detail": message}, status=exc.status_code)
