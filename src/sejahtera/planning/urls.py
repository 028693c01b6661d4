from django.urls import path

from sejahtera.planning import manage_views, realisation_views, views

app_name = "planning"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("rencana/", views.plan_table, name="plan"),
    path("rencana/baris/<int:pk>/", views.node_detail, name="node"),
    path("rencana/baris/<int:pk>/unit/", manage_views.node_unit, name="node_unit"),
    path("indikator/<int:pk>/cara-hitung/", manage_views.indicator_method, name="indicator_method"),
    path("iku/", views.indicator_table, {"kind": "iku"}, name="iku"),
    path("ikk/", views.indicator_table, {"kind": "ikk"}, name="ikk"),
    path("konsistensi/", views.consistency, name="consistency"),
    path("pohon-kinerja/", views.tree, name="tree"),
    path("periode-lalu/", views.previous_period, name="previous"),
    path("evaluasi/<str:form>/", views.evaluation, name="evaluation"),
    path("realisasi/", realisation_views.realisation, name="realisation"),
    path("realisasi/aksi/", realisation_views.act, name="realisation_act"),
    path("realisasi/impor/", realisation_views.import_realisation, name="realisation_import"),
    path(
        "realisasi/indikator/<int:pk>/", realisation_views.enter_indicator, name="enter_indicator"
    ),
    path("realisasi/anggaran/<int:pk>/", realisation_views.enter_spending, name="enter_spending"),
    path("realisasi/<int:pk>/buka/", realisation_views.reopen, name="reopen"),
    path("realisasi/bukti/<int:pk>/", realisation_views.evidence, name="evidence"),
    path("renja/<int:year>/", manage_views.work_plan, name="renja"),
    path("renja/<int:year>/buat/", manage_views.work_plan_create, name="renja_create"),
    path("renja/butir/<int:pk>/", manage_views.work_plan_item, name="renja_item"),
]
