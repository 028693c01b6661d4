from django.urls import path

from sejahtera.audit import views

app_name = "audit"
urlpatterns = [path("", views.AuditEventListView.as_view(), name="list")]
