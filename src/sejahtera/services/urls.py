from django.urls import path

from sejahtera.services import request_views, views

app_name = "services"

urlpatterns = [
    path("", views.service_list, name="list"),
    path("surat/", views.letter_list, name="letters"),
    path("surat/<int:pk>/", views.letter_detail, name="letter"),
    path("surat/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("lacak/", request_views.track, name="track"),
    path("permohonan/", request_views.request_list, name="requests"),
    path("permohonan/<int:pk>/", request_views.request_detail, name="request"),
    path("<slug:code>/ajukan/", request_views.apply, name="apply"),
]
