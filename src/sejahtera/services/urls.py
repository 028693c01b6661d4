from django.urls import path

from sejahtera.services import (
    case_views,
    complaint_views,
    config_views,
    report_views,
    request_views,
    views,
)

app_name = "services"

urlpatterns = [
    path("", views.service_list, name="list"),
    path("surat/", views.letter_list, name="letters"),
    path("surat/<int:pk>/", views.letter_detail, name="letter"),
    path("surat/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("lacak/", request_views.track, name="track"),
    path("lacak/nilai/", complaint_views.rate, name="rate"),
    path("pengaturan/", config_views.settings_page, name="settings"),
    path("pengaduan/", complaint_views.complaint_new, name="complaint_new"),
    path("pengaduan/daftar/", complaint_views.complaint_list, name="complaints"),
    path("pengaduan/<int:pk>/", complaint_views.complaint_detail, name="complaint"),
    path("permohonan/", request_views.request_list, name="requests"),
    path("permohonan/<int:pk>/", request_views.request_detail, name="request"),
    path("kasus/", case_views.case_list, name="cases"),
    path("kasus/<int:pk>/", case_views.case_detail, name="case"),
    path("laporan/", report_views.report, name="report"),
    path("<slug:code>/ajukan/", request_views.apply, name="apply"),
]
