from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sejahtera.accounts.models import User
from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from tests.conftest import DESA_A, KEC_A

pytestmark = pytest.mark.django_db


def _post(client: Client, payload: dict[str, Any]) -> Any:
    return client.post("/api/pengguna/", payload, content_type="application/json")


def test_admin_creates_user_via_api(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.ADMIN))
    response = _post(
        client,
        {
            "username": "apiuser",
            "full_name": "Lewat API",
            "role": Role.OPERATOR_DESA,
            "password": "Sandi-Lewat-Api-1",
            "areas": [DESA_A],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["areas"] == [DESA_A]
    user = User.objects.get(username="apiuser")
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(user.pk)).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"areas": [KEC_A]}, "areas"),
        ({"areas": ["99.99"]}, "areas"),
        ({"password": "123"}, "password"),
        ({"unit": "TIDAKADA"}, "unit"),
    ],
)
def test_bad_api_input_is_422_with_message(
    client: Client, make_user: Any, payload: dict[str, Any], field: str
) -> None:
    client.force_login(make_user(Role.ADMIN))
    data = {
        "username": "apiuser2",
        "full_name": "X",
        "role": Role.OPERATOR_DESA,
        "password": "Sandi-Lewat-Api-1",
        "areas": [DESA_A],
    }
    data.update(payload)
    response = _post(client, data)
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert not User.objects.filter(username="apiuser2").exists()


def test_malformed_json_is_not_500(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.ADMIN))
    response = client.post("/api/pengguna/", "{bukan json", content_type="application/json")
    assert response.status_code in (400, 422)


def test_session_api_write_needs_csrf(make_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.ADMIN))
    response = _post(
        client,
        {
            "username": "c",
            "full_name": "c",
            "role": Role.OPERATOR_DINAS,
            "password": "Sandi-Lewat-Api-1",
        },
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="c").exists()


def test_openapi_docs_available(client: Client) -> None:
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "/api/wilayah/" in schema["paths"]
    assert {"get", "post"} <= set(schema["paths"]["/api/pengguna/"])
