"""Editor tokens: issued and revoked as events; only a slow scrypt hash is ever stored.

A token reads "<id>.<secret>". The id is public and finds the row; the secret
is checked against its hash, so a request costs one scrypt, not one per editor.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import sqlite3
from dataclasses import dataclass

from events.domain.event_types import STR, EventType
from events.log.errors import ValidationError
from events.log.model import NewEvent, StreamAppend
from events.log.store import EventStore

TOKEN_ISSUED = "TokenIssued"
TOKEN_REVOKED = "TokenRevoked"
NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
# scrypt cost: about 50 ms on this machine class; parameters are stored with each hash.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


@dataclass(frozen=True)
class TokenInfo:
    name: str
    token_id: str
    issued_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def hash_secret(
    secret: str, *, salt: bytes | None = None, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P
) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)
    encode = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    return f"scrypt${n}${r}${p}${encode(salt)}${encode(digest)}"


def secret_matches(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, _ = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hash_secret(secret, salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate, stored)


def token_stream(name: str) -> str:
    return f"token-{name}"


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise ValidationError(
            "a token name is 1-64 characters: lowercase letters, digits, '.', '_' or '-'", "name"
        )
    return name


def issue_token(store: EventStore, name: str, *, actor: str = "cli") -> str:
    """Record a new token for an editor name and return it; it is shown once and never stored."""
    check_name(name)
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    if active_token(store.conn, name):
        raise ValidationError(f"editor {name!r} already has an active token: revoke it first", "name")
    event = NewEvent(
        TOKEN_ISSUED, {"name": name, "token_id": token_id, "hash": hash_secret(secret)}, {"actor": actor}
    )
    store.append([StreamAppend(token_stream(name), (event,), None)])
    return f"{token_id}.{secret}"


def revoke_token(store: EventStore, name: str, *, actor: str = "cli") -> None:
    info = active_token(store.conn, name)
    if info is None:
        raise ValidationError(f"no active token named {name!r}", "name")
    event = NewEvent(TOKEN_REVOKED, {"name": name, "token_id": info.token_id}, {"actor": actor})
    store.append([StreamAppend(token_stream(name), (event,), None)])


def active_token(conn: sqlite3.Connection, name: str) -> TokenInfo | None:
    row = conn.execute(
        "SELECT name, token_id, issued_at, revoked_at FROM tokens WHERE name = ? AND revoked_at IS NULL",
        (name,),
    ).fetchone()
    return TokenInfo(*row) if row else None


def list_tokens(conn: sqlite3.Connection) -> list[TokenInfo]:
    rows = conn.execute("SELECT name, token_id, issued_at, revoked_at FROM tokens ORDER BY name, issued_at")
    return [TokenInfo(*row) for row in rows]


def authenticate(conn: sqlite3.Connection, token: str | None) -> str | None:
    """The editor name a token belongs to, if it is well-formed, known, unrevoked and matches."""
    if not token or "." not in token or len(token) > 200:
        return None
    token_id, secret = token.split(".", 1)
    row = conn.execute(
        "SELECT name, hash FROM tokens WHERE token_id = ? AND revoked_at IS NULL", (token_id,)
    ).fetchone()
    if row is None:
        hash_secret(secret)  # spend the same time, so timing does not tell known ids apart
        return None
    return row[0] if secret_matches(secret, row[1]) else None


EVENT_TYPES = (
    EventType(TOKEN_ISSUED, {"name": STR, "token_id": STR, "hash": STR}),
    EventType(TOKEN_REVOKED, {"name": STR, "token_id": STR}),
)
