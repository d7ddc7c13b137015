"""Self-registration through a referral link (/join?ref=CODE): a new client, their referrer recorded.

Nobody signs in here, so the use case reveals nothing about other people: a phone or an e-mail already
known gets one neutral refusal whoever it belongs to, and nothing personal goes to the logs. The referral
bonuses follow the programme's rule (services/referrals.py): paid at the new client's first paid sale.
"""
from __future__ import annotations

import logging
import re

from sqlalchemy import func, select

from pos_loyalty.core.errors import Conflict
from pos_loyalty.core.referral import normalise_referral_code
from pos_loyalty.extensions import db
from pos_loyalty.models import Client, Salon
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.clients import client_by_code, create_client
from pos_loyalty.services.transaction import transaction

log = logging.getLogger(__name__)
_DIGITS = re.compile(r"\D+")
NATIONAL_DIGITS = 9  # 06 12 34 56 78 and +33 6 12 34 56 78 are the same phone: their last 9 digits


def referrer_of(code: str | None) -> Client | None:
    """The client whose referral code this is (an erased client has none), or None."""
    if not code or len(code) > 60 or not normalise_referral_code(code):
        return None
    return client_by_code(code)


def same_phone(stored: str, digits: str) -> bool:
    other = _DIGITS.sub("", stored or "")
    if not other or not digits:
        return False
    if len(other) >= NATIONAL_DIGITS and len(digits) >= NATIONAL_DIGITS:
        return other[-NATIONAL_DIGITS:] == digits[-NATIONAL_DIGITS:]
    return other == digits


def already_registered(phone: str | None, email: str | None) -> bool:
    """True when a client has this e-mail (any case) or this phone (however written)."""
    if email and db.session.scalars(
            select(Client.id).where(func.lower(Client.email) == email.strip().lower()).limit(1)).first():
        return True
    digits = _DIGITS.sub("", phone or "")
    if not digits:
        return False
    tail = digits[-NATIONAL_DIGITS:]
    candidates = db.session.scalars(select(Client.phone).where(
        Client.phone.is_not(None), Client.search_text.contains(tail, autoescape=True)))
    return any(same_phone(stored, digits) for stored in candidates)


def join(fields: dict, ref_code: str | None) -> Client:
    """A client made from the sign-up form (checked by JoinSchema). The referrer is the code's client if
    the code is known (else none: the page already said the invitation is not valid); the new client
    belongs to the referrer's salon, or to none. Conflict `already_registered` when the phone or e-mail
    is known, and then nothing is made."""
    fields = {name: value for name, value in fields.items() if name != "consent"}
    with transaction():
        if already_registered(fields.get("phone"), fields.get("email")):
            raise Conflict("These details are already registered.", code="already_registered")
        referrer = referrer_of(ref_code)
        salon_id = referrer.created_in_salon_id if referrer else None
        acting_salon = salon_id or db.session.scalars(select(Salon.id).order_by(Salon.id).limit(1)).one()
        if referrer is not None:
            fields["referred_by"] = referrer.referral_code
        client = create_client(Actor("sign-up page", "till", acting_salon, channel="join"), fields)
        client.created_in_salon_id = salon_id
        log.info("client %s joined on the sign-up page%s", client.id, " with a referrer" if referrer else "")
        return client
