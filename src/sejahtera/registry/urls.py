from django.urls import path

from sejahtera.registry import views

app_name = "registry"
urlpatterns = [
    path("penduduk/", views.PersonListView.as_view(), name="person_list"),
    path("penduduk/<int:pk>/", views.person_detail, name="person_detail"),
    path("penduduk/<int:pk>/ppks/", views.person_assess, name="person_assess"),
    path("keluarga/", views.HouseholdListView.as_view(), name="household_list"),
    path("keluarga/<int:pk>/", views.household_detail, name="household_detail"),
    path("ppks/", views.ppks_categories, name="ppks_categories"),
]
