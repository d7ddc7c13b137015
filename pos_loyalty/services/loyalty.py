"""What the till shows of a client's points: the summary, the history, and the manager's corrections."""
from __future__ import annotations

import base64
from dataclasses import dataclass, replace

from sqlalchemy import select

from pos_loyalty.core.errors import Conflict, Forbidden, Invalid
from pos_loyalty.core.lots import expiry_date
from pos_loyalty.core.milestones import milestone_offers
from pos_loyalty.core.summary import LoyaltySummary, RewardOffer, summarise
from pos_loyalty.extensions import db
from pos_loyalty.models import LedgerEntry
from pos_loyalty.services import ledger, milestones
from pos_loyalty.services import audit
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.clients import get_client
from pos_loyalty.services.context import current_terms, salon_time
from pos_loyalty.services.program import list_rewards
from pos_loyalty.services.transaction import transaction


@dataclass(frozen=True)
class ClientLoyalty:
    summary: LoyaltySummary
    enabled: bool
    debt: int
    reward_mode: str = "redeem"
    lifetime: int | None = None  # milestone mode: the lifetime points the thresholds are read against


def loyalty_of(actor: Actor, client_id: int) -> ClientLoyalty:
    """Sweeps due expiries first, so the history shows them and the balance equals the ledger."""
    with transaction():
        get_client(client_id)
        clock = salon_time(actor.salon_id)
        account = ledger.lock_account(client_id)
        ledger.sweep_expired(account, clock.today, clock.zone, clock.salon.locale)
        offers = [RewardOffer(r.id, r.name, r.points_cost) for r in list_rewards(active_only=True)]
        summary = summarise(account.balance, account.held, ledger.lot_views(ledger.open_lots(account)), offers,
                            clock.today, account.debt)
        terms = current_terms()
        if terms.reward_mode == "milestone":  # points are never spent: codes waiting, thresholds by lifetime
            lifetime = milestones.lifetime_points(client_id)
            usable = [grant.reward_id for grant in milestones.usable_codes(client_id)]
            found = milestone_offers(offers, lifetime, usable)
            summary = replace(summary, eligible_rewards=found.eligible, next_reward=found.next_reward,
                              points_missing=found.points_missing)
            return ClientLoyalty(summary=summary, enabled=terms.enabled, debt=account.debt,
                                 reward_mode="milestone", lifetime=lifetime)
        return ClientLoyalty(summary=summary, enabled=terms.enabled, debt=account.debt)


def encode_cursor(entry_id: int) -> str:
    return base64.urlsafe_b64encode(f"e{entry_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith("e"):
            raise ValueError
        return int(raw[1:])
    except (ValueError, UnicodeDecodeError):
        raise Invalid("The cursor is not one this API gave.", code="bad_cursor",
                      details={"cursor": ["Unknown cursor."]}) from None


def ledger_page(actor: Actor, client_id: int, cursor: str | None, limit: int) -> tuple[list[LedgerEntry], str | None]:
    """The history, newest first, a page at a time (keyset pagination: cost independent of the page)."""
    with transaction():
        get_client(client_id)
        clock = salon_time(actor.salon_id)
        account = ledger.lock_account(client_id)
        ledger.sweep_expired(account, clock.today, clock.zone, clock.salon.locale)
        query = select(LedgerEntry).where(LedgerEntry.account_id == account.id)
        if cursor:
            query = query.where(LedgerEntry.id < decode_cursor(cursor))
        entries = list(db.session.scalars(query.order_by(LedgerEntry.id.desc()).limit(limit + 1)))
        following = encode_cursor(entries[limit - 1].id) if len(entries) > limit else None
        return entries[:limit], following


def adjust_points(actor: Actor, client_id: int, points: int, reason: str) -> LedgerEntry:
    """A manager adds or removes points with a reason; removing cannot take the balance below zero."""
    if not actor.is_manager:
        raise Forbidden("Only a manager can adjust points.")
    if points == 0:
        raise Invalid("An adjustment of 0 points changes nothing.", code="zero_adjustment",
                      details={"points": ["Must not be 0."]})
    with transaction():
        get_client(client_id)
        clock = salon_time(actor.salon_id)
        terms = current_terms()
        account = ledger.lock_account(client_id)
        ledger.sweep_expired(account, clock.today, clock.zone, clock.salon.locale)
        source = {"rule_version": terms.version, "salon_id": actor.salon_id, "staff": actor.name}
        if points > 0:
            before = milestones.lifetimes_before([client_id])
            entry = ledger.credit(account, points=points, kind="adjust", description=reason, at=clock.now,
                                  earned_on=clock.today, expires_on=expiry_date(clock.today, terms.validity_months),
                                  **source)
            milestones.issue_after_credits(before, {client_id: points}, {client_id: account}, clock, sale_id=None,
                                           staff=actor.name, salon_id=actor.salon_id)
            db.session.flush()  # the answer shows the entry's id
            _audit_adjustment(actor, client_id, account.balance - points, entry)
            return entry
        available = account.balance - account.held
        if -points > available:
            raise Conflict(f"Only {max(available, 0)} points can be removed: the balance is {account.balance}"
                           f" with {account.held} held by rewards on open sales.",
                           code="insufficient_points", details={"available": available})
        entry = ledger.debit(account, points=-points, kind="adjust", description=reason, at=clock.now,
                             today=clock.today, allow_debt=False, **source)
        db.session.flush()
        _audit_adjustment(actor, client_id, account.balance - points, entry)
        return entry


def _audit_adjustment(actor: Actor, client_id: int, balance_before: int, entry: LedgerEntry) -> None:
    audit.record(actor, "points.adjust", f"client {client_id}", {"balance": balance_before},
                 {"balance": balance_before + entry.points, "points": entry.points, "reason": entry.description})


def rewards_obtained(client_id: int) -> list[dict]:
    """Grants and redemptions of the client, newest first, for the loyalty box and the API."""
    from pos_loyalty.models import Redemption, RewardGrant, Sale

    rows = []
    for grant in db.session.scalars(select(RewardGrant).where(RewardGrant.client_id == client_id)):
        rows.append({"grant_id": grant.id, "reward_id": grant.reward_id, "name": grant.name, "points_cost": 0,
                     "status": grant.status, "sale_id": None, "at": grant.granted_at, "reason": grant.reason,
                     "granted_by": grant.granted_by, "source": grant.source, "code": grant.code,
                     "issued_at": grant.granted_at})
        if grant.source == milestones.SOURCE:  # a code reads issued | used | void (PRODUCT §4)
            rows[-1]["status"] = milestones.CODE_STATUS.get(grant.status, grant.status)
    redeemed = db.session.execute(
        select(Redemption, Sale.paid_at).join(Sale, Sale.id == Redemption.sale_id)
        .where(Sale.client_id == client_id, Redemption.status.in_(("deducted", "returned")),
               Redemption.grant_id.is_(None)))
    for redemption, paid_at in redeemed:
        rows.append({"grant_id": None, "reward_id": redemption.reward_id, "name": redemption.name,
                     "points_cost": redemption.points_cost,
                     "status": "redeemed" if redemption.status == "deducted" else "returned",
                     "sale_id": redemption.sale_id, "at": paid_at, "reason": "", "granted_by": ""})
    return sorted(rows, key=lambda row: row["at"], reverse=True)
