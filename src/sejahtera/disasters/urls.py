from django.urls import path

from sejahtera.disasters import report_views, victim_views, views, warehouse_views

app_name = "disasters"

urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("baru/", views.event_new, name="event_new"),
    path("<int:pk>/", views.event_detail, name="event"),
    path("<int:pk>/korban/baru/", victim_views.victim_new, name="victim_new"),
    path("<int:pk>/bantuan-harian/", victim_views.daily_aid, name="daily_aid"),
    path("<int:pk>/laporan/", report_views.event_report, name="event_report"),
    path("korban/<int:pk>/", victim_views.victim_detail, name="victim"),
    path("laporan-situasi/<int:pk>/berkas/", views.report_file, name="report_file"),
    path("laporan/", report_views.year_report, name="report"),
    path("gudang/", warehouse_views.stock, name="stock"),
    path("gudang/<int:pk>/", warehouse_views.ledger, name="ledger"),
]
