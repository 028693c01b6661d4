from django.urls import path

from sejahtera.retention import views

app_name = "retention"
urlpatterns = [path("", views.rules, name="rules")]
