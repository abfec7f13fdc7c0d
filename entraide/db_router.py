"""Read replicas: marked read-only selectors read from ``replica``.

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` alias and this
router. A read goes to the replica only when all of these hold:

- the code asked for it (a selector decorated with :func:`replica_reads`, or
  a ``with replica_reads():`` block): only reads that tolerate a second of
  replication lag are marked;
- no transaction is open on the primary (a read inside one must see the
  transaction's own writes, and ``select_for_update`` must lock the primary);
- nothing was written in this request, nor by this client in the last few
  seconds (``ReplicaPinMiddleware``'s cookie): a member sees their own post
  right after sending it, even if the replica is a little behind.

Everything else — writes, unmarked reads, workers, commands — uses the primary.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar, cast

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "db_primary"
P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class _State:
    wrote: bool = False
    pinned: bool = False


_replica_wanted: ContextVar[bool] = ContextVar("replica_wanted", default=False)
# One per request (ReplicaPinMiddleware); outside requests a fresh state per
# context means a worker's write pins nothing beyond its own context.
_state: ContextVar[_State | None] = ContextVar("db_state", default=None)


class replica_reads:
    """Let the reads inside go to the replica (when the rules above allow).

    As a decorator, a QuerySet the function returns unevaluated is bound to
    the alias chosen then, so it reads there whenever it is evaluated.
    """

    def __enter__(self) -> "replica_reads":
        self._token = _replica_wanted.set(True)
        return self

    def __exit__(self, *exc: object) -> None:
        _replica_wanted.reset(self._token)

    def __call__(self, function: Callable[P, R]) -> Callable[P, R]:
        @wraps(function)
        def marked(*args: P.args, **kwargs: P.kwargs) -> R:
            with replica_reads():
                result = function(*args, **kwargs)
                if isinstance(result, QuerySet):
                    return cast(R, result.using(read_alias()))
            return result

        return marked


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _current_state() -> _State:
    state = _state.get()
    if state is None:
        state = _State()
        _state.set(state)
    return state


def read_alias() -> str:
    """Where a read made now goes (the router's decision, also for tests)."""
    if not (_replica_wanted.get() and replica_configured()):
        return PRIMARY
    state = _current_state()
    if state.wrote or state.pinned or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return REPLICA


class PrimaryReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        _current_state().wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # One database, two copies of it.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # The replica follows the primary's schema by replication.
        return db == PRIMARY


@contextmanager
def request_state(*, pinned: bool) -> Iterator[_State]:
    """A fresh routing state for one request (a thread serves many)."""
    state = _State(pinned=pinned)
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


class ReplicaPinMiddleware:
    """Keep a client on the primary for a few seconds after it wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        with request_state(pinned=PIN_COOKIE in request.COOKIES) as state:
            response = self.get_response(request)
        if state.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
