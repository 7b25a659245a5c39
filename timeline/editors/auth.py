"""Who may write: a bearer token for the API, a signed session for the forms, and a brake on guessing tokens."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, jsonify, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from events.domain.token import active_token, authenticate
from events.log.sessions import end_session, session_ended
from timeline.config import Config, ConfigError
from timeline.db import get_timeline

SECRET_FILE = "secret_key"  # beside the database, mode 0600, when the config names no key
SESSION_KEY = "editor"
FAILURES_ALLOWED = 5
FAILURE_WINDOW = 60.0  # seconds
MAX_CLIENTS = 10_000  # clients remembered by the limiter; beyond this the idle ones are forgotten
csrf = CSRFProtect()
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Secret key, cookie flags, CSRF protection and the sign-in limiter."""
    config: Config = app.config["TIMELINE"]
    app.secret_key = config.secret_key or secret_or_none(config)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.base_url.startswith("https://"),
        WTF_CSRF_TIME_LIMIT=None,  # a form's token lives as long as the session that holds it
    )
    app.session_interface = SessionCookies()
    app.extensions["timeline_sign_in_limiter"] = FailureLimiter()  # the sign-in form's guesses
    app.extensions["timeline_token_limiter"] = FailureLimiter()  # the API's bad tokens, counted apart
    csrf.init_app(app)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie, also marked Secure when this request itself came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)

    def get_signing_serializer(self, app: Flask):
        """Without a key (its folder was unwritable at start) try again; meanwhile no sessions, but /healthz answers."""
        if not app.secret_key:
            app.secret_key = secret_or_none(app.config["TIMELINE"])
        return super().get_signing_serializer(app)


# ---------------------------------------------------------------- the session secret


def secret_or_none(config: Config) -> str | None:
    try:
        return stored_secret_key(config.database_path.parent)
    except OSError as error:
        log.error("no session secret, so no signing in: %s", error)
        return None


def stored_secret_key(folder: Path) -> str:
    """The key kept in <folder>/secret_key (mode 0600), made once and reused on every restart."""
    path = folder / SECRET_FILE
    if not path.exists():
        _create_secret_file(path)
    key = path.read_text("utf-8").strip()
    if len(key) < 32:
        raise ConfigError(f"{path}: the session secret is too short: delete the file to make a new one")
    return key


def _create_secret_file(path: Path) -> None:
    """Write a temporary file, then link it into place: two processes starting at once agree on one key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process made it first: use theirs
    finally:
        temporary.unlink(missing_ok=True)


# ---------------------------------------------------------------- guessing tokens is slow


class FailureLimiter:
    """At most `limit` failed sign-ins per client in any `window` seconds.

    In memory: `timeline serve` is one process, and a restart forgetting the
    count costs an attacker a restart. Tests replace `clock`.
    """

    def __init__(
        self,
        limit: int = FAILURES_ALLOWED,
        window: float = FAILURE_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int:
        """Seconds until this client may try again; 0 when it may now."""
        with self._lock:
            recent = self._recent(client, self.clock())
            if len(recent) < self.limit:
                return 0
            return max(1, math.ceil(recent[0] + self.window - self.clock()))

    def failed(self, client: str) -> None:
        with self._lock:
            now = self.clock()
            if len(self._failures) >= MAX_CLIENTS:
                self._forget_idle(now)
            self._recent(client, now).append(now)

    def _recent(self, client: str, now: float) -> deque[float]:
        recent = self._failures.setdefault(client, deque())
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        return recent

    def _forget_idle(self, now: float) -> None:
        for client in [
            c for c, times in self._failures.items() if not times or times[-1] <= now - self.window
        ]:
            del self._failures[client]


def limiter() -> FailureLimiter:
    return current_app.extensions["timeline_sign_in_limiter"]


def token_limiter() -> FailureLimiter:
    return current_app.extensions["timeline_token_limiter"]


def client_address() -> str:
    return request.remote_addr or "unknown"


# ---------------------------------------------------------------- the API: Authorization: Bearer


def refused(where: str, counter: FailureLimiter | None = None) -> None:
    """A bad token counts against its client, and leaves a trace for whoever runs the service."""
    (counter or limiter()).failed(client_address())
    log.warning("%s: refused a token that is not valid or was revoked, from %s", where, client_address())


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def token_required(view):
    """The API's guard: 401 without a valid token, 429 for a bad one after too many; passes `editor`.

    A valid token always passes: an address's bad guesses (someone else's, behind a shared
    proxy or NAT) never lock out the editor whose token it is (issue 15). Bad tokens are
    counted apart from the sign-in form's failed passwords, which throttle the form only.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = bearer_token()
        if token is None:
            return unauthorized("send Authorization: Bearer <token>")
        editor = authenticate(get_timeline().conn, token)
        if editor is None:
            wait = token_limiter().retry_after(client_address())
            if wait:
                return too_many(wait)
            refused("API", token_limiter())
            return unauthorized("the token is not valid or was revoked", invalid=True)
        g.editor = editor
        return view(*args, editor=editor, **kwargs)

    return wrapper


def unauthorized(message: str, *, invalid: bool = False):
    response = jsonify({"error": message, "field": "Authorization"})
    challenge = 'Bearer realm="SCO Timeline"' + (', error="invalid_token"' if invalid else "")
    response.headers["WWW-Authenticate"] = challenge
    return response, 401


def too_many(wait: int):
    response = jsonify(
        {"error": f"too many bad tokens: try again in {wait} seconds", "field": "Authorization"}
    )
    response.headers["Retry-After"] = str(wait)
    return response, 429


# ---------------------------------------------------------------- the forms: a signed session


def sign_in(token: str) -> str | None:
    """Check a token typed into /login; on success the session names its editor and token id."""
    editor = authenticate(get_timeline().conn, token)
    if editor is None:
        refused("sign-in")
        return None
    log.info("editor %s signed in from %s", editor, client_address())
    session.clear()
    session_id = secrets.token_urlsafe(18)  # signing out ends it on the server, not only in this browser
    session[SESSION_KEY] = {"name": editor, "token_id": token.split(".", 1)[0], "session_id": session_id}
    g.editor = editor
    return editor


def sign_out() -> None:
    """Forget the session here and end it on the server: a copy of its cookie no longer signs anyone in."""
    signed = session.get(SESSION_KEY)
    if isinstance(signed, dict) and isinstance(signed.get("session_id"), str):
        end_session(get_timeline().conn, signed["session_id"], dt.datetime.now(dt.UTC))
    session.clear()
    g.editor = None


def current_editor() -> str | None:
    """The signed-in editor, checked against the tokens table on every request: revoking ends the session."""
    if "editor" not in g:
        g.editor = _session_editor()
    return g.editor


def _session_editor() -> str | None:
    signed = session.get(SESSION_KEY)
    if not isinstance(signed, dict) or not isinstance(signed.get("name"), str):
        return None
    session_id = signed.get("session_id")
    if not isinstance(session_id, str) or session_ended(get_timeline().conn, session_id):
        return None  # signed out (perhaps from another copy of this cookie), or from before sessions had ids
    info = active_token(get_timeline().conn, signed["name"])
    if info is None or info.token_id != signed.get("token_id"):
        session.pop(SESSION_KEY, None)
        return None
    return info.name


def actor(editor: str) -> str:
    """How an editor's changes are signed in the log's metadata."""
    return f"editor:{editor}"
