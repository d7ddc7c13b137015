"""Take a payment; when the sale is fully paid its held rewards are deducted and its points credited,
all in the same transaction as the payment: a crash leaves the whole sale or none of it."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pos_loyalty.core.errors import Conflict, Invalid
from pos_loyalty.core.lots import expiry_date
from pos_loyalty.core.quote import REFERRER, Quote
from pos_loyalty.core.summary import expiring_points
from pos_loyalty.core.messages import say
from pos_loyalty.extensions import db
from pos_loyalty.hookspecs import SaleEvent
from pos_loyalty.models import Client, Payment, RewardGrant, Sale, Till
from pos_loyalty.runtime import runtime
from pos_loyalty.services import ledger, milestones
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.context import SalonTime, current_terms, salon_time
from pos_loyalty.services.sale_view import quote_open_sale, sale_money
from pos_loyalty.services.sales import get_sale, require_open
from pos_loyalty.services.transaction import after_commit, transaction, use_case_cache
from pos_loyalty.translatable import N_

CASH = "cash"


@dataclass(frozen=True)
class PaymentResult:
    sale: Sale
    status: str
    points_earned: int
    points_redeemed: int
    balance: int | None
    change: Decimal


def take_payment(actor: Actor, sale_id: int, amount: Decimal, method: str) -> PaymentResult:
    with transaction():
        sale = get_sale(actor, sale_id, lock=True, lock_payer=True)
        require_open(sale)
        clock = salon_time(actor.salon_id)
        accounts = _lock_and_sweep(sale, clock) if sale.client_id else {}  # before pricing: see below
        money = sale_money(sale)
        due = money.due
        if amount > due and method != CASH:
            raise Invalid(f"{amount} is more than the {due} due; only cash can give change.", code="overpayment",
                          details={"amount": [f"At most {due}."]})
        if amount == 0 and due > 0:
            raise Invalid("A payment must be more than 0.", code="zero_payment", details={"amount": ["Must be > 0."]})
        settling = amount >= due
        # Read before the first write (see settle); the quote does not depend on the payments.
        quote = quote_open_sale(sale, money, clock) if settling and sale.client_id else None
        db.session.get(Till, sale.till_id)  # the receipt and the answer read it too
        sale.payments.append(Payment(sale_id=sale.id, amount=min(amount, due), tendered=amount, method=method,
                                     at=clock.now))
        if settling:
            settle(sale, clock, actor, accounts, quote)
            use_case_cache()["settled_sales"] = {sale.id}  # its every ledger entry was written here
        db.session.flush()  # once, after every write (in one round trip): the answer shows the ids
        # While the program is disabled no balance shows, not even in the answer to the till.
        balance = accounts[sale.client_id].balance if sale.client_id and current_terms().enabled else None
        return PaymentResult(sale=sale, status=sale.status, points_earned=sale.points_earned,
                             points_redeemed=sale.points_redeemed, balance=balance, change=amount - min(amount, due)
                             + money.change)


def _lock_and_sweep(sale: Sale, clock: SalonTime) -> dict:
    """Lock every account this sale may touch (the client's, and the referrer's before a first sale) in
    one go and in id order, so that concurrent payments and refunds never deadlock. The sweep comes
    before pricing: a hold whose points expired meanwhile must not discount the sale."""
    client, accounts = ledger.lock_payer_accounts(sale.client_id)  # the client's row as it is under the lock
    ids = [client.id] + [client_id for client_id in accounts if client_id != client.id]
    for client_id in ids[1:]:  # the referrer's points are swept before its bonus is added
        ledger.sweep_expired(accounts[client_id], clock.today, clock.zone, clock.salon.locale)
    if ledger.sweep_expired(accounts[client.id], clock.today, clock.zone, clock.salon.locale):
        db.session.refresh(sale)  # holds may have been released
    return accounts


def settle(sale: Sale, clock: SalonTime, actor: Actor, accounts: dict, quote: Quote | None = None) -> None:
    """Deduct the held rewards and credit the points; `accounts` were locked and swept by the caller.

    Every read comes before the first write (the caller may pass the quote it computed before writing),
    so the session writes everything in one flush at the end instead of one per query."""
    terms = current_terms()
    if sale.client_id is not None and quote is None:
        quote = quote_open_sale(sale, sale_money(sale), clock)
    sale.status, sale.paid_at, sale.closed_at, sale.program_version = "paid", clock.now, clock.now, terms.version
    if sale.client_id is None:
        _announce(sale)
        return
    client = db.session.get(Client, sale.client_id)
    awaiting_referral = client.referrer_id is not None and client.first_paid_sale_id is None
    account = accounts[client.id]
    source = {"sale_id": sale.id, "rule_version": terms.version, "salon_id": sale.salon_id, "staff": actor.name}

    held = [r for r in sale.redemptions if r.status == "held"]
    if held and sum(r.points_cost for r in held) > account.balance:
        raise Conflict("Some of the client's points expired since the reward was applied: remove the reward"
                       " and take the payment again.", code="insufficient_points",
                       details={"balance": account.balance})
    for redemption in held:
        if redemption.grant_id:
            grant = db.session.get(RewardGrant, redemption.grant_id)
            words = (say(clock.salon.locale, N_("Reward: %(name)s (code %(code)s)"), name=redemption.name,
                         code=grant.code) if grant.code else
                     say(clock.salon.locale, N_("Reward: %(name)s (granted)"), name=redemption.name))
            entry = ledger.record_event(account, at=clock.now, kind="redeem", reward_id=redemption.reward_id,
                                        description=words, **source)
            grant.status = "used"
        else:
            entry = ledger.debit(account, points=redemption.points_cost, kind="redeem",
                                 description=say(clock.salon.locale, N_("Reward: %(name)s"), name=redemption.name),
                                 at=clock.now, today=clock.today,
                                 allow_debt=False, reward_id=redemption.reward_id, **source)
        account.held -= redemption.points_cost
        redemption.status, redemption.entry = "deducted", entry

    referrer_account = accounts[client.referrer_id] if awaiting_referral else None
    credit_earnings(quote.earnings, client, account, referrer_account, clock, terms.validity_months, source)
    if client.first_paid_sale_id is None:
        client.first_paid_sale_id = sale.id
    sale.points_earned = quote.client_points
    sale.points_redeemed = sum(r.points_cost for r in held)
    _keep_the_balance_after(sale, account, clock)
    from pos_loyalty.services.mail_notices import sale_paid_notices  # outbox rows only: never a delay

    sale_paid_notices(sale, client, account, clock, terms)
    _announce(sale)


def credit_earnings(earnings, client: Client, account, referrer_account, clock: SalonTime,
                    validity_months: int | None, source: dict) -> None:
    """Credit what a quote earned: the client's points to the client, the referrer's bonus to the referrer
    (named after the client it brought). At payment, and for a referral recorded by hand with its bonuses
    given at once (services/referrals.py): one way of crediting them."""
    expires_on = expiry_date(clock.today, validity_months)
    # Milestone mode: what the lifetime points crossed is issued as codes (nothing is read in redeem mode).
    watched = {account.client_id: account, **({referrer_account.client_id: referrer_account} if referrer_account else {})}
    before, credited = milestones.lifetimes_before(watched), {}
    for earning in earnings:
        target = referrer_account if earning.beneficiary == REFERRER else account
        credited[target.client_id] = credited.get(target.client_id, 0) + earning.points
        description = earning.description
        if earning.beneficiary == REFERRER:
            description = say(clock.salon.locale, N_("%(description)s: %(client)s"), description=earning.description,
                              client=f"{client.first_name} {client.last_name[:1]}.")
        ledger.credit(target, points=earning.points, kind=earning.kind, description=description, at=clock.now,
                      earned_on=clock.today, expires_on=expires_on, **source)
    milestones.issue_after_credits(before, credited, watched, clock, sale_id=source.get("sale_id"),
                                   staff=source["staff"], salon_id=source["salon_id"])


def _keep_the_balance_after(sale: Sale, account, clock: SalonTime) -> None:
    """The balance and next expiry right after the sale, kept on it: its receipt shows them whenever it is
    printed, whatever happened to the client's points since."""
    sale.balance_after = account.balance
    upcoming = expiring_points(ledger.lot_views(ledger.open_lots(account)), clock.today, account.debt)
    sale.next_expiry_points = upcoming[0].points if upcoming else None
    sale.next_expiry_on = upcoming[0].expires_on if upcoming else None


def _announce(sale: Sale) -> None:
    event = SaleEvent(sale_id=sale.id, client_id=sale.client_id, salon_id=sale.salon_id, till_id=sale.till_id,
                      points_earned=sale.points_earned, points_redeemed=sale.points_redeemed)
    hook = runtime().plugins.hook
    hook.sale_settling(event=event)
    after_commit(lambda: hook.sale_paid(event=event))
