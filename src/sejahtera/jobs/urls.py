from django.urls import path

from sejahtera.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/kemajuan/", views.job_progress, name="progress"),
    path("<uuid:pk>/kesalahan/", views.job_errors, name="errors"),
    path("<uuid:pk>/jalankan-ulang/", views.job_restart, name="restart"),
]
