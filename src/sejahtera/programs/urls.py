from django.urls import path

from sejahtera.programs import views

app_name = "programs"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<slug:code>/", views.programme_detail, name="detail"),
    path("<slug:code>/aturan/", views.rule_edit, name="rule_edit"),
]
