"""Apply a reward to an open sale (its points are held) or take it off (the hold is released)."""
from __future__ import annotations

from pos_loyalty.core.errors import Conflict, NotFound
from pos_loyalty.core.rewards import RewardTerms, reward_claim
from pos_loyalty.extensions import db
from pos_loyalty.models import Redemption, Reward, RewardGrant
from pos_loyalty.runtime import runtime
from pos_loyalty.services import ledger, milestones
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.context import current_terms, salon_time
from pos_loyalty.services.program import get_reward
from pos_loyalty.services.sale_view import priced_lines, sale_money
from pos_loyalty.services.sales import attach_client, get_sale, require_open
from pos_loyalty.services.grants import take_grant
from pos_loyalty.services.transaction import transaction


def release_hold(account, redemption: Redemption) -> None:
    redemption.status = "released"
    account.held -= redemption.points_cost
    if redemption.grant_id:
        grant = db.session.get(RewardGrant, redemption.grant_id)
        grant.status, grant.redemption_id = "available", None


def hold_reward(actor: Actor, sale_id: int, reward_id: int, grant_id: int | None = None) -> Redemption:
    """Hold the reward's points on the sale (or, for a reward a manager granted, the grant itself)."""
    with transaction():
        sale = get_sale(actor, sale_id, lock=True)
        require_open(sale)
        if sale.client_id is None:
            raise Conflict("Attach the client to the sale before redeeming a reward.", code="no_client")
        terms = current_terms()
        if not terms.enabled and grant_id is None:  # a reward already given stays usable
            raise Conflict("The loyalty program is disabled.", code="program_disabled")
        if terms.reward_mode == "milestone" and grant_id is None:
            raise Conflict("Points are never spent in milestone mode: redeem the client's code.",
                           code="milestone_mode")
        reward = get_reward(reward_id) if grant_id is None else _reward_of_grant(reward_id)
        grant = take_grant(sale.client_id, grant_id, reward_id) if grant_id is not None else None
        if not reward.active and grant is None:
            raise Conflict(f"The reward “{reward.name}” is not offered at the moment.", code="reward_inactive")
        active = [r for r in sale.redemptions if r.status == "held"]
        # A milestone code never combines with a discount code or another reward, whatever allow_stacking says.
        code_involved = (grant is not None and grant.source == "milestone") or any(
            r.grant_id and db.session.get(RewardGrant, r.grant_id).source == "milestone" for r in active)
        if (not terms.allow_stacking or code_involved) and (active or sale.discount_code):
            what = "a reward" if active else f"the discount code {sale.discount_code}"
            raise Conflict(f"This sale already carries {what}: one reward or discount code per sale.",
                           code="one_discount_per_sale")
        clock = salon_time(actor.salon_id)
        account = ledger.lock_account(sale.client_id)
        ledger.sweep_expired(account, clock.today, clock.zone, clock.salon.locale)
        cost = 0 if grant else reward.points_cost
        if account.balance < 0 and cost:
            raise Conflict(f"The balance is negative ({account.balance} points): no reward until it is back"
                           " above zero.", code="negative_balance", details={"balance": account.balance})
        available = account.balance - account.held
        if cost > available:
            raise Conflict(f"“{reward.name}” costs {reward.points_cost} points; {max(available, 0)} are available.",
                           code="insufficient_points",
                           details={"available": available, "points_cost": reward.points_cost,
                                    "points_missing": reward.points_cost - max(available, 0)})
        money = sale_money(sale)
        left = money.pricing.to_pay
        terms_of_reward = RewardTerms(grant.name, grant.kind, grant.value) if grant else \
            RewardTerms(reward.name, reward.kind, reward.value)
        claim = reward_claim(terms_of_reward, priced_lines(sale), left)
        if claim.amount <= 0:
            raise Conflict("Nothing is left to discount on this sale.", code="nothing_to_discount")
        if left - claim.amount < money.paid:
            raise Conflict("More than the discounted total was paid already.", code="already_paid")
        redemption = Redemption(sale_id=sale.id, reward_id=reward.id, account_id=account.id,
                                name=terms_of_reward.name, kind=terms_of_reward.kind, value=terms_of_reward.value,
                                points_cost=cost, sale_earns=reward.sale_earns, status="held",
                                grant_id=grant.id if grant else None,
                                created_at=runtime().now())
        sale.redemptions.append(redemption)  # the sale in memory shows it: the answer reads it unselected
        account.held += cost
        db.session.flush()
        if grant:
            grant.status, grant.redemption_id = "held", redemption.id
        return redemption


def _reward_of_grant(reward_id: int) -> Reward:
    """A reward already given (a grant, a code) stays usable after the manager deleted the reward."""
    reward = db.session.get(Reward, reward_id)
    if reward is None:
        raise NotFound(f"Reward {reward_id} does not exist.", code="reward_not_found")
    return reward


def redeem_code(actor: Actor, sale_id: int, code: str) -> Redemption:
    """A milestone code typed or tapped at the till: held on the sale at 0 points (hold_reward's grant path),
    used when the sale is paid. No client on the sale: the code's owner is attached."""
    with transaction():
        sale = get_sale(actor, sale_id, lock=True)
        require_open(sale)
        grant = usable_code(code, sale.client_id, lock=True)
        if sale.client_id is None:
            attach_client(actor, sale.id, grant.client_id)
        return hold_reward(actor, sale.id, grant.reward_id, grant.id)


def usable_code(code: str, client_id: int | None, lock: bool = False) -> RewardGrant:
    """The milestone code `code` if `client_id` (or anyone, when None) may use it now; else the refusal. The
    API's redemption and the till's code typed before any sale both ask here."""
    found = milestones.find_code(code)
    if found is None or found.source != milestones.SOURCE:
        raise NotFound(f"No code “{code}”.", code="code_not_found")
    # Locked and read as it is now: two tills typing the same code at once, one wins.
    grant = db.session.get(RewardGrant, found.id, with_for_update=True, populate_existing=True) if lock else found
    if client_id is not None and client_id != grant.client_id:
        raise Conflict(f"Code {grant.code} belongs to another client.", code="code_other_client")
    refusals = {"used": ("was used already", "code_used"), "void": ("was voided", "code_void"),
                "held": ("is on another open sale", "code_held")}
    if grant.status in refusals:
        words, refusal = refusals[grant.status]
        raise Conflict(f"Code {grant.code} {words}.", code=refusal)
    return grant


def release_reward(actor: Actor, sale_id: int, redemption_id: int) -> None:
    with transaction():
        sale = get_sale(actor, sale_id, lock=True)
        require_open(sale)
        redemption = db.session.get(Redemption, redemption_id)
        if redemption is None or redemption.sale_id != sale.id or redemption.status != "held":
            raise NotFound(f"Sale {sale.id} holds no reward {redemption_id}.", code="redemption_not_found")
        account = ledger.lock_account(sale.client_id)
        release_hold(account, redemption)  # the redemption in sale.redemptions: the sale in memory shows it
        db.session.flush()
