from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sejahtera.accounts.models import ApiToken, User
from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from tests.accounts.factories import PASSWORD
from tests.conftest import DESA_A, DESA_B, KEC_A, MOJOKERTO

pytestmark = pytest.mark.django_db


def test_login_with_bad_input_gives_indonesian_messages(client: Client, make_user: Any) -> None:
    user = make_user(Role.OPERATOR_DINAS)
    empty = client.post("/akun/masuk/", {"username": "", "password": ""})
    assert empty.status_code == 200
    assert "Isian ini wajib diisi" in empty.content.decode()
    wrong = client.post("/akun/masuk/", {"username": user.username, "password": "salah"})
    assert wrong.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in wrong.content.decode()
    long = client.post("/akun/masuk/", {"username": "x" * 5000, "password": "y" * 5000})
    assert long.status_code == 200
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED, object_repr=user.username).exists()


def test_login_and_logout(client: Client, make_user: Any) -> None:
    user = make_user(Role.OPERATOR_DINAS)
    response = client.post("/akun/masuk/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor=user).exists()
    client.post("/akun/keluar/")
    assert client.get("/").status_code == 302


def test_pages_require_login(client: Client) -> None:
    for path in ["/", "/wilayah/", "/akun/pengguna/", "/audit/", "/pekerjaan/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/akun/masuk/")


def test_password_change(client: Client, make_user: Any) -> None:
    user = make_user(Role.OPERATOR_DINAS)
    client.force_login(user)
    bad = client.post(
        "/akun/kata-sandi/", {"old_password": "salah", "new_password1": "a", "new_password2": "b"}
    )
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "Kata sandi lama Anda salah" in body
    short = client.post(
        "/akun/kata-sandi/",
        {"old_password": PASSWORD, "new_password1": "abc12", "new_password2": "abc12"},
    )
    assert "terlalu pendek" in short.content.decode()
    ok = client.post(
        "/akun/kata-sandi/",
        {
            "old_password": PASSWORD,
            "new_password1": "Sandi-Baru-Kuat-99",
            "new_password2": "Sandi-Baru-Kuat-99",
        },
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Sandi-Baru-Kuat-99")
    assert client.get("/").status_code == 200  # still signed in


def _new_user_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "username": "opdesa9",
        "full_name": "Sri Wahyuni",
        "email": "",
        "nip": "",
        "phone": "",
        "role": Role.OPERATOR_DESA,
        "unit": "",
        "areas": [DESA_A],
        "is_active": "on",
        "password1": "Kata-Sandi-Desa-77",
        "password2": "Kata-Sandi-Desa-77",
    }
    data.update(overrides)
    return data


def test_admin_creates_user_through_form(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.ADMIN))
    response = client.post("/akun/pengguna/baru/", _new_user_post())
    assert response.status_code == 302
    user = User.objects.get(username="opdesa9")
    assert list(user.areas.values_list("code", flat=True)) == [DESA_A]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password2": "lain"}, "Kedua kata sandi tidak sama"),
        ({"nip": "123"}, "NIP terdiri atas 18 angka"),
        ({"username": "nama dengan spasi"}, "hanya boleh berisi"),
        ({"areas": [KEC_A]}, "bukan desa"),
        ({"areas": [DESA_A, DESA_B]}, "tepat satu"),
        ({"areas": ["35.15.01.2001"]}, "Pilih pilihan yang valid"),
        ({"role": "raja"}, "Pilih pilihan yang valid"),
        ({"email": "bukan-surel"}, "alamat surel yang valid"),
        ({"password1": "password", "password2": "password"}, "terlalu umum"),
        ({"full_name": ""}, "wajib diisi"),
    ],
)
def test_user_form_bad_input(
    client: Client, make_user: Any, overrides: dict[str, Any], message: str
) -> None:
    client.force_login(make_user(Role.ADMIN))
    response = client.post("/akun/pengguna/baru/", _new_user_post(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username__in=["opdesa9", "nama dengan spasi"]).exists()


def test_admin_edits_user_and_history_link(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.ADMIN))
    user = make_user(Role.OPERATOR_DESA, [DESA_A], full_name="Lama")
    data = _new_user_post(username=user.username, full_name="Baru")
    del data["password1"], data["password2"]
    response = client.post(f"/akun/pengguna/{user.pk}/ubah/", data)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Baru"
    events = client.get(f"/audit/?object_type=accounts.user&object_id={user.pk}").content.decode()
    assert "Lama" in events and "Baru" in events


