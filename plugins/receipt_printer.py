"""Prints the receipt of every paid sale on its till's printer (POS_LOYALTY_PRINTER or the till's own)."""
from pos_loyalty.hookspecs import SaleEvent, hookimpl

PLUGIN_NAME = "receipt-printer"
__version__ = "1.0"


@hookimpl
def sale_paid(event: SaleEvent) -> None:
    from pos_loyalty.services.printing import print_paid_sale

    print_paid_sale(event.sale_id)
