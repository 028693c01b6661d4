from django.urls import path

from sejahtera.wilayah import views

app_name = "wilayah"
urlpatterns = [
    path("", views.WilayahListView.as_view(), name="list"),
    path("muat-ulang/", views.wilayah_reload, name="reload"),
    path("<str:code>/", views.wilayah_detail, name="detail"),
]