def test_admin_deactivates_user(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.ADMIN))
    user = make_user(Role.OPERATOR_DESA, [DESA_A])
    data = _new_user_post(username=user.username, full_name=user.full_name)
    del data["is_active"], data["password1"], data["password2"]
    client.post(f"/akun/pengguna/{user.pk}/ubah/", data)
    user.refresh_from_db()
    assert not user.is_active


def test_admin_sets_password(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.ADMIN))
    user = make_user(Role.OPERATOR_DINAS)
    bad = client.post(
        f"/akun/pengguna/{user.pk}/kata-sandi/", {"password1": "123", "password2": "123"}
    )
    assert bad.status_code == 200 and "terlalu pendek" in bad.content.decode()
    ok = client.post(
        f"/akun/pengguna/{user.pk}/kata-sandi/",
        {"password1": "Sandi-Baru-Kuat-99", "password2": "Sandi-Baru-Kuat-99"},
    )
    assert ok.status_code == 302


def test_kecamatan_admin_sees_only_users_of_their_kecamatan(client: Client, make_user: Any) -> None:
    admin = make_user(Role.ADMIN, [KEC_A])
    mine = make_user(Role.OPERATOR_DESA, [DESA_A])
    other = make_user(Role.OPERATOR_DESA, [DESA_B])
    client.force_login(admin)
    body = client.get("/akun/pengguna/").content.decode()
    assert mine.username in body
    assert other.username not in body
    assert client.get(f"/akun/pengguna/{other.pk}/").status_code == 404
    assert client.get(f"/akun/pengguna/{other.pk}/ubah/").status_code == 404
    assert client.post(f"/akun/pengguna/{other.pk}/kata-sandi/", {}).status_code == 404
    assert client.get(f"/api/pengguna/{other.pk}").status_code == 404
    ids = [u["id"] for u in client.get("/api/pengguna/").json()["items"]]
    assert mine.pk in ids and other.pk not in ids


@pytest.mark.parametrize(
    "role",
    [Role.OPERATOR_DESA, Role.OPERATOR_DINAS, Role.TKSK, Role.PENDAMPING, Role.KEPALA_BIDANG],
)
def test_non_admin_roles_cannot_open_user_management(
    client: Client, make_user: Any, role: str
) -> None:
    codes = {Role.OPERATOR_DESA: [DESA_A], Role.TKSK: [KEC_A], Role.PENDAMPING: [DESA_A]}.get(
        role, [MOJOKERTO]
    )
    client.force_login(make_user(role, codes))
    response = client.get("/akun/pengguna/")
    assert response.status_code == 403
    assert "tidak berwenang" in response.content.decode()
    assert client.get("/akun/pengguna/baru/").status_code == 403
    assert client.get("/audit/").status_code == 403
    assert client.get("/api/pengguna/").status_code == 403


def test_own_tokens_page(client: Client, make_user: Any) -> None:
    user = make_user(Role.OPERATOR_DINAS)
    client.force_login(user)
    response = client.post("/akun/token/", {"name": "aplikasi"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    assert "sjt_" in response.content.decode()
    client.post(f"/akun/token/{token.pk}/cabut/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    empty = client.post("/akun/token/", {"name": ""})
    assert "wajib diisi" in empty.content.decode()


def test_cannot_revoke_someone_elses_token(client: Client, make_user: Any) -> None:
    from sejahtera.accounts.services import issue_api_token

    owner = make_user(Role.OPERATOR_DINAS)
    token, _ = issue_api_token(actor=owner, user=owner, name="x")
    client.force_login(make_user(Role.OPERATOR_DINAS))
    assert client.post(f"/akun/token/{token.pk}/cabut/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
