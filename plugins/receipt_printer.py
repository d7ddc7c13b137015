"""Prints the receipt of every paid sale on its till's printer (POS_LOYALTY_PRINTER or the till's own).

The print job is written in the payment's own transaction: a paid sale always has its job, and the
background worker sends it once the sale is committed.
"""
from pos_loyalty.hookspecs import SaleEvent, hookimpl

PLUGIN_NAME = "receipt-printer"
__version__ = "1.1"


@hookimpl
def sale_settling(event: SaleEvent) -> None:
    from pos_loyalty.services.printing import queue_paid_sale_receipt

    queue_paid_sale_receipt(event.sale_id, event.till_id)
