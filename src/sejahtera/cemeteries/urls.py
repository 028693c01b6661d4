from django.urls import path

from sejahtera.cemeteries import veteran_views, views

app_name = "cemeteries"

urlpatterns = [
    path("", views.cemetery_list, name="list"),
    path("ringkasan/", views.summary, name="summary"),
    path("foto/<int:pk>/", views.photo, name="photo"),
    path("veteran/", veteran_views.veteran_list, name="veterans"),
    path("veteran/<int:pk>/", veteran_views.veteran_detail, name="veteran"),
    path("<int:pk>/", views.cemetery_detail, name="detail"),
    path("<int:pk>/makam/<int:grave_pk>/", views.grave_detail, name="grave"),
]
