"""Apply a reward to an open sale (its points are held) or take it off (the hold is released)."""
from __future__ import annotations

from pos_loyalty.core.errors import Conflict, NotFound
from pos_loyalty.core.rewards import RewardTerms, reward_claim
from pos_loyalty.extensions import db
from pos_loyalty.models import Redemption
from pos_loyalty.runtime import runtime
from pos_loyalty.services import ledger
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.context import current_terms, salon_time
from pos_loyalty.services.program import get_reward
from pos_loyalty.services.sale_view import priced_lines, sale_money
from pos_loyalty.services.sales import get_sale, require_open
from pos_loyalty.services.transaction import transaction


def hold_reward(actor: Actor, sale_id: int, reward_id: int) -> Redemption:
    with transaction():
        sale = get_sale(sale_id, lock=True)
        require_open(sale)
        if sale.client_id is None:
            raise Conflict("Attach the client to the sale before redeeming a reward.", code="no_client")
        terms = current_terms()
        if not terms.enabled:
            raise Conflict("The loyalty program is disabled.", code="program_disabled")
        reward = get_reward(reward_id)
        if not reward.active:
            raise Conflict(f"The reward “{reward.name}” is not offered at the moment.", code="reward_inactive")
        active = [r for r in sale.redemptions if r.status == "held"]
        if not terms.allow_stacking and (active or sale.discount_code):
            what = "a reward" if active else f"the discount code {sale.discount_code}"
            raise Conflict(f"This sale already carries {what}: one reward or discount code per sale.",
                           code="one_discount_per_sale")
        clock = salon_time(actor.salon_id)
        account = ledger.lock_account(sale.client_id)
        ledger.sweep_expired(account, clock.today, clock.zone)
        if account.balance < 0:
            raise Conflict(f"The balance is negative ({account.balance} points): no reward until it is back"
                           " above zero.", code="negative_balance", details={"balance": account.balance})
        available = account.balance - account.held
        if reward.points_cost > available:
            raise Conflict(f"“{reward.name}” costs {reward.points_cost} points; {max(available, 0)} are available.",
                           code="insufficient_points",
                           details={"available": available, "points_cost": reward.points_cost,
                                    "points_missing": reward.points_cost - max(available, 0)})
        money = sale_money(sale)
        left = money.pricing.to_pay
        claim = reward_claim(RewardTerms(reward.name, reward.kind, reward.value), priced_lines(sale), left)
        if claim.amount <= 0:
            raise Conflict("Nothing is left to discount on this sale.", code="nothing_to_discount")
        if left - claim.amount < money.paid:
            raise Conflict("More than the discounted total was paid already.", code="already_paid")
        redemption = Redemption(sale_id=sale.id, reward_id=reward.id, account_id=account.id, name=reward.name,
                                kind=reward.kind, value=reward.value, points_cost=reward.points_cost,
                                status="held", created_at=runtime().now())
        db.session.add(redemption)
        account.held += reward.points_cost
        db.session.flush()
        db.session.refresh(sale)
        return redemption


def release_reward(actor: Actor, sale_id: int, redemption_id: int) -> None:
    with transaction():
        sale = get_sale(sale_id, lock=True)
        require_open(sale)
        redemption = db.session.get(Redemption, redemption_id)
        if redemption is None or redemption.sale_id != sale.id or redemption.status != "held":
            raise NotFound(f"Sale {sale.id} holds no reward {redemption_id}.", code="redemption_not_found")
        account = ledger.lock_account(sale.client_id)
        redemption.status = "released"
        account.held -= redemption.points_cost
        db.session.flush()
        db.session.refresh(sale)
