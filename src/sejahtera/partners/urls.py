from django.urls import path

from sejahtera.partners import training_views, views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("baru/", views.partner_new, name="new"),
    path("stp/", views.certificates, name="certificates"),
    path("rekap/", views.counts, name="counts"),
    path("pelatihan/", training_views.training_list, name="trainings"),
    path("pelatihan/<int:pk>/", training_views.training_detail, name="training"),
    path("uep/", training_views.grant_list, name="grants"),
    path("<int:pk>/", views.partner_detail, name="detail"),
    path("<int:pk>/ubah/", views.partner_edit, name="edit"),
]
