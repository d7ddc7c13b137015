"""Client profiles: creation with a unique referral code, search at the till, referrer links."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from pos_loyalty.core.errors import Conflict, Forbidden, Invalid, NotFound
from pos_loyalty.core.referral import fold, normalise_referral_code, unique_referral_code
from pos_loyalty.extensions import db
from pos_loyalty.models import LOT_IS_OPEN, Client, PointsAccount, PointsLot, Sale
from pos_loyalty.runtime import runtime
from pos_loyalty.services import audit
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.transaction import after_commit, transaction

_DIGITS = re.compile(r"\D+")


def search_text(client: Client) -> str:
    parts = [client.first_name, client.last_name, client.email or "", client.referral_code,
             _DIGITS.sub("", client.phone or "")]
    return fold(" ".join(parts))[:600]


def get_client(client_id: int, *, erased_ok: bool = False) -> Client:
    """The client; an erased one (services/privacy.py) is a 404 of its own code unless `erased_ok`."""
    client = db.session.get(Client, client_id)
    if client is None:
        raise NotFound(f"Client {client_id} does not exist.", code="client_not_found")
    if client.erased_at is not None and not erased_ok:
        raise NotFound(f"Client {client_id} was erased: nothing is kept about the person.", code="client_erased")
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
                        card_token=secrets.token_urlsafe(32),
                        created_at=runtime().now(), created_in_salon_id=actor.salon_id, search_text="")
        client.search_text = search_text(client)
        db.session.add(client)
        db.session.flush()
        db.session.add(PointsAccount(client_id=client.id, balance=0, held=0, debt=0))
        db.session.flush()
        hook = runtime().plugins.hook
        after_commit(lambda: hook.client_created(client_id=client.id))
        return client


def profile_of(client: Client) -> dict:
    """The fields a profile change may touch, as the audit trail keeps them."""
    referrer = db.session.get(Client, client.referrer_id) if client.referrer_id else None
    return {"first_name": client.first_name, "last_name": client.last_name, "phone": client.phone,
            "email": client.email, "birth_date": client.birth_date, "subscriber": client.subscriber,
            "email_opt_in": client.email_opt_in, "referred_by": referrer.referral_code if referrer else None}


def update_client(actor: Actor, client_id: int, fields: dict) -> Client:
    """Correct a profile; a manager's change (the back office, a manager's token) goes to the audit trail."""
    with transaction():
        client = get_client(client_id)
        before = profile_of(client)
        referred_by = fields.pop("referred_by", None)
        for name, value in fields.items():
            setattr(client, name, value)
        if referred_by is not None:
            set_referrer(client, referred_by)
        client.search_text = search_text(client)
        if actor.is_manager:
            changed_before, changed_after = audit.changed_only(before, profile_of(client))
            if changed_after:
                audit.record(actor, "client.update", f"client {client.id}", changed_before, changed_after)
        return client


def change_referral_code(actor: Actor, client_id: int, typed: str) -> Client:
    """A manager gives a client another referral code, stored as codes are made (capitals, accents folded,
    words joined by hyphens) and unique: a code already given to someone else is refused."""
    if not actor.is_manager:
        raise Forbidden("Only a manager can change a referral code.")
    code = normalise_referral_code(typed)
    if not code or len(code) > 60:
        raise Invalid("A referral code is made of letters and digits, 60 at most.", code="bad_referral_code",
                      details={"referral_code": ["Letters and digits, 60 at most."]})
    with transaction():
        client = get_client(client_id)
        before = client.referral_code
        if code == before:
            return client
        taken = Invalid(f"The referral code {code} belongs to another client.", code="referral_code_taken",
                        details={"referral_code": ["Another client has this code."]})
        if db.session.scalars(select(Client.id).where(Client.referral_code == code)).first() is not None:
            raise taken
        client.referral_code = code
        client.search_text = search_text(client)
        try:
            db.session.flush()
        except IntegrityError:  # given to someone else at the same moment
            raise taken from None
        audit.record(actor, "client.referral_code", f"client {client.id}", {"referral_code": before},
                     {"referral_code": code})
        return client


def set_referrer(client: Client, code: str, *, after_first_sale: bool = False) -> None:
    """Record who referred a client afterwards ("forgot the code"): only before the first paid sale (unless
    the bonuses are given by hand at once: `after_first_sale`); no self-referral, no loops."""
    referrer = client_by_code(code)
    if referrer is None:
        raise Invalid(f"No client has the referral code “{code}”.", code="unknown_referral_code",
                      details={"referred_by": ["Unknown referral code."]})
    if client.referrer_id == referrer.id:
        return
    if client.referrer_id is not None:
        raise Conflict("This client already has a referrer.", code="referrer_already_set")
    if client.first_paid_sale_id is not None and not after_first_sale:
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
    query = select(Client).where(Client.erased_at.is_(None))
    for word in words[:5]:
        digits = _DIGITS.sub("", word)
        clause = Client.search_text.contains(word, autoescape=True)
        if digits and len(digits) >= 3 and digits != word:
            clause = or_(clause, Client.search_text.contains(digits, autoescape=True))
        query = query.where(clause)
    return list(db.session.scalars(query.order_by(Client.last_name, Client.first_name, Client.id).limit(limit)))


@dataclass(frozen=True)
class ClientRow:
    """A line of the back office's client list."""

    client: Client
    balance: int  # as of today: points past their expiry not counted, even before the nightly sweep
    last_visit: datetime | None  # the last paid sale


def newest_clients(before_id: int | None = None, limit: int = 25) -> tuple[list[Client], int | None]:
    """The newest clients first, a page at a time; the second value continues below (None at the end)."""
    query = select(Client)
    if before_id is not None:
        query = query.where(Client.id < before_id)
    rows = list(db.session.scalars(query.order_by(Client.id.desc()).limit(limit + 1)))
    following = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], following


def client_rows(clients: list[Client], today: date) -> list[ClientRow]:
    """Each client with the balance and the last visit, in three queries whatever the number of clients."""
    ids = [client.id for client in clients]
    balances = dict(db.session.execute(
        select(PointsAccount.client_id, PointsAccount.balance).where(PointsAccount.client_id.in_(ids))).all())
    expired = dict(db.session.execute(
        select(PointsAccount.client_id, func.sum(PointsLot.remaining))
        .join(PointsLot, PointsLot.account_id == PointsAccount.id)
        .where(PointsAccount.client_id.in_(ids), LOT_IS_OPEN, PointsLot.expires_on < today)
        .group_by(PointsAccount.client_id)).all())
    visits = dict(db.session.execute(
        select(Sale.client_id, func.max(Sale.paid_at))
        .where(Sale.client_id.in_(ids), Sale.paid_at.is_not(None)).group_by(Sale.client_id)).all())
    return [ClientRow(client, balances.get(client.id, 0) - int(expired.get(client.id) or 0), visits.get(client.id))
            for client in clients]
