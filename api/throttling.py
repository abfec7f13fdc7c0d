"""Rate limits per member, per API key and per IP address for anonymous
callers, in fixed one-minute windows counted in the cache (Redis in
production, so every process shares the count). Writes have their own,
smaller allowance."""

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from .models import ApiKey

WINDOW_SECONDS = 60


def _count(bucket: str, window: int) -> int:
    """Add one request to ``bucket``'s current window; the total so far."""
    key = f"api:rate:{bucket}:{window}"
    # add() is a no-op when the key exists; incr() is atomic in Redis and in
    # the local-memory cache, so concurrent requests are all counted.
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=WINDOW_SECONDS + 5)
        return 1


class ApiRateThrottle(BaseThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        limits = settings.API
        is_write = request.method not in SAFE_METHODS
        auth = request.auth
        if isinstance(auth, ApiKey):
            bucket = f"key:{auth.pk}"
            limit = auth.requests_per_minute
            if is_write:
                # A key's writes come from its visitors' browsers: limit each visitor.
                bucket += f":ip:{self.get_ident(request)}"
        elif request.user.is_authenticated:
            bucket = f"user:{request.user.pk}"
            limit = limits["USER_READS_PER_MINUTE"]
        else:
            bucket = f"ip:{self.get_ident(request)}"
            limit = limits["ANON_READS_PER_MINUTE"]
        if is_write:
            bucket += ":write"
            limit = min(limit, limits["WRITES_PER_MINUTE"])
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        self._wait = (window + 1) * WINDOW_SECONDS - now
        return _count(bucket, window) <= int(limit)

    def wait(self) -> float:
        return self._wait
