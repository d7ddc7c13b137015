"""The programme's mails to clients, each written in the transaction of what it tells of (the outbox):

- reward_unlocked: milestone mode, a reward issued as a code (called by the milestone engine);
- reward_within_reach: redeem mode, a paid sale took the balance from below a reward's cost to at or above it;
- points_expiring: points of a lot expiring within 30 days (`pos-loyalty notify`), once per lot;
- referral_thanks: to the referrer when the client they brought pays a first sale (programme option).
Each goes only to a client who consented, once per dedupe key (services/mail_outbox.py).
"""
from __future__ import annotations

from datetime import date

from pos_loyalty.extensions import db
from pos_loyalty.models import Client, RewardGrant
from pos_loyalty.services.context import SalonTime
from pos_loyalty.services.mail_outbox import enqueue


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
