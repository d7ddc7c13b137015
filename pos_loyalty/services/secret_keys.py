"""Long random secrets (API tokens, panel sessions, till devices), stored only as SHA-256 digests.

Such secrets carry 256 random bits, so a fast digest is the right tool (a slow password hash is for PINs);
a lookup by digest compares nothing in variable time.
"""
from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
