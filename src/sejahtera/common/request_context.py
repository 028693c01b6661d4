"""Who is acting, and from where, for the duration of a request or a task.

Services receive the actor explicitly; this only carries the client address and user agent
so that audit events written deep inside a service can name where the request came from."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""
    path: str = ""


_EMPTY = RequestInfo()
_current: ContextVar[RequestInfo] = ContextVar("sejahtera_request", default=_EMPTY)


def current() -> RequestInfo:
    return _current.get()


def set_current(info: RequestInfo) -> object:
    return _current.set(info)


def reset(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
