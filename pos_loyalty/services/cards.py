"""The client's own card, /card/{token}: what a client sees of their points without any login.

The card's secret is the only key: a long random token (clients.card_token) that a manager replaces to
revoke a link handed out. The points come from the same use case as the till's loyalty summary
(services/loyalty.py), so the card can never disagree with the till.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from pos_loyalty.core.errors import Forbidden, NotFound
from pos_loyalty.extensions import db
from pos_loyalty.models import Client, LedgerEntry, PointsAccount, Sale, Salon
from pos_loyalty.runtime import runtime
from pos_loyalty.services import audit
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.clients import get_client
from pos_loyalty.services.loyalty import ClientLoyalty, loyalty_of
from pos_loyalty.services.transaction import transaction

LAST_VISITS = 5
# The ledger kinds a sale's own points are written with (not its refund, not a manager's adjustment).
EARNING_KINDS = ("earn", "service", "bonus", "referral", "welcome")


@dataclass(frozen=True)
class Visit:
    at: datetime  # when the sale was paid (UTC; the page shows the salon's day)
    salon_name: str
    points: int  # what the sale earned the client, bonuses included


@dataclass(frozen=True)
class ClientCard:
    client: Client
    salon: Salon  # the salon the client joined in (else the chain's first): its name heads the card
    loyalty: ClientLoyalty
    visits: tuple[Visit, ...]


def card_url(client: Client) -> str | None:
    """The client's card page as an absolute URL (None once the person is erased)."""
    if client.erased_at is not None or not client.card_token:
        return None
    return runtime().card_url(client.card_token)


def client_of_card(token: str) -> Client:
    """The client a card token belongs to; NotFound for an unknown, revoked or erased one (all alike)."""
    client = None
    if token and len(token) <= 64:
        client = db.session.scalars(select(Client).where(Client.card_token == token)).first()
    if client is None or client.erased_at is not None:
        raise NotFound("No such card.", code="card_not_found")
    return client


def home_salon(client: Client) -> Salon:
    salon = db.session.get(Salon, client.created_in_salon_id) if client.created_in_salon_id else None
    return salon or db.session.scalars(select(Salon).order_by(Salon.id).limit(1)).one()


def card_of(token: str) -> ClientCard:
    """The card behind a token: the loyalty summary as the till has it (expiries swept first), and the
    last paid visits in any salon of the chain with the points each one earned."""
    with transaction():
        client = client_of_card(token)
        salon = home_salon(client)
        loyalty = loyalty_of(Actor("client card", "till", salon.id, channel="card"), client.id)
        return ClientCard(client=client, salon=salon, loyalty=loyalty, visits=last_visits(client.id))


def last_visits(client_id: int, limit: int = LAST_VISITS) -> tuple[Visit, ...]:
    """The client's last paid sales, newest first: two queries whatever the length of the history."""
    sales = db.session.execute(
        select(Sale.id, Sale.paid_at, Salon.name).join(Salon, Salon.id == Sale.salon_id)
        .where(Sale.client_id == client_id, Sale.status == "paid", Sale.paid_at.is_not(None))
        .order_by(Sale.paid_at.desc(), Sale.id.desc()).limit(limit)).all()
    ids = [row.id for row in sales]
    earned = dict(db.session.execute(
        select(LedgerEntry.sale_id, func.sum(LedgerEntry.points))
        .join(PointsAccount, PointsAccount.id == LedgerEntry.account_id)
        .where(PointsAccount.client_id == client_id, LedgerEntry.sale_id.in_(ids), LedgerEntry.points > 0,
               LedgerEntry.kind.in_(EARNING_KINDS))
        .group_by(LedgerEntry.sale_id)).all()) if ids else {}
    return tuple(Visit(row.paid_at, row.name, int(earned.get(row.id) or 0)) for row in sales)


def revoke_card(actor: Actor, client_id: int) -> Client:
    """A manager replaces the client's card token: the old link answers 404 from the next request on.
    The audit trail says that it happened, never the token."""
    if not actor.is_manager:
        raise Forbidden("Only a manager can revoke a client's card.")
    with transaction():
        client = get_client(client_id)
        if client.erased_at is not None:
            raise NotFound(f"Client {client_id} does not exist.", code="client_not_found")
        client.card_token = secrets.token_urlsafe(32)
        audit.record(actor, "client.card_revoke", f"client {client.id}", None, {"card": "new link"})
        return client
