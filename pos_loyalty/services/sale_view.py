"""A sale as the till sees it: its money (lines, discounts, paid, due) and the points it earns.

The same functions price the sale for the API answer, the panel, the payment and the receipt: one copy
of every rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from pos_loyalty.core.pricing import DiscountClaim, PricedLine, SalePricing, price_sale
from pos_loyalty.core.quote import ClientFacts, EarningContext, Quote, quote_sale
from pos_loyalty.core.rewards import RewardTerms, reward_claim
from pos_loyalty.extensions import db
from pos_loyalty.models import Client, LedgerEntry, Sale
from pos_loyalty.runtime import runtime
from pos_loyalty.services import ledger
from pos_loyalty.services.context import SalonTime, active_rules, current_terms, money_formatter
from pos_loyalty.services.transaction import use_case_cache

ACTIVE_REDEMPTIONS = ("held", "deducted")
# A refund returns a reward's points, but the sale was paid with its discount: it stays in the sale's money.
PRICED_REDEMPTIONS = (*ACTIVE_REDEMPTIONS, "returned")


@dataclass(frozen=True)
class SaleMoney:
    pricing: SalePricing
    discounts: tuple[tuple[str, Decimal, int | None], ...]  # (label, amount, redemption id)
    paid: Decimal
    change: Decimal

    @property
    def due(self) -> Decimal:
        return max(self.pricing.to_pay - self.paid, Decimal("0.00"))


@dataclass(frozen=True)
class SaleQuote:
    quote: Quote | None  # None for a closed sale: what it earned is in the ledger
    points_to_earn: int
    points_to_redeem: int
    balance_after: int | None
    earnings: tuple[tuple[str, str, int], ...]  # (kind, description, points) for the client
    promotions: tuple[tuple[Decimal, str], ...] = ()  # (factor, name) of the multipliers in force


def priced_lines(sale: Sale) -> tuple[PricedLine, ...]:
    return tuple(PricedLine(line.code, line.name, line.kind, line.category, line.quantity, line.unit_price) for line in sale.lines)


def sale_money(sale: Sale) -> SaleMoney:
    lines = priced_lines(sale)
    claims: list[DiscountClaim] = []
    labels: list[tuple[str, Decimal, int | None]] = []
    if sale.code_discount:
        claims.append(DiscountClaim(amount=sale.code_discount))
        labels.append((f"Discount code {sale.discount_code or ''}".strip(), sale.code_discount, None))
    for redemption in sale.redemptions:
        if redemption.status not in PRICED_REDEMPTIONS:
            continue
        left = price_sale(lines, claims).to_pay
        claim = reward_claim(RewardTerms(redemption.name, redemption.kind, redemption.value), lines, left)
        claims.append(claim)
        labels.append((redemption.name, claim.amount, redemption.id))
    pricing = price_sale(lines, claims)
    tendered = sum((p.tendered for p in sale.payments), Decimal("0.00"))
    paid = sum((p.amount for p in sale.payments), Decimal("0.00"))
    return SaleMoney(pricing=pricing, discounts=tuple(labels), paid=paid, change=tendered - paid)


def client_facts(client: Client) -> ClientFacts:
    return ClientFacts(id=client.id, birth_date=client.birth_date, subscriber=client.subscriber,
                       referrer_id=client.referrer_id, awaiting_first_sale=client.first_paid_sale_id is None)


def earning_context(sale: Sale, money: SaleMoney, clock: SalonTime) -> EarningContext:
    terms = current_terms()
    client = db.session.get(Client, sale.client_id) if sale.client_id else None
    return EarningContext(
        terms=terms, rules=active_rules(), lines=priced_lines(sale), net_amounts=money.pricing.net_amounts,
        client=client_facts(client) if client else None, at=clock.local,
        has_discount_code=bool(sale.discount_code), format_money=money_formatter(clock.salon.currency, clock.salon.locale),
        locale=clock.salon.locale, currency=clock.salon.currency, rewards_earn=rewards_let_sale_earn(sale.redemptions),
    )


def rewards_let_sale_earn(redemptions) -> bool:
    """False when a reward on the sale (as it was when held) says a sale using it earns no points."""
    return all(r.sale_earns for r in redemptions if r.status in PRICED_REDEMPTIONS)


def quote_open_sale(sale: Sale, money: SaleMoney, clock: SalonTime) -> Quote:
    return quote_sale(earning_context(sale, money, clock), runtime().earning_rules)


def sale_quote(sale: Sale, money: SaleMoney, clock: SalonTime) -> SaleQuote:
    """An open sale's points to come and the balance they lead to; a closed sale's points and the balance
    right after it (kept on the sale: a later look shows the sale as it was). While the program is disabled
    no balance shows: `balance_after` is None, and an open sale earns nothing."""
    enabled = current_terms().enabled
    if sale.status == "open":
        live = client = None
        if sale.client_id and enabled:  # read before the quote, which reads the client: one round trip for both
            # `client` is held here: the identity map keeps objects weakly, and the quote finds it there.
            client, _, live = ledger.client_and_live_balance(sale.client_id, clock.today)
        quote = quote_open_sale(sale, money, clock)
        to_redeem = sum(r.points_cost for r in sale.redemptions if r.status == "held")
        balance_after = None if live is None else live + quote.client_points - to_redeem
        earnings = tuple((e.kind, e.description, e.points) for e in quote.earnings if e.beneficiary == "client")
        promotions = tuple((m.factor, m.description) for m in quote.multipliers)
        return SaleQuote(quote, quote.client_points, to_redeem, balance_after, earnings, promotions)
    entries = []
    account = ledger.account_of(sale.client_id) if sale.client_id else None
    cache = use_case_cache() or {}
    if account is not None and sale.id in cache.get("settled_sales", ()):  # paid just now: its entries are here
        entries = [e for e in cache.get("entries_by_sale", {}).get(sale.id, []) if e.account_id == account.id]
    elif account is not None:
        entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.sale_id == sale.id,
                                                               LedgerEntry.account_id == account.id)
                                     .order_by(LedgerEntry.id)).all()
    earnings = tuple((e.kind, e.description, e.points) for e in entries if e.points > 0 and e.kind != "refund")
    return SaleQuote(None, sale.points_earned, sale.points_redeemed, sale.balance_after if enabled else None,
                     earnings)


def describe_sale(sale: Sale, clock: SalonTime) -> dict:
    """The sale as the API answers it and the panel shows it (one place computes it)."""
    from pos_loyalty.models import Till

    money = sale_money(sale)
    quote = sale_quote(sale, money, clock)
    discounts_by_redemption = {rid: amount for _, amount, rid in money.discounts if rid is not None}
    till = db.session.get(Till, sale.till_id) if sale.till_id is not None else None  # None: an imported sale
    return {
        "id": sale.id,
        "client_id": sale.client_id,
        "till": till.code if till else None,
        "status": sale.status,
        "lines": [{"position": line.position, "code": line.code, "name": line.name, "kind": line.kind, "category": line.category, "quantity": line.quantity,
                   "unit_price": line.unit_price, "amount": line.unit_price * line.quantity} for line in sale.lines],
        "discount_code": sale.discount_code,
        "discount_amount": sale.code_discount,
        "total": money.pricing.total,
        "discount": money.pricing.discount,
        "to_pay": money.pricing.to_pay,
        "paid": money.paid,
        "due": money.due if sale.status == "open" else Decimal("0.00"),
        "change": money.change,
        "discounts": [{"description": label, "amount": amount} for label, amount, _ in money.discounts],
        "redemptions": [{"id": r.id, "reward_id": r.reward_id, "name": r.name, "kind": r.kind,
                         "points_cost": r.points_cost, "discount": discounts_by_redemption.get(r.id, Decimal("0")),
                         "status": r.status} for r in sale.redemptions],
        "payments": [{"id": p.id, "amount": p.amount, "tendered": p.tendered, "method": p.method, "at": p.at}
                     for p in sale.payments],
        "quote": {"points_to_earn": quote.points_to_earn, "balance_after": quote.balance_after,
                  "points_to_redeem": quote.points_to_redeem,
                  "earnings": [{"kind": k, "description": d, "points": p} for k, d, p in quote.earnings],
                  "promotions": [{"factor": f, "description": d} for f, d in quote.promotions]},
        "created_at": sale.created_at,
        "paid_at": sale.paid_at,
        "program_version": sale.program_version,
    }
