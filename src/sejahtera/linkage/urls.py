from django.urls import path

from sejahtera.linkage import check_views, outside_views, quality_views, views

app_name = "linkage"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("pasangan/<int:pk>/", views.pair_detail, name="pair"),
    path("penggabungan/", views.merge_list, name="merges"),
    path("penggabungan/<int:pk>/", views.merge_detail, name="merge"),
    path("model/", views.model_detail, name="model"),
    path("periksa/", check_views.check, name="check"),
    path("daftar-luar/", outside_views.upload, name="outside"),
    path("daftar-luar/kolom/", outside_views.mapping, name="outside_mapping"),
    path("daftar-luar/<int:pk>/", outside_views.result, name="outside_result"),
    path("kualitas/", quality_views.quality_report, name="quality"),
    path("kualitas/<slug:check>/", quality_views.quality_list, name="quality_list"),
]
