"""Refund a paid sale: the points it earned are reversed, the points it redeemed come back with their
original expiry. The balance may go negative; redemption is refused until it is positive again."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from pos_loyalty.core.errors import Conflict
from pos_loyalty.core.messages import say
from pos_loyalty.extensions import db
from pos_loyalty.hookspecs import SaleEvent
from pos_loyalty.models import Client, LedgerEntry, PointsAccount, PointsLot, RewardGrant, Sale
from pos_loyalty.runtime import runtime
from pos_loyalty.services import ledger
from pos_loyalty.services import audit
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.context import current_terms, salon_time
from pos_loyalty.services.sales import get_sale
from pos_loyalty.services.transaction import after_commit, transaction
from pos_loyalty.translatable import N_

EARNED_KINDS = ("earn", "service", "bonus", "welcome", "referral")


@dataclass(frozen=True)
class RefundResult:
    sale: Sale
    points_reversed: int
    points_returned: int
    balance: int | None


def refund_sale(actor: Actor, sale_id: int) -> RefundResult:
    with transaction():
        sale = get_sale(actor, sale_id, lock=True)
        if sale.status == "refunded":
            raise Conflict(f"Sale {sale.id} was refunded already.", code="sale_refunded")
        if sale.status != "paid":
            raise Conflict(f"Sale {sale.id} is {sale.status}: only a paid sale can be refunded.",
                           code=f"sale_{sale.status}")
        clock = salon_time(actor.salon_id)
        sale.status, sale.closed_at = "refunded", clock.now
        reversed_points = returned = 0
        balance = None
        if sale.client_id is not None:
            # What the sale holds now: its credits less what a recalculation or a reset took back since.
            credits = db.session.scalars(select(LedgerEntry).where(
                LedgerEntry.sale_id == sale.id, LedgerEntry.kind.in_(EARNED_KINDS))).all()
            owners = {e.account_id for e in credits}
            account_ids = db.session.scalars(select(PointsAccount.client_id).where(PointsAccount.id.in_(owners))).all()
            accounts = ledger.lock_accounts(sorted({sale.client_id, *account_ids}))
            by_account_id = {a.id: a for a in accounts.values()}
            for account in accounts.values():
                ledger.sweep_expired(account, clock.today, clock.zone, clock.salon.locale)
            source = {"sale_id": sale.id, "rule_version": sale.program_version, "salon_id": sale.salon_id,
                      "staff": actor.name}
            client_account = accounts[sale.client_id]
            for account_id in sorted(owners):
                account = by_account_id[account_id]
                entries = [e for e in credits if e.account_id == account_id]
                points = sum(e.points for e in entries)
                if points <= 0:
                    continue
                own_lots = tuple(db.session.scalars(select(PointsLot.id).where(
                    PointsLot.entry_id.in_([e.id for e in entries]))).all())
                ledger.debit(account, points=points, kind="refund",
                             description=say(clock.salon.locale, N_("Sale #%(sale)s refunded: points earned taken back"),
                                             sale=sale.id), at=clock.now,
                             today=clock.today, allow_debt=True, preferred_lot_ids=own_lots, **source)
                if account is client_account:
                    reversed_points += points
            for redemption in sale.redemptions:
                if redemption.status != "deducted":
                    continue
                if redemption.grant_id:  # a granted reward comes back as a grant, not as points
                    grant = db.session.get(RewardGrant, redemption.grant_id)
                    grant.status = "available"
                    redemption.status = "returned"
                    # The history says so, as it said the reward was used (a 0-point line: no points move).
                    words = (say(clock.salon.locale, N_("Sale #%(sale)s refunded: code %(code)s (“%(name)s”) can be"
                                                        " used again"), sale=sale.id, code=grant.code,
                                 name=redemption.name) if grant.code else
                             say(clock.salon.locale, N_("Sale #%(sale)s refunded: “%(name)s” (granted) can be used"
                                                        " again"), sale=sale.id, name=redemption.name))
                    ledger.record_event(client_account, at=clock.now, kind="refund", description=words,
                                        reward_id=redemption.reward_id, **source)
                    continue
                entry = db.session.get(LedgerEntry, redemption.entry_id)
                ledger.give_back(client_account, entry, kind="refund",
                                 description=say(clock.salon.locale, N_("Sale #%(sale)s refunded: points of “%(name)s” returned"),
                                                 sale=sale.id, name=redemption.name),
                                 at=clock.now, today=clock.today, zone=clock.zone, locale=clock.salon.locale,
                                 reward_id=redemption.reward_id,
                                 **source)
                redemption.status = "returned"
                returned += redemption.points_cost
            client = db.session.get(Client, sale.client_id)
            if client.first_paid_sale_id == sale.id:
                client.first_paid_sale_id = None  # the referral counts again on the next paid sale
            for account in accounts.values():
                ledger.release_excess_holds(account)
            # Every return above was swept already (give_back): the answer is the ledger as it now stands.
            # While the program is disabled no balance shows.
            balance = client_account.balance if current_terms().enabled else None
        event = SaleEvent(sale_id=sale.id, client_id=sale.client_id, salon_id=sale.salon_id, till_id=sale.till_id,
                          points_reversed=reversed_points, points_returned=returned)
        audit.record(actor, "sale.refund", f"sale {sale.id}", {"status": "paid"},
                     {"status": "refunded", "points_reversed": reversed_points, "points_returned": returned})
        hook = runtime().plugins.hook
        after_commit(lambda: hook.sale_refunded(event=event))
        return RefundResult(sale=sale, points_reversed=reversed_points, points_returned=returned, balance=balance)
