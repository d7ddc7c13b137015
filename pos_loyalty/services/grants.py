"""Manual reward grants: a manager gives a client a reward before its threshold, with a reason."""
from __future__ import annotations

from sqlalchemy import select

from pos_loyalty.core.errors import Conflict, Forbidden, Invalid, NotFound
from pos_loyalty.core.messages import say
from pos_loyalty.extensions import db
from pos_loyalty.models import RewardGrant
from pos_loyalty.services import ledger
from pos_loyalty.services import audit
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.clients import get_client
from pos_loyalty.services.context import current_terms, salon_time
from pos_loyalty.services.program import get_reward
from pos_loyalty.services.transaction import transaction
from pos_loyalty.translatable import N_


def grant_reward(actor: Actor, client_id: int, reward_id: int, reason: str) -> RewardGrant:
    if not actor.is_manager:
        raise Forbidden("Only a manager can grant a reward.")
    if not reason.strip():
        raise Invalid("Say why the reward is granted.", code="reason_required", details={"reason": ["Required."]})
    with transaction():
        client = get_client(client_id)
        reward = get_reward(reward_id)
        clock = salon_time(actor.salon_id)
        grant = RewardGrant(client_id=client.id, reward_id=reward.id, name=reward.name, kind=reward.kind,
                            value=reward.value, reason=reason.strip(), granted_by=actor.name,
                            granted_at=clock.now, status="available")
        db.session.add(grant)
        account = ledger.lock_account(client.id)
        # A 0-point entry: the history shows the grant, who made it and why; the balance is untouched.
        ledger.record_event(account, at=clock.now, kind="adjust",
                            description=say(clock.salon.locale, N_("Reward granted: %(name)s (%(reason)s)"),
                                            name=reward.name, reason=grant.reason), reward_id=reward.id, rule_version=current_terms().version,
                            salon_id=actor.salon_id, staff=actor.name)
        db.session.flush()
        audit.record(actor, "grant.create", f"client {client.id}", None,
                     {"grant_id": grant.id, "reward_id": reward.id, "name": reward.name, "reason": grant.reason})
        return grant


def client_grants(client_id: int, status: str | None = None) -> list[RewardGrant]:
    query = select(RewardGrant).where(RewardGrant.client_id == client_id)
    if status:
        query = query.where(RewardGrant.status == status)
    return list(db.session.scalars(query.order_by(RewardGrant.id)))


def take_grant(client_id: int, grant_id: int, reward_id: int) -> RewardGrant:
    # Locked and read as it is now: two tills applying the same grant at once must not both get it.
    grant = db.session.get(RewardGrant, grant_id, with_for_update=True, populate_existing=True)
    if grant is None or grant.client_id != client_id:
        raise NotFound(f"The client has no granted reward {grant_id}.", code="grant_not_found")
    if grant.reward_id != reward_id:
        raise Invalid("This grant is for another reward.", code="grant_mismatch",
                      details={"grant_id": [f"Grant {grant_id} is for reward {grant.reward_id}."]})
    if grant.status != "available":
        raise Conflict(f"This granted reward is {grant.status} already.", code=f"grant_{grant.status}")
    return grant
