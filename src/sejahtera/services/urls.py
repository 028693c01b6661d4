from django.urls import path

from sejahtera.services import views

app_name = "services"

urlpatterns = [
    path("", views.service_list, name="list"),
    path("surat/", views.letter_list, name="letters"),
    path("surat/<int:pk>/", views.letter_detail, name="letter"),
    path("surat/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
]
