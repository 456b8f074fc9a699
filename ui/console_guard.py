"""Guards around the staff console: a password strong enough for a public server, failed logins slowed down and
logged, and headers that keep other sites from framing or scripting it.

The console can add and remove the documents every peer is answered from, so its login is the one door worth
forcing: a county security review found `a` accepted as the production password and 500 wrong guesses answered
in under a second, none logged.
"""

import logging
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.responses import JSONResponse

from core.asgi import read_body, replaying
from core.settings import Settings

log = logging.getLogger("peerhelp.console")

MIN_PASSWORD_LENGTH = 12
MIN_STRENGTH = 3  # zxcvbn's score, 0–4: 3 is "safely unguessable" (about 10^10 guesses); its list of 30,000 common
#                   passwords and repeats, sequences and keyboard walks all score below it

FREE_FAILURES = 5  # wrong passwords allowed (a typo, a caps-lock) before each next one waits
FIRST_WAIT_S = 1.0  # the wait after the first failure past the free ones; it doubles with every further failure
LONGEST_WAIT_S = 900.0
TRACKED = 10_000  # clients and user names remembered at most (the oldest forgotten first): memory stays bounded
LOGIN_BODY_BYTES = 4096  # a login form is a user name and a password

# Gradio's page needs its own inline scripts and styles; nothing else, and no one may frame it.
CONSOLE_HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
                               "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
                               "media-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; "
                               "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def password_problem(password: str) -> str | None:
    """Why this password is too weak for production, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"it has {len(password)} character{'s' * (len(password) != 1)}; at least {MIN_PASSWORD_LENGTH} are needed"
    from zxcvbn import zxcvbn  # its word and password lists load on first use

    found = zxcvbn(password)
    if found["score"] < MIN_STRENGTH:
        warning = found["feedback"]["warning"] or "it is easy to guess"
        return f"{warning.rstrip('.')} (strength {found['score']} of 4; at least {MIN_STRENGTH} is needed)"
    return None


def production_refusal(settings: Settings) -> str | None:
    """Why the console must not start in production with these settings, or None (also None outside production)."""
    if not settings.production:
        return None
    if not settings.console_password:
        return "PEERHELP_PRODUCTION is set and PEERHELP_CONSOLE_PASSWORD is not. Fix: set PEERHELP_CONSOLE_PASSWORD."
    problem = password_problem(settings.console_password.get_secret_value())
    if problem:
        return (f"PEERHELP_CONSOLE_PASSWORD is too weak for production: {problem}. Fix: choose a longer passphrase "
                "of several uncommon words.")
    return None


@dataclass
class _Failures:
    count: int = 0
    wait_until: float = 0.0


class LoginThrottle:
    """ASGI middleware on the console's login route: after FREE_FAILURES wrong passwords from one client address or
    for one user name, each next attempt must wait (FIRST_WAIT_S, doubling, at most LONGEST_WAIT_S) and is answered
    429 with Retry-After until then; a right password clears both. Every failure is logged with the user name and
    the client address, never the password."""

    def __init__(self, app, login_path: str = "/console/login", clock=time.monotonic):
        self.app, self.paths, self.clock = app, {login_path, login_path + "/"}, clock
        self.failures: OrderedDict[tuple[str, str], _Failures] = OrderedDict()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            return await self.app(scope, receive, send)
        body = await read_body(receive, LOGIN_BODY_BYTES)
        if body is None:
            return await JSONResponse(status_code=413, content={"detail": "The login form is too large."})(scope, receive, send)
        user = parse_qs(body.decode("utf-8", "replace")).get("username", [""])[0].strip()[:64]
        client = (scope.get("client") or ("unknown", 0))[0]
        keys = [("client", client), ("user", user.lower())]
        wait = max(self._state(k).wait_until for k in keys) - self.clock()
        if wait > 0:
            return await JSONResponse(status_code=429, headers={"Retry-After": str(math.ceil(wait))}, content={
                "detail": f"Too many wrong passwords. Try again in {math.ceil(wait)} seconds."})(scope, receive, send)
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, replaying(body, receive), watch)
        if status.get("code") == 200:
            for key in keys:
                self.failures.pop(key, None)
        elif status.get("code") in (400, 401):
            self._failed(keys, user, client)

    def _state(self, key: tuple[str, str]) -> _Failures:
        return self.failures.get(key) or _Failures()

    def _failed(self, keys: list[tuple[str, str]], user: str, client: str) -> None:
        now, worst = self.clock(), 0
        for key in keys:
            state = self.failures.pop(key, None) or _Failures()
            state.count += 1
            beyond = state.count - FREE_FAILURES
            if beyond > 0:
                state.wait_until = now + min(LONGEST_WAIT_S, FIRST_WAIT_S * 2 ** (beyond - 1))
            self.failures[key] = state  # most recently failed last: the oldest are forgotten first
            worst = max(worst, state.count)
        while len(self.failures) > TRACKED:
            self.failures.popitem(last=False)
        log.warning("staff console login failed: user %r from %s (failure %d in a row)", user, client, worst)


class ConsoleHeaders:
    """ASGI middleware: CONSOLE_HEADERS on every response under /console."""

    def __init__(self, app, prefix: str = "/console"):
        self.app, self.prefix = app, prefix
        self.headers = [(k.encode(), v.encode()) for k, v in CONSOLE_HEADERS.items()]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in self.headers if h[0] not in names]
            await send(message)

        await self.app(scope, receive, with_headers)
