"""What a receipt says, as plain data: the services fill it, the printing adapters lay it out.

Money is Decimal, points are int, dates are dates; nothing here knows Flask, SQL or ESC/POS.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class ReceiptLine:
    code: str
    name: str
    quantity: int
    unit_price: Decimal
    amount: Decimal  # quantity x unit_price, before sale-level discounts


@dataclass(frozen=True)
class ReceiptDiscount:
    description: str  # "10 € off (reward)", "Discount code WELCOME5"
    amount: Decimal  # positive: what comes off the total


@dataclass(frozen=True)
class ReceiptPayment:
    method: str  # "card", "cash", ...
    amount: Decimal


@dataclass(frozen=True)
class ReceiptPoints:
    description: str  # "75,00 € spent", "Portrait", "Referral bonus"
    points: int  # signed: +75, -100


@dataclass(frozen=True)
class ReceiptReward:
    name: str
    points_cost: int
    points_missing: int = 0  # 0 when the client can redeem it now


@dataclass(frozen=True)
class ReceiptCode:
    code: str  # six capital letters
    reward: str  # the reward's name when it was issued: "10 € off"


@dataclass(frozen=True)
class ReceiptLoyalty:
    client_name: str
    referral_code: str
    referral_link: str  # printed as text, for the client to share
    earned: tuple[ReceiptPoints, ...]  # one row per reason
    redeemed: tuple[ReceiptPoints, ...]  # reward name and negative points
    balance: int | None  # right after the sale (to come, on an open sale); None when it is not known
    next_expiry_points: int | None
    next_expiry_on: date | None
    rewards_in_reach: tuple[ReceiptReward, ...]  # redeemable now
    next_reward: ReceiptReward | None  # the next one, with points_missing
    card_url: str = ""  # the client's own card page: what the QR code holds
    codes_issued: tuple[ReceiptCode, ...] = ()  # milestone codes this sale's payment unlocked
    codes_used: tuple[ReceiptCode, ...] = ()  # the milestone code redeemed on this sale

    @property
    def points_earned(self) -> int:
        """What the sale earned in all, printed above its breakdown."""
        return sum(row.points for row in self.earned)


@dataclass(frozen=True)
class ReceiptData:
    salon_name: str
    salon_address: str
    vat_number: str
    till: str
    sale_id: int
    at: datetime  # timezone-aware, in the salon's time zone
    locale: str  # "fr_FR", "en_GB", "it_IT"
    currency: str  # "EUR"
    lines: tuple[ReceiptLine, ...]
    discounts: tuple[ReceiptDiscount, ...]
    total: Decimal  # sum of lines
    discount: Decimal  # sum of discounts
    to_pay: Decimal  # total - discount
    payments: tuple[ReceiptPayment, ...]
    change: Decimal  # cash handed back
    status: str  # "paid", "open", "cancelled", "refunded"
    cashier: str = ""
    loyalty: ReceiptLoyalty | None = None
    footer: str = ""
    extra: dict = field(default_factory=dict)  # blocks added by plugins: {"title": [lines]}
