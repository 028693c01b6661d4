"""Sign-in, sign-out and failed sign-in are recorded in the audit trail. Django announces them
only through these signals; the receivers do nothing but write the audit event."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from sejahtera.audit import services as audit
from sejahtera.audit.models import Action


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(actor=user, action=Action.LOGIN, obj=user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, action=Action.LOGOUT, obj=user)


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    audit.record(
        actor=getattr(request, "user", None) if request is not None else None,
        action=Action.LOGIN_FAILED,
        object_type="accounts.user",
        object_repr=str(credentials.get("username", ""))[:150],
    )
