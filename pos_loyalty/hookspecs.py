"""The hooks a pos_loyalty plugin may implement. The bundled rule kinds in plugins/ use only these.

A plugin is a module (or object) with functions marked ``@hookimpl``; it is found through the
``pos_loyalty`` entry-point group, the plugins folder, or the app's ``PLUGINS`` setting.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pluggy

from pos_loyalty.core.quote import CLIENT, REFERRER, Earning, EarningContext, Multiplier  # noqa: F401 (plugin API)

hookspec = pluggy.HookspecMarker("pos_loyalty")
hookimpl = pluggy.HookimplMarker("pos_loyalty")


@dataclass(frozen=True)
class RuleKind:
    """A kind of earning rule the manager can configure through /api/v1/rules.

    ``schema`` is a marshmallow Schema class validating the rule's own fields (everything but ``kind``);
    ``describe`` turns stored params into a short human label for lists and receipts.
    """

    name: str
    schema: type
    describe: object = None


@dataclass(frozen=True)
class SaleEvent:
    sale_id: int
    client_id: int | None
    salon_id: int
    points_earned: int = 0
    points_redeemed: int = 0
    points_reversed: int = 0
    points_returned: int = 0
    till_id: int | None = None  # the till the sale was made at (its printer, its screen)


@hookspec
def loyalty_rule_kinds() -> list[RuleKind]:
    """Declare the kinds of configurable earning rules this plugin understands."""


@hookspec
def loyalty_multipliers(context: EarningContext) -> list[Multiplier]:
    """Promotions in force for this sale: each multiplies the spend points (factors combine)."""


@hookspec
def loyalty_earnings(context: EarningContext, multiplier: Decimal) -> list[Earning]:
    """Points this sale earns under this plugin's rules, each with its ledger kind and description.

    ``multiplier`` is the product of every plugin's multipliers. Respect ``context.sale_earns`` (the
    manager's exclusions) unless the points do not come from the sale itself (a referral bonus).
    """


@hookspec
def sale_settling(event: SaleEvent) -> None:
    """A sale is being fully paid: called inside the payment's transaction, after its points moved.

    What a plugin writes here commits or rolls back with the sale (an outbox: a print job, an export
    row). Keep it short and do not call the outside world from here; use ``sale_paid`` for that.
    """


@hookspec
def sale_paid(event: SaleEvent) -> None:
    """A sale was fully paid and its points moved (called after the transaction committed)."""


@hookspec
def sale_cancelled(event: SaleEvent) -> None:
    """An open sale was cancelled and its holds released (after commit)."""


@hookspec
def sale_refunded(event: SaleEvent) -> None:
    """A paid sale was refunded and its points reversed (after commit)."""


@hookspec
def client_created(client_id: int) -> None:
    """A client profile was created (after commit)."""
