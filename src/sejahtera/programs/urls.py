from django.urls import path

from sejahtera.programs import cycle_views, indicator_views, rule_views, views

app_name = "programs"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("statistik/", cycle_views.statistics, name="statistics"),
    path("indikator/", indicator_views.indicator_list, name="indicators"),
    path("indikator/<slug:key>/kirim/", indicator_views.indicator_post, name="indicator_post"),
    path("siklus/<int:pk>/", cycle_views.cycle_detail, name="cycle"),
    path("siklus/<int:pk>/aksi/", cycle_views.cycle_action, name="cycle_action"),
    path("siklus/<int:pk>/bnba/", cycle_views.bnba, name="bnba"),
    path("penerima/<int:pk>/penyaluran/", cycle_views.distribution, name="distribution"),
    path("<slug:code>/", views.programme_detail, name="detail"),
    path("<slug:code>/aturan/", rule_views.rule_edit, name="rule_edit"),
    path("<slug:code>/aturan/pratinjau/", rule_views.rule_preview, name="rule_preview"),
    path("<slug:code>/siklus/", cycle_views.cycle_list, name="cycles"),
]
