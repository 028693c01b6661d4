from django.contrib.auth import views as auth_views
from django.urls import path

from sejahtera.accounts import second_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("kata-sandi/", views.password_change, name="password_change"),
    path("verifikasi/", second_factor_views.verify, name="second_factor"),
    path("verifikasi/pasang/", second_factor_views.setup, name="second_factor_setup"),
    path("token/", views.my_tokens, name="tokens"),
    path("token/<int:pk>/cabut/", views.revoke_token, name="revoke_token"),
    path("pengguna/", views.UserListView.as_view(), name="user_list"),
    path("pengguna/baru/", views.user_create, name="user_create"),
    path("pengguna/<int:pk>/", views.user_detail, name="user_detail"),
    path("pengguna/<int:pk>/ubah/", views.user_edit, name="user_edit"),
    path("pengguna/<int:pk>/kata-sandi/", views.user_set_password, name="user_set_password"),
]
