from django.urls import path, re_path

from sejahtera.registry import import_views, proposal_views, subject_views, views

app_name = "registry"
urlpatterns = [
    path("penduduk/", views.PersonListView.as_view(), name="person_list"),
    path("penduduk/<int:pk>/", views.person_detail, name="person_detail"),
    path("penduduk/<int:pk>/data-subjek/", subject_views.subject_export, name="subject_export"),
    path("penduduk/<int:pk>/ppks/", views.person_assess, name="person_assess"),
    path("keluarga/", views.HouseholdListView.as_view(), name="household_list"),
    path("keluarga/<int:pk>/", views.household_detail, name="household_detail"),
    path("keluarga/<int:pk>/ppks/", views.household_assess, name="household_assess"),
    path("ppks/", views.ppks_categories, name="ppks_categories"),
    path("impor/", import_views.import_start, name="import_start"),
    path("impor/kolom/", import_views.import_mapping, name="import_mapping"),
    path("keluarga/<int:pk>/usul-anggota/", proposal_views.propose_member, name="propose_member"),
    path(
        "keluarga/<int:pk>/usul-susunan/",
        proposal_views.propose_composition,
        name="propose_composition",
    ),
    path("penduduk/<int:pk>/usul-hapus/", proposal_views.propose_removal, name="propose_removal"),
    re_path(
        r"^(?P<kind>penduduk|keluarga)/(?P<pk>[0-9]+)/usul-ubah/$",
        proposal_views.propose_change,
        name="propose_change",
    ),
    path("usulan/", proposal_views.ProposalListView.as_view(), name="proposal_list"),
    path("usulan/keluarga-baru/", proposal_views.propose_household, name="propose_household"),
    path("usulan/musdes/", proposal_views.musdes, name="musdes"),
    path("usulan/<int:pk>/", proposal_views.proposal_detail, name="proposal_detail"),
]
