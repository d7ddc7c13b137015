"""The receipt of a sale: the data the layout needs, then text, ESC/POS bytes or a PNG preview.

The loyalty block uses the same summary as the till (one copy of the rules).
"""
from __future__ import annotations


from sqlalchemy import select

from pos_loyalty.core.errors import Invalid
from pos_loyalty.core.receipt import (ReceiptCode, ReceiptData, ReceiptDiscount, ReceiptLine, ReceiptLoyalty,
                                      ReceiptPayment, ReceiptPoints, ReceiptReward)
from pos_loyalty.core.summary import RewardOffer, summarise
from pos_loyalty.extensions import db
from pos_loyalty.models import Client, LedgerEntry, PointsAccount, RewardGrant, Till
from pos_loyalty.runtime import runtime
from pos_loyalty.services import ledger, milestones
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.cards import card_url
from pos_loyalty.services.context import current_terms, salon_time
from pos_loyalty.services.program import list_rewards
from pos_loyalty.services.sale_view import sale_money, sale_quote
from pos_loyalty.services.sales import get_sale

WIDTHS = (32, 48)  # 58 mm and 80 mm paper


def receipt_data(actor: Actor, sale_id: int) -> ReceiptData:
    sale = get_sale(actor, sale_id)
    clock = salon_time(sale.salon_id)
    salon = clock.salon
    money = sale_money(sale)
    till = db.session.get(Till, sale.till_id) if sale.till_id is not None else None  # None: an imported sale
    return ReceiptData(
        salon_name=salon.name, salon_address=salon.address, vat_number=salon.vat_number,
        till=(till.name or till.code) if till else "", sale_id=sale.id,
        at=(sale.paid_at or sale.created_at).astimezone(clock.local.tzinfo),
        locale=salon.locale, currency=salon.currency,  # each salon's money in its own currency
        lines=tuple(ReceiptLine(line.code, line.name, line.quantity, line.unit_price, line.unit_price * line.quantity)
                    for line in sale.lines),
        discounts=tuple(ReceiptDiscount(label, amount) for label, amount, _ in money.discounts),
        total=money.pricing.total, discount=money.pricing.discount, to_pay=money.pricing.to_pay,
        payments=tuple(ReceiptPayment(p.method, p.tendered) for p in sale.payments),
        change=money.change, status=sale.status, cashier=sale.created_by,
        loyalty=_loyalty_block(sale, money, clock), footer=salon.receipt_footer,
    )


def _loyalty_block(sale, money, clock) -> ReceiptLoyalty | None:
    """The client's points on this receipt. A closed sale shows the balance and next expiry kept on it when
    it was paid, so that a receipt printed again later shows the sale as it was, not today's figures."""
    if sale.client_id is None or not current_terms().enabled:
        return None
    client = db.session.get(Client, sale.client_id)
    account = db.session.scalars(select(PointsAccount).where(PointsAccount.client_id == client.id)).one()
    redeemed = tuple(ReceiptPoints(r.name, -r.points_cost) for r in sale.redemptions
                     if r.status in ("held", "deducted", "returned"))
    offers = [RewardOffer(r.id, r.name, r.points_cost) for r in list_rewards(active_only=True)]
    if sale.status == "open":
        quote = sale_quote(sale, money, clock)
        earned = tuple(ReceiptPoints(description, points) for _, description, points in quote.earnings)
        balance = quote.balance_after
        summary = summarise(balance, 0, ledger.lot_views(ledger.open_lots(account)), offers, clock.today,
                            account.debt)
        next_expiry = (summary.next_expiry.points, summary.next_expiry.expires_on) if summary.next_expiry else None
    else:
        entries = db.session.scalars(select(LedgerEntry).where(
            LedgerEntry.sale_id == sale.id, LedgerEntry.account_id == account.id).order_by(LedgerEntry.id)).all()
        earned = tuple(ReceiptPoints(e.description, e.points) for e in entries
                       if e.points > 0 and e.kind not in ("refund", "adjust"))
        balance = sale.balance_after  # None: a sale closed before balances were kept, or never paid
        summary = summarise(balance, 0, [], offers, clock.today) if balance is not None else None
        next_expiry = (sale.next_expiry_points, sale.next_expiry_on) if sale.next_expiry_on else None
    erased = client.erased_at is not None  # an erased client's old receipts name no one, link nowhere
    issued, used = _codes(sale)
    if current_terms().reward_mode == "milestone":  # points are never spent: no reward "in reach" by balance
        summary = None
    return ReceiptLoyalty(
        codes_issued=issued, codes_used=used,
        client_name="" if erased else client.name, referral_code="" if erased else client.referral_code,
        referral_link="" if erased else runtime().referral_link.format(code=client.referral_code),
        card_url="" if erased else card_url(client) or "",
        earned=earned, redeemed=redeemed, balance=balance,
        next_expiry_points=next_expiry[0] if next_expiry else None,
        next_expiry_on=next_expiry[1] if next_expiry else None,
        rewards_in_reach=tuple(ReceiptReward(r.name, r.points_cost) for r in summary.eligible_rewards)
        if summary else (),
        next_reward=ReceiptReward(summary.next_reward.name, summary.next_reward.points_cost, summary.points_missing)
        if summary and summary.next_reward else None,
    )


def _codes(sale) -> tuple[tuple[ReceiptCode, ...], tuple[ReceiptCode, ...]]:
    """The milestone codes this sale's payment issued, and the one used on it: both stay as they were, so a
    receipt printed later shows them whatever happened to the codes since."""
    issued = tuple(ReceiptCode(grant.code, grant.name) for grant in milestones.codes_of_sale(sale.id, sale.client_id))
    used = []
    for redemption in sale.redemptions:
        if redemption.grant_id and redemption.status in ("held", "deducted", "returned"):
            grant = db.session.get(RewardGrant, redemption.grant_id)
            if grant is not None and grant.code:
                used.append(ReceiptCode(grant.code, redemption.name))
    return issued, tuple(used)


def till_width(actor: Actor, sale_id: int) -> int:
    sale = get_sale(actor, sale_id)
    till = db.session.get(Till, sale.till_id) if sale.till_id is not None else None
    return till.printer_width if till and till.printer_width in WIDTHS else 48


def render_receipt(actor: Actor, sale_id: int, output: str, width: int | None) -> tuple[bytes | str, str]:
    """("text" | "escpos" | "png") -> (body, mimetype)."""
    from pos_loyalty.printing import layout, outputs

    data = receipt_data(actor, sale_id)
    width = width or till_width(actor, sale_id)
    if width not in WIDTHS:
        raise Invalid("A receipt is 32 (58 mm) or 48 (80 mm) columns wide.", code="bad_width",
                      details={"width": ["32 or 48."]})
    instructions = layout.render(data, width)
    if output == "text":
        return outputs.to_text(instructions, width), "text/plain; charset=utf-8"
    if output == "escpos":
        return outputs.to_escpos(instructions, outputs.profile_for_width(width)), "application/octet-stream"
    if output == "png":
        return outputs.to_png(instructions, width), "image/png"
    raise Invalid(f"Unknown receipt format {output!r}.", code="bad_format", details={"format": ["text, escpos, png"]})


