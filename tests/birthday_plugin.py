"""An outside plugin, as a salon's developer would write it: double points in the client's birthday month.

It uses only pos_loyalty.hookspecs; nothing in pos_loyalty knows it exists.
"""
from decimal import Decimal

from pos_loyalty.hookspecs import EarningContext, Multiplier, hookimpl

PLUGIN_NAME = "birthday-month"
__version__ = "0.1"


@hookimpl
def loyalty_multipliers(context: EarningContext):
    client = context.client
    if client is None or client.birth_date is None or not context.sale_earns:
        return []
    if client.birth_date.month == context.at.month:
        return [Multiplier(Decimal(2), "Birthday month")]
    return []
