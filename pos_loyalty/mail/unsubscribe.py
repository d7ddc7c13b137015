"""The signed one-click unsubscribe link of every mail: the client's id signed with the app's secret.

It never expires (a mail read months later must still unsubscribe) and needs nothing else: a mail client's
one-click POST (RFC 8058) carries no session and no CSRF token, only the link.
"""
from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "pos-loyalty mail unsubscribe"


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def unsubscribe_token(secret: str, client_id: int) -> str:
    return _serializer(secret).dumps({"client": client_id})


def client_of_token(secret: str, token: str) -> int | None:
    """The client id a token was signed for, or None (forged, cut, or another installation's)."""
    if not token or len(token) > 200:
        return None
    try:
        data = _serializer(secret).loads(token)
    except BadSignature:
        return None
    client_id = data.get("client") if isinstance(data, dict) else None
    return client_id if isinstance(client_id, int) else None
