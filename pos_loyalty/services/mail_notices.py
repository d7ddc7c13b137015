"""The programme's mails to clients, each written in the transaction of what it tells of (the outbox):

- reward_unlocked: milestone mode, a reward issued as a code (called by the milestone engine);
- reward_within_reach: redeem mode, a paid sale took the balance from below a reward's cost to at or above it;
- points_expiring: points of a lot expiring within 30 days (`pos-loyalty notify`), once per lot;
- referral_thanks: to the referrer when the client they brought pays a first sale (programme option).
Each goes only to a client who consented, once per dedupe key (services/mail_outbox.py).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from pos_loyalty.extensions import db
from pos_loyalty.models import Client, LedgerEntry, RewardGrant
from pos_loyalty.services.context import SalonTime
from pos_loyalty.services.mail_outbox import enqueue, mail_enabled, may_write_to
from pos_loyalty.services.program import list_rewards


def reward_unlocked(client: Client, grant: RewardGrant, clock: SalonTime) -> bool:
    """Tell the client a reward was issued to them as a code (milestone mode). Inside the issuing transaction."""
    if grant.id is None:
        db.session.flush()
    return enqueue("reward_unlocked", client, clock.salon, f"reward_unlocked:grant:{grant.id}",
                   {"reward_name": grant.name, "code": grant.code or "", "issued_on": clock.today})


def reward_within_reach(client: Client, reward, balance: int, sale_id: int, clock: SalonTime) -> bool:
    """Redeem mode: the paid sale `sale_id` brought the balance to `balance`, enough for `reward`."""
    return enqueue("reward_within_reach", client, clock.salon, f"within_reach:sale:{sale_id}:reward:{reward.id}",
                   {"reward_name": reward.name, "points_cost": reward.points_cost, "balance": balance})


def points_expiring(client: Client, lot_id: int, points: int, expires_on: date, clock: SalonTime) -> bool:
    """Points of one lot expiring soon: once per lot, however often notify runs."""
    return enqueue("points_expiring", client, clock.salon, f"expiring:lot:{lot_id}",
                   {"points": points, "expires_on": expires_on})


def referral_thanks(referrer: Client, referred: Client, bonus: int, clock: SalonTime) -> bool:
    """Thank the referrer once the client they brought has paid a first sale."""
    return enqueue("referral_thanks", referrer, clock.salon, f"referral_thanks:client:{referred.id}",
                   {"referred_first_name": referred.first_name, "bonus": bonus})


def sale_paid_notices(sale, client: Client, account, clock: SalonTime, terms) -> None:
    """The mails a paid sale occasions, written in its transaction (services/payments.py settle):
    in redeem mode, the best reward its credit brought within reach; the referrer's thank-you when this is
    the referred client's first paid sale and the programme says so. Nothing at all without a mail server."""
    if not mail_enabled():
        return
    if terms.reward_mode == "redeem" and sale.points_earned > 0 and may_write_to(client):
        after = account.balance
        before = after - sale.points_earned
        crossed = [reward for reward in list_rewards(active_only=True) if before < reward.points_cost <= after]
        if crossed:
            reward_within_reach(client, crossed[-1], after, sale.id, clock)  # the dearest: the best news
    if terms.referral_thanks_email and client.referrer_id and client.first_paid_sale_id == sale.id:
        referrer = db.session.get(Client, client.referrer_id)
        bonus = sum(entry.points for entry in db.session.scalars(select(LedgerEntry).where(
            LedgerEntry.sale_id == sale.id, LedgerEntry.account_id != account.id, LedgerEntry.points > 0)))
        thank_the_referrer(referrer, client, bonus, clock, terms)


def thank_the_referrer(referrer: Client, referred: Client, bonus: int, clock: SalonTime, terms) -> bool:
    """The referrer's thank-you, when the programme says so and the referrer accepts mails: at the referred
    client's first paid sale, or when a manager records the referral with its bonuses given at once (then no
    first sale pays them again). Once per referred client either way (the mail's key)."""
    if not (mail_enabled() and terms.referral_thanks_email and may_write_to(referrer)):
        return False
    return referral_thanks(referrer, referred, bonus, clock)
