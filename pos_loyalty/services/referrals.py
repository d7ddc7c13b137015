"""A referral recorded by a manager ("she forgot to give her friend's code"), its bonuses now or later.

The bonuses themselves are the referral plugin's rule (plugins/referral.py: who earns what, once, nothing
while the programme is off). Later: the referral is recorded and that rule pays at the client's first paid
sale, as for a code given at the till. Now: the same rule is asked what the introduction earns, its
earnings are credited as a payment credits them, and the client is marked as rewarded, so that no sale pays
them a second time.
"""
from __future__ import annotations

from dataclasses import replace

from pos_loyalty.core.errors import Conflict, Forbidden, Invalid
from pos_loyalty.core.quote import EarningContext, quote_sale
from pos_loyalty.extensions import db
from pos_loyalty.models import Client
from pos_loyalty.runtime import runtime
from pos_loyalty.services import audit, ledger
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.clients import client_by_code, get_client, set_referrer
from pos_loyalty.services.context import SalonTime, active_rules, current_terms, money_formatter, salon_time
from pos_loyalty.services.payments import credit_earnings
from pos_loyalty.services.sale_view import client_facts
from pos_loyalty.services.transaction import transaction

# The ledger kinds of an introduction's bonuses (the plugin's earnings for the client and the referrer).
BONUS_KINDS = ("welcome", "referral")
# first_paid_sale_id once the bonuses were given by hand: not a sale (ids start at 1), and not None, so
# that no paid sale pays them again, and a refund of the client's first sale does not make them due again.
BONUSES_GIVEN_BY_HAND = 0


def add_referral(actor: Actor, client_id: int, code: str, bonuses_now: bool) -> Client:
    """Record that the client holding `code` referred this client; with `bonuses_now`, credit the referrer's
    and the welcome bonus at once (even after the client's first sale), else at the first paid sale."""
    if not actor.is_manager:
        raise Forbidden("Only a manager can record a referral.")
    with transaction():
        client = get_client(client_id)
        referrer = client_by_code(code)
        if referrer is None:
            raise Invalid(f"No client has the referral code “{code}”.", code="unknown_referral_code",
                          details={"referred_by": ["Unknown referral code."]})
        terms = current_terms()
        if bonuses_now and not terms.enabled:
            raise Conflict("The loyalty programme is off: no bonus can be given now.", code="program_disabled",
                           details={"bonuses_now": ["The programme is off."]})
        # Locked in id order, as a payment locks them: a first sale paid at this moment pays the bonuses
        # or sees the referral, never both.
        accounts = ledger.lock_accounts(sorted({client.id, referrer.id}))
        db.session.refresh(client, ["referrer_id", "first_paid_sale_id"])
        if client.referrer_id is not None:
            raise Conflict("This client already has a referrer.", code="referrer_already_set",
                           details={"referred_by": ["This client already has a referrer."]})
        set_referrer(client, code, after_first_sale=bonuses_now)
        credited = {"referrer_bonus": 0, "welcome_bonus": 0}
        if bonuses_now:
            clock = salon_time(actor.salon_id)
            for account in accounts.values():
                ledger.sweep_expired(account, clock.today, clock.zone, clock.salon.locale)
            earnings = _introduction_earnings(client, clock)
            source = {"rule_version": terms.version, "salon_id": actor.salon_id, "staff": actor.name}
            credit_earnings(earnings, client, accounts[client.id], accounts[referrer.id], clock,
                            terms.validity_months, source)
            client.first_paid_sale_id = BONUSES_GIVEN_BY_HAND
            credited = {"referrer_bonus": sum(e.points for e in earnings if e.kind == "referral"),
                        "welcome_bonus": sum(e.points for e in earnings if e.kind == "welcome")}
            from pos_loyalty.services.mail_notices import thank_the_referrer  # an outbox row: never a delay

            thank_the_referrer(referrer, client, credited["referrer_bonus"], clock, terms)
        db.session.flush()
        audit.record(actor, "client.referral", f"client {client.id}", {"referred_by": None},
                     {"referred_by": referrer.referral_code, "bonuses": "now" if bonuses_now else "first_paid_sale",
                      **credited})
        return client


def _introduction_earnings(client: Client, clock: SalonTime) -> list:
    """What the earning rules give for this introduction, as if its first sale were being paid: only the
    bonuses (a sale with no lines may still earn a per-visit point; no sale is paid here)."""
    context = EarningContext(
        terms=current_terms(), rules=active_rules(), lines=(), net_amounts=(),
        client=replace(client_facts(client), awaiting_first_sale=True), at=clock.local, has_discount_code=False,
        format_money=money_formatter(clock.salon.currency, clock.salon.locale), locale=clock.salon.locale,
        currency=clock.salon.currency)
    return [e for e in quote_sale(context, runtime().earning_rules).earnings if e.kind in BONUS_KINDS]
