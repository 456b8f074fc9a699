"""Request limits per client address and per conversation, through the `limits` library.

A public chat endpoint runs the embedding model for every message: one client sent 500 messages in 21.6 s and
all were answered, leaving the rest of the county's visitors waiting. Limits are counted in a moving window, in
memory for one worker or in a store all workers share (PEERHELP_RATE_LIMIT_STORAGE, e.g. redis://…).
"""

import logging
import math
import time

from fastapi import HTTPException
from limits import RateLimitItem, parse_many
from limits.errors import ConfigurationError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from core.errors import PeerhelpError
from core.settings import Settings

log = logging.getLogger("peerhelp.api")


class RateLimits:
    """`limits.check(client, conversation)` before answering: raises 429 with Retry-After once either is over."""

    def __init__(self, settings: Settings):
        # the settings have checked both the limits and the store's scheme (core/settings.py)
        self.per_client = parse_many(settings.rate_limit_client) if settings.rate_limit_client else []
        self.per_conversation = parse_many(settings.rate_limit_conversation) if settings.rate_limit_conversation else []
        try:
            storage = storage_from_string(settings.rate_limit_storage)
        except (ImportError, ConfigurationError) as err:
            raise PeerhelpError(f"The rate-limit store {settings.rate_limit_storage!r} is not usable: {err}. Fix: "
                                "memory:// for one worker, or redis://host:6379 with Redis running") from err
        self.limiter = MovingWindowRateLimiter(storage)

    def check(self, client: str, conversation: str | None = None) -> None:
        over = self._over(self.per_client, "client", client)
        if over is None and conversation:
            over = self._over(self.per_conversation, "conversation", conversation)
        if over is not None:
            kind, frees_at = over
            wait = max(1, math.ceil(frees_at - time.time()))
            log.warning("rate limit: a %s went over its limit; answered 429, retry after %d s", kind, wait)
            raise HTTPException(status_code=429, headers={"Retry-After": str(wait)},
                                detail=f"Too many messages at once. Try again in {wait} seconds.")

    def _over(self, items: list[RateLimitItem], kind: str, key: str) -> tuple[str, float] | None:
        """The first limit this request would exceed (its kind, and when it frees a slot), or None after counting
        the request against every limit."""
        for item in items:
            if not self.limiter.test(item, kind, key):
                return kind, self.limiter.get_window_stats(item, kind, key).reset_time
        for item in items:
            self.limiter.hit(item, kind, key)
        return None
