from django.urls import path

from sejahtera.reports import views

app_name = "reports"
urlpatterns = [path("modul/<slug:slug>/", views.module, name="module")]
