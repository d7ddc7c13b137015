"""Client profiles: creation with a unique referral code, search at the till, referrer links."""
from __future__ import annotations

import re

from sqlalchemy import or_, select

from pos_loyalty.core.errors import Conflict, Invalid, NotFound
from pos_loyalty.core.referral import fold, normalise_referral_code, unique_referral_code
from pos_loyalty.extensions import db
from pos_loyalty.models import Client, PointsAccount
from pos_loyalty.runtime import runtime
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.transaction import after_commit, transaction

_DIGITS = re.compile(r"\D+")


def search_text(client: Client) -> str:
    parts = [client.first_name, client.last_name, client.email or "", client.referral_code,
             _DIGITS.sub("", client.phone or "")]
    return fold(" ".join(parts))[:600]


def get_client(client_id: int) -> Client:
    client = db.session.get(Client, client_id)
    if client is None:
        raise NotFound(f"Client {client_id} does not exist.", code="client_not_found")
    return client


def client_by_code(code: str) -> Client | None:
    return db.session.scalars(select(Client).where(Client.referral_code == normalise_referral_code(code))).first()


def create_client(actor: Actor, fields: dict) -> Client:
    with transaction():
        referred_by = fields.pop("referred_by", None)
        referrer = None
        if referred_by:
            referrer = client_by_code(referred_by)
            if referrer is None:
                raise Invalid(f"No client has the referral code “{referred_by}”.", code="unknown_referral_code",
                              details={"referred_by": ["Unknown referral code."]})
        code = unique_referral_code(
            fields["first_name"], fields["last_name"],
            lambda c: db.session.scalars(select(Client.id).where(Client.referral_code == c)).first() is not None,
        )
        client = Client(**fields, referral_code=code, referrer_id=referrer.id if referrer else None,
                        created_at=runtime().now(), created_in_salon_id=actor.salon_id, search_text="")
        client.search_text = search_text(client)
        db.session.add(client)
        db.session.flush()
        db.session.add(PointsAccount(client_id=client.id, balance=0, held=0, debt=0))
        db.session.flush()
        hook = runtime().plugins.hook
        after_commit(lambda: hook.client_created(client_id=client.id))
        return client


def update_client(actor: Actor, client_id: int, fields: dict) -> Client:
    with transaction():
        client = get_client(client_id)
        referred_by = fields.pop("referred_by", None)
        for name, value in fields.items():
            setattr(client, name, value)
        if referred_by is not None:
            set_referrer(client, referred_by)
        client.search_text = search_text(client)
        return client


def set_referrer(client: Client, code: str) -> None:
    """Record who referred a client afterwards ("forgot the code"): only before the first paid sale; no
    self-referral, no loops."""
    referrer = client_by_code(code)
    if referrer is None:
        raise Invalid(f"No client has the referral code “{code}”.", code="unknown_referral_code",
                      details={"referred_by": ["Unknown referral code."]})
    if client.referrer_id == referrer.id:
        return
    if client.referrer_id is not None:
        raise Conflict("This client already has a referrer.", code="referrer_already_set")
    if client.first_paid_sale_id is not None:
        raise Conflict("A referral counts only before the client's first paid sale.", code="referral_too_late")
    seen, cursor = set(), referrer
    while cursor is not None:
        if cursor.id == client.id:
            raise Conflict("A client cannot refer themselves, directly or through others.", code="referral_loop")
        if cursor.id in seen:
            break
        seen.add(cursor.id)
        cursor = db.session.get(Client, cursor.referrer_id) if cursor.referrer_id else None
    client.referrer_id = referrer.id


def search_clients(q: str, limit: int = 20) -> list[Client]:
    """Name, phone, e-mail or referral code; accents and case do not matter, every word must match."""
    words = fold(q).split()
    if not words:
        return []
    query = select(Client)
    for word in words[:5]:
        digits = _DIGITS.sub("", word)
        clause = Client.search_text.contains(word, autoescape=True)
        if digits and len(digits) >= 3 and digits != word:
            clause = or_(clause, Client.search_text.contains(digits, autoescape=True))
        query = query.where(clause)
    return list(db.session.scalars(query.order_by(Client.last_name, Client.first_name, Client.id).limit(limit)))
