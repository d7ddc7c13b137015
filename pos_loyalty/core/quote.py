"""The points a sale earns: computed once, from the program version in force and the earning rules.

The core only orchestrates. What each rule kind gives comes from earning-rule providers (the bundled
plugins and any outside plugin): first every provider may contribute multipliers, then every provider
contributes earnings knowing the combined multiplier.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from .errors import Invalid
from .pricing import PricedLine
from .program import EarningRule, ProgramTerms

CLIENT = "client"
REFERRER = "referrer"


@dataclass(frozen=True)
class ClientFacts:
    id: int
    birth_date: date | None
    subscriber: bool
    referrer_id: int | None
    # True while the client has never had a paid sale and the referral was not yet rewarded.
    awaiting_first_sale: bool


@dataclass(frozen=True)
class EarningContext:
    terms: ProgramTerms
    rules: tuple[EarningRule, ...]
    lines: tuple[PricedLine, ...]
    net_amounts: tuple[Decimal, ...]  # what the client pays per line after discounts
    client: ClientFacts | None
    at: datetime  # in the salon's time zone: weekdays and hours of promotions are local
    has_discount_code: bool  # a non-loyalty discount code is on the sale
    format_money: Callable[[Decimal], str]
    locale: str = "en_GB"  # the salon's: descriptions are written in its language
    currency: str = "EUR"  # the salon's
    rewards_earn: bool = True  # False when a reward on the sale says a sale using it earns nothing

    def say(self, msgid: str, **values) -> str:
        """A description in the salon's language from the gettext catalogues, keeping its msgid and values
        (the ledger entry keeps them, so the history reads in the reader's language). Mark the msgid with
        N_ (pos_loyalty.translatable) so the catalogue finds it; money as self.money(amount)."""
        from .messages import say

        return say(self.locale, msgid, **values)

    def money(self, amount: Decimal):
        """An amount in the salon's currency, as a message value (written in the reader's language)."""
        from .messages import Money

        return Money(amount, self.currency)

    @property
    def sale_earns(self) -> bool:
        """The manager's exclusions that stop a whole sale from earning."""
        if not self.terms.enabled:
            return False
        if self.has_discount_code and not self.terms.discounted_sales_earn:
            return False
        if self.client is not None and self.client.subscriber and not self.terms.subscribers_earn:
            return False
        if not self.rewards_earn:
            return False
        return True

    def rules_of_kind(self, kind: str) -> list[EarningRule]:
        return [rule for rule in self.rules if rule.kind == kind]


@dataclass(frozen=True)
class Multiplier:
    factor: Decimal
    description: str


@dataclass(frozen=True)
class Earning:
    kind: str  # ledger kind: earn, service, bonus, referral, welcome
    points: int
    description: str
    beneficiary: str = CLIENT  # or REFERRER


class EarningRuleProvider(Protocol):
    def multipliers(self, context: EarningContext) -> Iterable[Multiplier]: ...

    def earnings(self, context: EarningContext, multiplier: Decimal) -> Iterable[Earning]: ...


@dataclass(frozen=True)
class Quote:
    earnings: tuple[Earning, ...]
    multipliers: tuple[Multiplier, ...]
    multiplier: Decimal

    @property
    def client_points(self) -> int:
        return sum(e.points for e in self.earnings if e.beneficiary == CLIENT)

    @property
    def referrer_points(self) -> int:
        return sum(e.points for e in self.earnings if e.beneficiary == REFERRER)


LEDGER_CREDIT_KINDS = {"earn", "service", "bonus", "referral", "welcome"}
# The most a sale may credit (the client's and the referrer's points together). Far above any salon's
# sale, it keeps every sum of points (a balance, a report) far below 2**63, and a sale beyond it is refused
# when it is quoted (opened, changed, paid), before a payment is taken, instead of failing half paid.
MAX_SALE_POINTS = 1_000_000_000


def quote_sale(context: EarningContext, provider: EarningRuleProvider) -> Quote:
    if not context.terms.enabled:
        return Quote(earnings=(), multipliers=(), multiplier=Decimal(1))
    multipliers = tuple(provider.multipliers(context))
    factor = Decimal(1)
    for multiplier in multipliers:  # promotions combine: double points on a birthday Tuesday is x4
        factor *= multiplier.factor
    earnings = []
    for earning in provider.earnings(context, factor):
        if not isinstance(earning.points, int) or earning.points < 0:
            raise ValueError(f"an earning rule gave {earning.points!r} points; points are whole and positive")
        if earning.kind not in LEDGER_CREDIT_KINDS:
            raise ValueError(f"an earning rule gave the unknown ledger kind {earning.kind!r}")
        if earning.beneficiary == REFERRER and (context.client is None or context.client.referrer_id is None):
            continue
        if earning.points:
            earnings.append(earning)
    quote = Quote(earnings=tuple(earnings), multipliers=multipliers, multiplier=factor)
    if context.client is not None and quote.client_points + quote.referrer_points > MAX_SALE_POINTS:
        raise Invalid(f"This sale would earn {quote.client_points + quote.referrer_points} points; a sale earns at"
                      f" most {MAX_SALE_POINTS}.", code="too_many_points",
                      details={"lines": [f"At most {MAX_SALE_POINTS} points a sale."]})
    return quote
